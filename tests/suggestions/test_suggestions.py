"""Journeys offer suggestions only with consent, explain them, send them by SMS, and never decide."""

from __future__ import annotations

from flask import Flask

from tests.conftest import Caller
from tests.fakes.twilio_server import FakeTwilio
from tests.suggestions.conftest import consented_and_started, grant, start_small


def _suggestions(agent: Caller, person) -> list:  # type: ignore[no-untyped-def]
    response = agent.get(f"/api/v1/parties/{person.uuid}/suggestions")
    assert response.status_code == 200, response.get_json()
    return response.get_json()["items"]  # type: ignore[no-any-return]


def test_with_consent_sent_by_sms_with_explanation(
    small: str, make_person, agent: Caller, system: Caller, fake_twilio: FakeTwilio, run_jobs
) -> None:  # type: ignore[no-untyped-def]
    person = make_person(language="en")
    consent = consented_and_started(agent, system, person, run_jobs)
    items = _suggestions(agent, person)
    assert len(items) == 1
    item = items[0]
    assert item["status"] == "sent" and item["channel"] == "sms" and item["service"] == "waste-pass"
    explanation = item["explanation"]
    assert (
        explanation["journey"] == "small"
        and explanation["version"] == 1
        and explanation["state"] == "waiting"
    )
    assert explanation["events"] and explanation["events"][0]["event"] == "start"
    assert explanation["consent"]["id"] == consent["id"]
    assert explanation["data_used"] == [] and explanation["decides_nothing"] is True
    assert (
        explanation["cause"]["kind"] == "event"
        and explanation["cause"]["type"] == "nl.test.started"
    )
    assert "Waste pass" in explanation["rule_text"]["en"]
    assert "The municipality decides nothing by this" in item["why"]
    assert "article 21" in item["why"] and "/stop/" in item["why"]
    assert "De gemeente beslist hier niets mee" in item["why_nl"]
    sent = fake_twilio.sent()
    assert [m.to for m in sent] == [person.phone]
    assert sent[0].body.startswith("Waste pass") and "YES" in sent[0].body
    view = agent.get(f"/api/v1/parties/{person.uuid}/view").get_json()
    assert view["suggestions"][0]["id"] == item["id"]


def test_without_consent_nothing_sent_agent_asks(
    small: str, make_person, agent: Caller, system: Caller, fake_twilio: FakeTwilio, run_jobs
) -> None:  # type: ignore[no-untyped-def]
    person = make_person()
    start_small(system, person)
    run_jobs()
    run_jobs()
    assert _suggestions(agent, person) == []
    assert fake_twilio.sent() == []
    view = agent.get(f"/api/v1/parties/{person.uuid}/view").get_json()
    asks = [s for s in view["suggestions"] if s["type"] == "ask_for_consent"]
    assert (
        len(asks) == 1 and asks[0]["agent_only"] is True and asks[0]["services"] == ["waste-pass"]
    )
    # Consent given at the next contact: the offer is made now, since the journey is still there.
    grant(agent, person)
    run_jobs()
    run_jobs()
    items = _suggestions(agent, person)
    assert [i["status"] for i in items] == ["sent"]
    view = agent.get(f"/api/v1/parties/{person.uuid}/view").get_json()
    assert not [s for s in view["suggestions"] if s["type"] == "ask_for_consent"]


def test_consent_for_another_purpose_does_not_count(
    small: str,
    builtins_moving,
    make_person,
    agent: Caller,
    system: Caller,
    fake_twilio: FakeTwilio,
    run_jobs,
) -> None:  # type: ignore[no-untyped-def]
    person = make_person()
    grant(agent, person, purpose="proactive-moving")
    start_small(system, person)
    run_jobs()
    run_jobs()
    assert _suggestions(agent, person) == []
    assert fake_twilio.sent() == []


def test_stop_withdraws_pending_and_sent(
    app: Flask,
    small: str,
    make_person,
    agent: Caller,
    system: Caller,
    fake_twilio: FakeTwilio,
    text_in,
    run_jobs,
) -> None:  # type: ignore[no-untyped-def]
    person = make_person()
    grant(agent, person)
    start_small(system, person)
    run_jobs()
    run_jobs()
    assert _suggestions(agent, person)[0]["status"] == "sent"
    text_in(person.phone, "STOP")
    for _ in range(4):
        run_jobs()
    items = _suggestions(agent, person)
    assert items[0]["status"] == "withdrawn" and "withdrew consent" in items[0]["note"]
    assert agent.get(f"/api/v1/parties/{person.uuid}/consents").get_json()["current"] == []


def test_resident_answers_yes_by_sms(
    small: str,
    make_person,
    agent: Caller,
    system: Caller,
    fake_twilio: FakeTwilio,
    text_in,
    run_jobs,
) -> None:  # type: ignore[no-untyped-def]
    person = make_person()
    grant(agent, person)
    start_small(system, person)
    run_jobs()
    run_jobs()
    text_in(person.phone, "Ja!")
    for _ in range(4):
        run_jobs()
    item = _suggestions(agent, person)[0]
    assert item["status"] == "accepted" and item["answered_by"] == "resident:sms"


def test_an_sms_matters_to_suggestions_only_while_one_awaits_an_answer(
    app: Flask,
    small: str,
    make_person,
    agent: Caller,
    system: Caller,
    fake_twilio: FakeTwilio,
    text_in,
    run_jobs,
) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from kcc.db import db
    from kcc.events.models import OutboxEvent

    def message_events() -> list[bool]:
        """Per message.received event: was it queued (not handled when recorded)?"""
        with app.app_context():
            rows = db.session().execute(
                select(OutboxEvent.handled_at, OutboxEvent.attempts)
                .where(OutboxEvent.name == "message.received")
                .order_by(OutboxEvent.id)
            )
            found = [attempts > 0 for _, attempts in rows]
            db.remove()
        return found

    person = make_person()
    text_in(person.phone, "Hallo, ik heb een vraag")
    run_jobs()
    assert message_events() == [False]  # no suggestion waits for an answer: no job
    consented_and_started(agent, system, person, run_jobs)
    assert _suggestions(agent, person)[0]["status"] == "sent"
    text_in(person.phone, "Ja")
    for _ in range(3):
        run_jobs()
    assert message_events()[-1] is True
    assert _suggestions(agent, person)[0]["status"] == "accepted"


def test_agent_accepts_declines_and_bad_moves_are_409(
    small: str, make_person, agent: Caller, system: Caller, fake_twilio: FakeTwilio, run_jobs
) -> None:  # type: ignore[no-untyped-def]
    person = make_person()
    grant(agent, person)
    start_small(system, person)
    run_jobs()
    run_jobs()
    item = _suggestions(agent, person)[0]
    declined = agent.post(f"/api/v1/suggestions/{item['id']}/decline")
    assert declined.status_code == 200 and declined.get_json()["status"] == "declined"
    again = agent.post(f"/api/v1/suggestions/{item['id']}/accept")
    assert (
        again.status_code == 409
        and "declined suggestion cannot be accepted" in again.get_json()["detail"]
    )
    approve = agent.post(f"/api/v1/suggestions/{item['id']}/approve")
    assert approve.status_code == 409
    missing = agent.post("/api/v1/suggestions/00000000-0000-0000-0000-000000000000/accept")
    assert missing.status_code == 404


def test_declining_an_accepted_suggestion_is_refused_in_the_callers_language(
    small: str, make_person, agent: Caller, system: Caller, fake_twilio: FakeTwilio, run_jobs
) -> None:  # type: ignore[no-untyped-def]
    person = make_person()
    grant(agent, person)
    start_small(system, person)
    run_jobs()
    run_jobs()
    item = _suggestions(agent, person)[0]
    accepted = agent.post(f"/api/v1/suggestions/{item['id']}/accept")
    assert accepted.status_code == 200 and accepted.get_json()["status"] == "accepted"
    path = f"/api/v1/suggestions/{item['id']}/decline"
    dutch = agent.post(path, headers={"Accept-Language": "nl"})
    assert dutch.status_code == 409
    assert dutch.get_json()["detail"] == (
        "een suggestie met status aangenomen kan niet worden afgewezen"
    )
    english = agent.post(path)
    assert english.status_code == 409
    assert english.get_json()["detail"] == "a accepted suggestion cannot be declined"
    assert _suggestions(agent, person)[0]["status"] == "accepted"
