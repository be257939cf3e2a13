"""What a conversation is about: the resident's first line, or what the agent sets, on the
conversation and its contact moment, where a journey listening for that subject picks it up.

The inline tests run in the default suite (SQLite, inline jobs; with KCC_TEST_DATABASE_URL and
KCC_TEST_REDIS_URL set, on PostgreSQL with rq workers draining the queue); the last two run a
real ``kcc worker`` process and need PostgreSQL and Redis.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from kcc.db import db
from kcc.events.models import OutboxEvent
from tests.channels.conftest import PUBLIC, SMS_PATH
from tests.channels.test_inbound_jobs import _running_worker, _wait_for, needs_postgres_and_redis
from tests.conftest import Caller
from tests.fakes.twilio_server import FakeTwilio, deliver_signed, flask_poster
from tests.journeys.conftest import DEFINITIONS, load

PHONE = "+31612345678"


def _publish(app: Flask, key: str) -> None:
    load(app, (DEFINITIONS / f"{key}.yaml").read_text(encoding="utf-8"))


def _resident(agent: Caller, phone: str = PHONE) -> dict[str, Any]:
    response = agent.post(
        "/api/v1/parties",
        json={
            "type": "person",
            "surname": "Jansen",
            "digital_addresses": [{"kind": "phone", "address": phone}],
        },
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()  # type: ignore[no-any-return]


def _journeys(agent: Caller, party: dict[str, Any]) -> list[str]:
    response = agent.get(f"/api/v1/journey-instances?party={party['id']}")
    assert response.status_code == 200, response.get_json()
    return [i["journey"] for i in response.get_json()["items"]]


def _outbox(app: Flask, name: str) -> list[tuple[dict[str, Any], int]]:
    """The events called ``name``: their data and how often a job ran for them."""
    with app.app_context():
        rows = db.session().execute(
            select(OutboxEvent.payload, OutboxEvent.attempts)
            .where(OutboxEvent.name == name)
            .order_by(OutboxEvent.id)
        )
        found = [(dict(data), attempts) for data, attempts in rows]
        db.remove()
    return found


def _only_conversation(agent: Caller) -> dict[str, Any]:
    items = agent.get("/api/v1/conversations").get_json()["items"]
    assert len(items) == 1, items
    return items[0]  # type: ignore[no-any-return]


def _moment(agent: Caller, conversation: dict[str, Any]) -> dict[str, Any]:
    detail = agent.get(f"/api/v1/conversations/{conversation['id']}").get_json()
    return agent.get(f"/api/v1/contact-moments/{detail['contact_moment_id']}").get_json()  # type: ignore[no-any-return]


def test_an_sms_about_a_birth_from_a_known_resident_starts_the_birth_journey(
    app: Flask, agent: Caller, text_in: Any, run_jobs: Any
) -> None:
    _publish(app, "birth")
    party = _resident(agent)
    assert text_in(PHONE, "Geboorte\nOnze dochter is gisteren geboren.").status_code == 200
    for _ in range(3):
        run_jobs()

    conversation = _only_conversation(agent)
    assert conversation["subject"] == "Geboorte"
    assert _moment(agent, conversation)["subject"] == "Geboorte"
    assert _journeys(agent, party) == ["birth"]

    text_in(PHONE, "geboorte")  # the same conversation: no second journey
    for _ in range(3):
        run_jobs()
    assert _journeys(agent, party) == ["birth"]


def test_an_empty_or_media_only_first_message_keeps_the_channel_subject(
    agent: Caller, text_in: Any, run_jobs: Any
) -> None:
    text_in(PHONE, "", NumMedia="1", MediaUrl0="https://example.test/p.jpg")
    run_jobs()
    conversation = _only_conversation(agent)
    assert conversation["subject"] == "SMS-gesprek"


def test_a_long_first_line_is_trimmed_to_the_subject_size(
    agent: Caller, text_in: Any, run_jobs: Any
) -> None:
    text_in(PHONE, "  " + "a" * 300 + "\nrest")
    run_jobs()
    conversation = _only_conversation(agent)
    assert conversation["subject"] == "a" * 200
    assert _moment(agent, conversation)["subject"] == "a" * 200


def test_the_agent_sets_the_subject_and_the_moving_journey_starts(
    app: Flask, agent: Caller, text_in: Any, run_jobs: Any
) -> None:
    _publish(app, "moving")
    party = _resident(agent)
    text_in(PHONE, "Ik heb een vraag over mijn nieuwe adres")
    run_jobs()
    conversation = _only_conversation(agent)
    assert _journeys(agent, party) == []

    response = agent.patch(
        f"/api/v1/conversations/{conversation['id']}", json={"subject": "Verhuizing"}
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["subject"] == "Verhuizing"
    for _ in range(3):
        run_jobs()

    moment = _moment(agent, conversation)
    assert moment["subject"] == "Verhuizing"
    assert _journeys(agent, party) == ["moving"]
    changes = _outbox(app, "contact_moment.subject_changed")
    assert len(changes) == 1
    data, attempts = changes[0]
    assert data["contact_moment_id"] == moment["id"] and data["subject"] == "Verhuizing"
    assert data["previous_subject"] == "Ik heb een vraag over mijn nieuwe adres"
    assert data["party_ids"] == [party["id"]] and data["channel"] == "sms"
    assert data["agent_id"] is not None and attempts >= 1

    # Setting it again changes nothing; another matching subject does not start a second one.
    agent.patch(f"/api/v1/conversations/{conversation['id']}", json={"subject": "Verhuizing"})
    agent.patch(f"/api/v1/conversations/{conversation['id']}", json={"subject": "adreswijziging"})
    for _ in range(3):
        run_jobs()
    assert len(_outbox(app, "contact_moment.subject_changed")) == 2
    assert _journeys(agent, party) == ["moving"]


def test_a_subject_no_journey_listens_for_costs_no_job(
    app: Flask, agent: Caller, text_in: Any, run_jobs: Any
) -> None:
    _publish(app, "moving")
    party = _resident(agent)
    text_in(PHONE, "Hallo")
    run_jobs()
    conversation = _only_conversation(agent)
    response = agent.patch(
        f"/api/v1/conversations/{conversation['id']}", json={"subject": "Paspoort"}
    )
    assert response.status_code == 200, response.get_json()
    run_jobs()
    [(data, attempts)] = _outbox(app, "contact_moment.subject_changed")
    assert data["subject"] == "Paspoort" and attempts == 0
    assert _journeys(agent, party) == []


def test_a_subject_set_with_the_party_of_an_anonymous_chat_reaches_its_journeys(
    app: Flask, agent: Caller, client: Any, run_jobs: Any
) -> None:
    _publish(app, "moving")
    party = _resident(agent)
    chat = client.post("/api/v1/chat/sessions", json={"display_name": "Piet"}).get_json()
    path = f"/api/v1/chat/sessions/{chat['id']}/messages"
    headers = {"X-Chat-Token": chat["token"]}
    assert client.post(path, json={"body": "Ik ga verhuizen"}, headers=headers).status_code == 201
    run_jobs()
    conversation = _only_conversation(agent)
    assert conversation["subject"] == "Ik ga verhuizen"  # the first line, not "Chatgesprek"
    assert _moment(agent, conversation)["parties"] == []

    response = agent.patch(
        f"/api/v1/conversations/{conversation['id']}",
        json={"party_id": party["id"], "subject": "verhuisd"},
    )
    assert response.status_code == 200, response.get_json()
    for _ in range(3):
        run_jobs()
    assert _journeys(agent, party) == ["moving"]
    moment = _moment(agent, conversation)
    assert [(p["party_id"], p["role"]) for p in moment["parties"]] == [(party["id"], "resident")]
    [(attached, _)] = _outbox(app, "contact_moment.resident_attached")
    assert attached["party_id"] == party["id"] and attached["previous_party_id"] is None


def _involvements(app: Flask) -> list[tuple[int, int | None, str]]:
    from kcc.contacts.models import Involvement

    with app.app_context():
        rows = db.session().execute(
            select(Involvement.id, Involvement.party_id, Involvement.role).order_by(Involvement.id)
        )
        found = [(i, p, r) for i, p, r in rows]
        db.remove()
    return found


def test_linking_the_right_party_repoints_the_resident_and_keeps_the_involvement(
    app: Flask, agent: Caller, text_in: Any, run_jobs: Any
) -> None:
    text_in(PHONE, "Hallo, met Jansen")  # an unknown number: an unidentified party
    run_jobs()
    conversation = _only_conversation(agent)
    [(involvement, unidentified, role)] = _involvements(app)
    party = _resident(agent, "+31611111111")
    response = agent.patch(
        f"/api/v1/conversations/{conversation['id']}", json={"party_id": party["id"]}
    )
    assert response.status_code == 200, response.get_json()
    [(kept, now, kept_role)] = _involvements(app)
    assert (kept, kept_role) == (involvement, role) and now != unidentified
    assert [p["party_id"] for p in _moment(agent, conversation)["parties"]] == [party["id"]]
    [(attached, _)] = _outbox(app, "contact_moment.resident_attached")
    assert attached["previous_party_id"] == conversation["party_id"]
    assert attached["party_id"] == party["id"]


@pytest.mark.parametrize(
    ("subject", "reason"),
    [("", "between 1 and 200"), ("x" * 201, "between 1 and 200"), ("   ", "may not be empty")],
)
def test_a_bad_subject_is_refused_with_a_problem(
    agent: Caller, text_in: Any, run_jobs: Any, subject: str, reason: str
) -> None:
    text_in(PHONE, "Hallo")
    run_jobs()
    conversation = _only_conversation(agent)
    response = agent.patch(f"/api/v1/conversations/{conversation['id']}", json={"subject": subject})
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert reason in str(response.get_json())
    assert _only_conversation(agent)["subject"] == "Hallo"


def test_a_closed_conversation_keeps_its_subject(
    agent: Caller, text_in: Any, run_jobs: Any
) -> None:
    text_in(PHONE, "Hallo")
    run_jobs()
    conversation = _only_conversation(agent)
    closed = agent.post(
        f"/api/v1/conversations/{conversation['id']}/close", json={"subject": "Hallo"}
    )
    assert closed.status_code == 200
    assert _moment(agent, conversation)["outcome"] == "answered"
    response = agent.patch(f"/api/v1/conversations/{conversation['id']}", json={"subject": "Nieuw"})
    assert response.status_code == 409 and response.mimetype == "application/problem+json"


def test_an_unknown_sender_is_registered_by_the_core(
    app: Flask, agent: Caller, supervisor: Caller, text_in: Any, run_jobs: Any
) -> None:
    text_in("+31687654321", "Hallo")
    run_jobs()
    [found] = agent.get("/api/v1/parties?phone=0687654321").get_json()["items"]
    assert found["type"] == "person" and not found.get("surname")
    assert [a["address"] for a in found["digital_addresses"]] == ["+31687654321"]
    registered = [d for d, _ in _outbox(app, "party.registered")]
    assert [d["party_id"] for d in registered] == [found["id"]]
    log = supervisor.get(f"/api/v1/processing-log?party={found['id']}")
    assert log.status_code == 200, log.get_json()
    assert "create" in [r["action"] for r in log.get_json()["items"]]


@pytest.mark.postgres
@pytest.mark.redis
@needs_postgres_and_redis
def test_with_a_running_worker_an_sms_about_a_birth_starts_the_birth_journey(
    app: Flask, client: Any, agent: Caller, fake_twilio: FakeTwilio
) -> None:
    _publish(app, "birth")
    party = _resident(agent)
    with _running_worker(app, fake_twilio):
        form = fake_twilio.inbound_form(PHONE, "geboorte")
        response = deliver_signed(fake_twilio, flask_poster(client), PUBLIC, SMS_PATH, form)
        assert response.status_code == 200
        _wait_for(lambda: _journeys(agent, party) == ["birth"], 30, step=0.1)
    assert _journeys(agent, party) == ["birth"]


@pytest.mark.postgres
@pytest.mark.redis
@needs_postgres_and_redis
def test_with_a_running_worker_the_subject_an_agent_sets_starts_the_moving_journey(
    app: Flask, client: Any, agent: Caller, fake_twilio: FakeTwilio
) -> None:
    _publish(app, "moving")
    party = _resident(agent)
    with _running_worker(app, fake_twilio):
        form = fake_twilio.inbound_form(PHONE, "Vraag over mijn adres")
        assert (
            deliver_signed(fake_twilio, flask_poster(client), PUBLIC, SMS_PATH, form).status_code
            == 200
        )
        _wait_for(lambda: len(agent.get("/api/v1/conversations").get_json()["items"]) == 1, 30)
        conversation = _only_conversation(agent)
        response = agent.patch(
            f"/api/v1/conversations/{conversation['id']}", json={"subject": "verhuizing"}
        )
        assert response.status_code == 200, response.get_json()
        _wait_for(lambda: _journeys(agent, party) == ["moving"], 30, step=0.1)
    [(data, attempts)] = _outbox(app, "contact_moment.subject_changed")
    assert data["subject"] == "verhuizing" and data["party_ids"] == [party["id"]]
    assert attempts >= 1
    assert _journeys(agent, party) == ["moving"]
