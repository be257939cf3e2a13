"""Agents approve suggestions before they go out; a send racing a withdrawal loses to the withdrawal."""

from __future__ import annotations

import os
import threading
import uuid
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from journeys.suggestions.models import Suggestion
from kcc.consent.models import ConsentRecord
from kcc.db import db, unit_of_work
from kcc.errors import Conflict
from tests.conftest import Caller
from tests.fakes.twilio_server import FakeTwilio
from tests.suggestions.conftest import consented_and_started, offer_for_approval


def test_approval_then_sent(
    app: Flask,
    small: str,
    make_person,
    agent: Caller,
    system: Caller,
    fake_twilio: FakeTwilio,
    run_jobs,
) -> None:  # type: ignore[no-untyped-def]
    person = make_person()
    consented_and_started(agent, system, person, run_jobs)
    (waiting,) = offer_for_approval(app, person, 1)
    item = next(
        i
        for i in agent.get(f"/api/v1/parties/{person.uuid}/suggestions").get_json()["items"]
        if i["id"] == str(waiting)
    )
    assert (
        item["status"] == "proposed" and item["delivery"] == "approve" and item["sent_at"] is None
    )
    approved = agent.post(f"/api/v1/suggestions/{waiting}/approve")
    assert approved.status_code == 200, approved.get_json()
    assert approved.get_json()["status"] == "sent" and approved.get_json()["approved_at"]
    run_jobs()
    assert "Afvalpas 0" in [m.body.split("\n")[0] for m in fake_twilio.sent()]


def test_approval_after_withdrawal_sends_nothing(
    app: Flask,
    small: str,
    make_person,
    agent: Caller,
    system: Caller,
    fake_twilio: FakeTwilio,
    run_jobs,
) -> None:  # type: ignore[no-untyped-def]
    person = make_person()
    consent = consented_and_started(agent, system, person, run_jobs)
    (waiting,) = offer_for_approval(app, person, 1)
    before = len(fake_twilio.sent())
    agent.post(
        f"/api/v1/parties/{person.uuid}/consents/{consent['id']}/withdraw", json={"method": "phone"}
    )
    response = agent.post(f"/api/v1/suggestions/{waiting}/approve")
    run_jobs()
    run_jobs()
    assert response.status_code in (200, 409)
    items = agent.get(f"/api/v1/parties/{person.uuid}/suggestions").get_json()["items"]
    assert {i["status"] for i in items} == {"withdrawn"}
    assert len(fake_twilio.sent()) == before


@pytest.mark.postgres
@pytest.mark.skipif(
    not os.environ.get("KCC_TEST_DATABASE_URL"), reason="needs PostgreSQL (KCC_TEST_DATABASE_URL)"
)
def test_send_racing_withdrawal_withdrawal_wins(
    app: Flask,
    small: str,
    make_person,
    agent: Caller,
    system: Caller,
    fake_twilio: FakeTwilio,
    run_jobs,
) -> None:  # type: ignore[no-untyped-def]
    person = make_person()
    consent = consented_and_started(agent, system, person, run_jobs)
    waiting = offer_for_approval(app, person, 24)
    from journeys.suggestions.services import approve
    from kcc.consent.withdrawals import withdraw_consent

    with app.app_context():
        from kcc.auth.models import User

        user_id = db.session().scalar(select(User.id).where(User.uuid == agent.user_id))
        db.remove()
    barrier = threading.Barrier(len(waiting) + 1)
    outcomes: list[Any] = []

    def approver(suggestion_uuid: Any) -> None:
        barrier.wait()
        try:
            with app.app_context(), unit_of_work():
                outcomes.append(approve(suggestion_uuid, user_id).status)
        except Conflict as exc:
            outcomes.append(exc.detail)
        finally:
            with app.app_context():
                db.remove()

    def withdrawer() -> None:
        barrier.wait()
        with app.app_context(), unit_of_work():
            withdraw_consent(person.uuid, uuid.UUID(consent["id"]), "phone")
        with app.app_context():
            db.remove()

    threads = [threading.Thread(target=approver, args=(u,)) for u in waiting[:12]]
    threads.append(threading.Thread(target=withdrawer))
    threads += [threading.Thread(target=approver, args=(u,)) for u in waiting[12:]]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    for _ in range(4):
        run_jobs()
    with app.app_context():
        session = db.session()
        withdrawn_at = session.scalar(
            select(ConsentRecord.recorded_at).where(ConsentRecord.action == "withdrawn")
        )
        rows = list(session.scalars(select(Suggestion).where(Suggestion.uuid.in_(waiting))))
        from sqlalchemy import text

        messages = session.execute(
            text(
                "SELECT created_at, details->>'reference' FROM channel_messages WHERE direction = 'outbound'"
            )
        ).all()
        errors = session.execute(
            text("SELECT name, last_error, handled_at FROM outbox WHERE name like 'consent%'")
        ).all()
        db.remove()
    assert len(outcomes) == len(waiting)
    sent = [s for s in rows if s.sent_at is not None]
    assert all(s.sent_at < withdrawn_at for s in sent), "a suggestion went out after the withdrawal"
    references = {ref for _, ref in messages}
    assert all(created < withdrawn_at for created, _ in messages), (
        "a message was queued after the withdrawal"
    )
    assert {f"suggestion:{s.uuid}" for s in sent} <= references
    assert all(s.status == "withdrawn" for s in rows), ({s.status for s in rows}, errors, outcomes)
