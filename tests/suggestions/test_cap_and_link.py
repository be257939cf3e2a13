"""At most three proactive messages a month, never the same offer twice, and a one-click link
in every message that withdraws or objects (a forged or old link changes nothing)."""

from __future__ import annotations

import re
import time
from typing import Any

from flask import Flask
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import select

from kcc.db import db, unit_of_work
from tests.conftest import Caller
from tests.fakes.twilio_server import FakeTwilio
from tests.suggestions.conftest import consented_and_started, offer_waste_passes, start_small

LINK = re.compile(r"https?://[^\s]+/stop/([A-Za-z0-9_.\-]+)")


def _items(agent: Caller, person: Any) -> list[dict[str, Any]]:
    return agent.get(f"/api/v1/parties/{person.uuid}/suggestions").get_json()["items"]  # type: ignore[no-any-return]


def _offer(app: Flask, person: Any, count: int) -> None:
    with app.app_context(), unit_of_work() as session:
        offer_waste_passes(session, person, count)
    with app.app_context():
        db.remove()


def test_no_more_than_three_messages_in_thirty_days(
    app: Flask, small: str, make_person, agent: Caller, system: Caller, fake_twilio, run_jobs
) -> None:  # type: ignore[no-untyped-def]
    person = make_person()
    consented_and_started(agent, system, person, run_jobs)
    _offer(app, person, 4)
    run_jobs()
    items = _items(agent, person)
    sent = [i for i in items if i["status"] == "sent"]
    held = [i for i in items if i["status"] == "withdrawn"]
    assert len(sent) == 3 and len(held) == 2
    assert all("at most 3" in i["note"] and "30 days" in i["note"] for i in held)
    assert len(fake_twilio.sent()) == 3


def test_the_same_offer_is_never_sent_twice(
    app: Flask, small: str, make_person, agent: Caller, system: Caller, fake_twilio, run_jobs
) -> None:  # type: ignore[no-untyped-def]
    person = make_person()
    consented_and_started(agent, system, person, run_jobs)
    _offer(app, person, 1)  # "Afvalpas 0"
    _offer(app, person, 1)  # the same words again
    run_jobs()
    statuses = [(i["status"], i["note"]) for i in _items(agent, person)]
    assert statuses[0][0] == "withdrawn" and "same offer was sent" in statuses[0][1]
    assert len(fake_twilio.sent()) == 2


def _link_of(fake_twilio: FakeTwilio) -> tuple[str, str]:
    body = fake_twilio.sent()[-1].body
    found = LINK.search(body)
    assert found is not None, body
    return found.group(0), found.group(1)


def test_the_link_in_the_message_withdraws_the_purpose(
    client: Any, small: str, make_person, agent: Caller, system: Caller, fake_twilio, run_jobs
) -> None:  # type: ignore[no-untyped-def]
    person = make_person()
    consented_and_started(agent, system, person, run_jobs)
    _, token = _link_of(fake_twilio)
    page = client.get(f"/stop/{token}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'lang="nl"' in html and "Geen berichten meer over dit onderwerp" in html
    assert "AVG artikel 21" in html
    # Opening the page changed nothing.
    assert agent.get(f"/api/v1/parties/{person.uuid}/consents").get_json()["current"]
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert csrf is not None
    done = client.post(f"/stop/{token}", data={"choice": "purpose", "csrf_token": csrf.group(1)})
    assert done.status_code == 200 and "Klaar." in done.get_data(as_text=True)
    run_jobs()
    consents = agent.get(f"/api/v1/parties/{person.uuid}/consents").get_json()
    assert consents["current"] == [] or all(
        c["purpose"] != "proactive-test" for c in consents["current"]
    )
    assert {i["status"] for i in _items(agent, person)} == {"withdrawn"}
    assert any(i["method"] == "web" for i in consents["items"])


def test_a_forged_or_expired_link_changes_nothing(
    app: Flask,
    client: Any,
    small: str,
    make_person,
    agent: Caller,
    system: Caller,
    fake_twilio,
    run_jobs,
) -> None:  # type: ignore[no-untyped-def]
    person = make_person()
    consented_and_started(agent, system, person, run_jobs)
    _, token = _link_of(fake_twilio)
    forged = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")

    class LongAgo(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - 91 * 24 * 3600

    payload = URLSafeTimedSerializer(
        app.config["SECRET_KEY"], salt="kcc.suggestion-withdrawal"
    ).loads(token)
    expired = URLSafeTimedSerializer(
        app.config["SECRET_KEY"], salt="kcc.suggestion-withdrawal", signer=LongAgo
    ).dumps(payload)
    for bad, reason in ((forged, "not valid"), (expired, "expired")):
        page = client.get(f"/stop/{bad}")
        assert page.status_code == 400
        text = page.get_data(as_text=True)
        assert "Deze link werkt niet" in text and "Er is niets veranderd" in text and reason in text
        client.get("/stop/x")  # a session for the form's token
        with client.session_transaction() as session:
            csrf = session.get("csrf") or "t"
            session["csrf"] = csrf
        posted = client.post(f"/stop/{bad}", data={"choice": "all", "csrf_token": csrf})
        assert posted.status_code == 400
    assert len(agent.get(f"/api/v1/parties/{person.uuid}/consents").get_json()["current"]) == 1
    assert {i["status"] for i in _items(agent, person)} == {"sent"}


def test_an_objection_ends_the_journeys_and_no_one_asks_again(
    app: Flask,
    client: Any,
    small: str,
    make_person,
    agent: Caller,
    system: Caller,
    fake_twilio,
    run_jobs,
) -> None:  # type: ignore[no-untyped-def]
    from journeys.models import JourneyInstance, JourneyTimer
    from journeys.suggestions.models import ConsentRequest

    person = make_person()
    consented_and_started(agent, system, person, run_jobs)
    _, token = _link_of(fake_twilio)
    html = client.get(f"/stop/{token}?lang=en").get_data(as_text=True)
    assert 'lang="en"' in html and "I object" in html
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert csrf is not None
    done = client.post(f"/stop/{token}", data={"choice": "object", "csrf_token": csrf.group(1)})
    assert done.status_code == 200
    for _ in range(3):
        run_jobs()
    with app.app_context():
        session = db.session()
        statuses = list(
            session.scalars(
                select(JourneyInstance.status).where(JourneyInstance.party_id == person.id)
            )
        )
        pending = session.scalars(
            select(JourneyTimer.id).where(
                JourneyTimer.fired_at.is_(None), JourneyTimer.cancelled_at.is_(None)
            )
        ).all()
        db.remove()
    assert statuses == ["cancelled"] and pending == []
    assert agent.get(f"/api/v1/parties/{person.uuid}/consents").get_json()["current"] == []
    # A new life event: the journey that starts ends at once; nothing is offered or asked.
    start_small(system, person)
    for _ in range(3):
        run_jobs()
    with app.app_context():
        session = db.session()
        statuses = list(
            session.scalars(
                select(JourneyInstance.status).where(JourneyInstance.party_id == person.id)
            )
        )
        asks = session.scalars(select(ConsentRequest.id)).all()
        db.remove()
    assert statuses == ["cancelled", "cancelled"] and asks == []
    assert len(fake_twilio.sent()) == 1
