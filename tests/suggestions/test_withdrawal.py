"""A withdrawal stops every pending suggestion at once, also a message already queued for one.

The send job asks again, under the party's consent lock, at the moment it would call the
provider; on PostgreSQL, send workers racing a withdrawal send nothing after it.
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select, text

from channels.models import ChannelMessage
from journeys.suggestions.models import Suggestion
from kcc.consent.models import ConsentRecord
from kcc.db import db, unit_of_work
from tests.conftest import Caller
from tests.fakes.twilio_server import FakeTwilio
from tests.suggestions.conftest import (
    Person,
    consented_and_started,
    offer_for_approval,
    offer_waste_passes,
)


def queue_unsent(app: Flask, person: Person, count: int) -> list[str]:
    """``count`` suggestions sent to the person's phone whose send jobs have not run yet."""
    with app.app_context(), unit_of_work() as session:
        made = offer_waste_passes(session, person, count)
        assert all(s.status == "sent" and s.message_id for s in made)
        ids = [str(s.message_id) for s in made]
        # The send jobs are lost for now (a busy queue, a worker down): the rows stay queued.
        hooks = session.info.get("after_commit", {})
        session.info["after_commit"] = {k: v for k, v in hooks.items() if not k.startswith("send-")}
    with app.app_context():
        db.remove()
    return ids


def send_jobs(app: Flask, message_ids: list[str]) -> list[str]:
    """Run the send job of each message, as a worker picking it up late would."""
    from channels.outbound.delivery import deliver

    outcomes = []
    for message_id in message_ids:
        with app.app_context():
            outcomes.append(deliver(message_id))
            db.remove()
    return outcomes


def _messages(app: Flask, ids: list[str]) -> list[ChannelMessage]:
    with app.app_context():
        rows = list(
            db.session().scalars(
                select(ChannelMessage).where(ChannelMessage.uuid.in_([uuid.UUID(i) for i in ids]))
            )
        )
        db.remove()
    return rows


def _statuses(agent: Caller, person: Person) -> list[str]:
    items = agent.get(f"/api/v1/parties/{person.uuid}/suggestions").get_json()["items"]
    return [i["status"] for i in items]


def _withdraw_by_api(agent: Caller, person: Person, consent: dict[str, Any], **_: Any) -> None:
    response = agent.post(
        f"/api/v1/parties/{person.uuid}/consents/{consent['id']}/withdraw", json={"method": "api"}
    )
    assert response.status_code in (200, 201), response.get_json()


def _withdraw_by_sms(person: Person, text_in: Any, **_: Any) -> None:
    text_in(person.phone, "STOP")


def _withdraw_by_chat(client: Any, agent: Caller, person: Person, **_: Any) -> None:
    chat = client.post("/api/v1/chat/sessions", json={"display_name": "Sanne"}).get_json()
    headers = {"X-Chat-Token": chat["token"]}
    path = f"/api/v1/chat/sessions/{chat['id']}/messages"
    assert client.post(path, json={"body": "Hallo"}, headers=headers).status_code == 201
    conversation = agent.get("/api/v1/conversations?channel=chat").get_json()["items"][0]
    linked = agent.patch(
        f"/api/v1/conversations/{conversation['id']}", json={"party_id": str(person.uuid)}
    )
    assert linked.status_code == 200, linked.get_json()
    assert client.post(path, json={"body": "stop"}, headers=headers).status_code == 201


@pytest.mark.parametrize("route", ["api", "sms", "chat"])
@pytest.mark.usefixtures("roomy_cap")
def test_withdrawal_stops_pending_suggestions_and_queued_messages(
    route: str,
    app: Flask,
    client: Any,
    small: str,
    make_person,
    agent: Caller,
    system: Caller,
    fake_twilio: FakeTwilio,
    text_in,
    run_jobs,
) -> None:  # type: ignore[no-untyped-def]
    person = make_person()
    consent = consented_and_started(agent, system, person, run_jobs)
    assert len(fake_twilio.sent()) == 1  # the journey's first suggestion went out
    queued = queue_unsent(app, person, 3)
    offer_for_approval(app, person, 1)
    {"api": _withdraw_by_api, "sms": _withdraw_by_sms, "chat": _withdraw_by_chat}[route](
        agent=agent, person=person, consent=consent, text_in=text_in, client=client
    )
    for _ in range(4):
        run_jobs()
    assert set(send_jobs(app, queued)) <= {"cancelled", "skipped"}
    assert len(fake_twilio.sent()) == 1, "a message queued before the withdrawal went out"
    assert set(_statuses(agent, person)) == {"withdrawn"}
    rows = _messages(app, queued)
    assert {m.status for m in rows} == {"failed"} and all(m.sent_at is None for m in rows)


def test_send_job_cancels_when_the_withdrawal_is_not_yet_handled(
    app: Flask,
    small: str,
    make_person,
    agent: Caller,
    system: Caller,
    fake_twilio: FakeTwilio,
    run_jobs,
) -> None:  # type: ignore[no-untyped-def]
    """The consent is gone but the suggestions subscriber has not run: the send job still stops."""
    from kcc.consent.withdrawals import withdraw_consent

    person = make_person()
    consent = consented_and_started(agent, system, person, run_jobs)
    before = len(fake_twilio.sent())
    queued = queue_unsent(app, person, 2)
    with app.app_context(), unit_of_work() as session:
        withdraw_consent(person.uuid, uuid.UUID(consent["id"]), "phone")
        session.info.pop("after_commit", None)  # the outbox relay has not dispatched it yet
    with app.app_context():
        db.remove()
    assert send_jobs(app, queued) == ["cancelled", "cancelled"]
    assert len(fake_twilio.sent()) == before
    rows = _messages(app, queued)
    assert {(m.status, m.error_code) for m in rows} == {("failed", "cancelled")}
    assert all("withdrew consent" in (m.error_message or "") for m in rows)
    with app.app_context():
        notes = {
            s.note
            for s in db.session().scalars(
                select(Suggestion).where(Suggestion.message_id.in_(queued))
            )
        }
        db.remove()
    assert notes == {"withdrawn: the resident withdrew consent before the message went out"}


needs_postgres = pytest.mark.skipif(
    not os.environ.get("KCC_TEST_DATABASE_URL"), reason="needs PostgreSQL (KCC_TEST_DATABASE_URL)"
)


def _waiting_for_advisory_locks(app: Flask) -> int:
    with app.app_context():
        assert db.engine is not None
        with db.engine.connect() as conn:
            found = conn.execute(
                text(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
                    "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
                )
            ).scalar()
    return int(found or 0)


@pytest.mark.postgres
@needs_postgres
@pytest.mark.usefixtures("roomy_cap")
def test_send_workers_blocked_by_a_withdrawal_in_flight_send_nothing(
    app: Flask,
    small: str,
    make_person,
    agent: Caller,
    system: Caller,
    fake_twilio: FakeTwilio,
    run_jobs,
) -> None:  # type: ignore[no-untyped-def]
    """The withdrawal holds the consent lock while 8 send workers start: all 8 cancel."""
    from channels.outbound.delivery import deliver
    from kcc.consent.withdrawals import withdraw_consent

    person = make_person()
    consent = consented_and_started(agent, system, person, run_jobs)
    before = len(fake_twilio.sent())
    queued = queue_unsent(app, person, 8)
    locked = threading.Event()
    outcomes: list[str] = []
    waited: list[int] = []

    def withdrawer() -> None:
        with app.app_context(), unit_of_work():
            withdraw_consent(person.uuid, uuid.UUID(consent["id"]), "phone")
            locked.set()
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                waited.append(_waiting_for_advisory_locks(app))
                if waited[-1] >= len(queued):
                    break
                time.sleep(0.05)
        with app.app_context():
            db.remove()

    def worker(message_id: str) -> None:
        locked.wait(10)
        with app.app_context():
            try:
                outcomes.append(deliver(message_id))
            finally:
                db.remove()

    threads = [threading.Thread(target=withdrawer)]
    threads += [threading.Thread(target=worker, args=(m,)) for m in queued]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert max(waited) == len(queued), "the send workers did not wait for the withdrawal"
    assert outcomes == ["cancelled"] * len(queued)
    assert len(fake_twilio.sent()) == before, "a message went out after the withdrawal"
    for _ in range(3):
        run_jobs()
    assert set(_statuses(agent, person)) == {"withdrawn"}


@pytest.mark.postgres
@needs_postgres
@pytest.mark.usefixtures("roomy_cap")
def test_send_workers_racing_a_withdrawal_never_send_after_it(
    app: Flask,
    small: str,
    make_person,
    agent: Caller,
    system: Caller,
    fake_twilio: FakeTwilio,
    run_jobs,
) -> None:  # type: ignore[no-untyped-def]
    """Free race of 16 send workers and a withdrawal: whatever was sent was decided before it."""
    from channels.outbound.delivery import deliver
    from kcc.consent.withdrawals import withdraw_consent

    person = make_person()
    consent = consented_and_started(agent, system, person, run_jobs)
    before = len(fake_twilio.sent())
    queued = queue_unsent(app, person, 16)
    barrier = threading.Barrier(len(queued) + 1)
    outcomes: list[str] = []

    def withdrawer() -> None:
        barrier.wait()
        with app.app_context(), unit_of_work():
            withdraw_consent(person.uuid, uuid.UUID(consent["id"]), "phone")
        with app.app_context():
            db.remove()

    def worker(message_id: str) -> None:
        barrier.wait()
        with app.app_context():
            try:
                outcomes.append(deliver(message_id))
            finally:
                db.remove()

    threads = [threading.Thread(target=worker, args=(m,)) for m in queued[:8]]
    threads.append(threading.Thread(target=withdrawer))
    threads += [threading.Thread(target=worker, args=(m,)) for m in queued[8:]]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    with app.app_context():
        withdrawn_at = db.session().scalar(
            select(ConsentRecord.recorded_at).where(ConsentRecord.action == "withdrawn")
        )
        db.remove()
    rows = _messages(app, queued)
    sent = [m for m in rows if m.status != "failed"]
    cancelled = [m for m in rows if m.status == "failed"]
    assert sorted(outcomes) == sorted(["sent"] * len(sent) + ["cancelled"] * len(cancelled))
    assert len(fake_twilio.sent()) - before == len(sent)
    # A send decided (attempt recorded under the lock) after the withdrawal would be a breach.
    assert all(
        m.attempt_started_at is not None and m.attempt_started_at < withdrawn_at for m in sent
    )
    assert all(m.error_code == "cancelled" and m.attempts == 0 for m in cancelled)
