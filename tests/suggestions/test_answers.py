"""Residents answer suggestions by SMS, chat or e-mail: the core's ``message.received`` carries
the answer, and only a message that can be an answer costs a job."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from kcc.db import db
from kcc.events.models import OutboxEvent
from tests.conftest import Caller
from tests.fakes.smtp_server import LocalSmtpServer
from tests.fakes.twilio_server import FakeTwilio
from tests.suggestions.conftest import consented_and_started, grant, start_small
from tests.suggestions.test_email import _reply, smtp  # noqa: F401  (the SMTP fixture)


def _statuses(agent: Caller, person: Any) -> list[str]:
    response = agent.get(f"/api/v1/parties/{person.uuid}/suggestions")
    assert response.status_code == 200, response.get_json()
    return [i["status"] for i in response.get_json()["items"]]


def _received(app: Flask) -> list[tuple[dict[str, Any], bool]]:
    """Every ``message.received`` event: its data and whether a job ran for it."""
    with app.app_context():
        rows = db.session().execute(
            select(OutboxEvent.payload, OutboxEvent.attempts)
            .where(OutboxEvent.name == "message.received")
            .order_by(OutboxEvent.id)
        )
        found = [(dict(payload), attempts > 0) for payload, attempts in rows]
        db.remove()
    return found


def _linked_chat(client: FlaskClient, agent: Caller, person: Any) -> Any:
    """A chat the agent linked to ``person``; returns a function that posts a message."""
    chat = client.post("/api/v1/chat/sessions", json={"display_name": "Sanne"}).get_json()
    headers = {"X-Chat-Token": chat["token"]}
    path = f"/api/v1/chat/sessions/{chat['id']}/messages"

    def say(body: str) -> None:
        assert client.post(path, json={"body": body}, headers=headers).status_code == 201

    say("Goedemorgen")
    conversation = agent.get("/api/v1/conversations?channel=chat").get_json()["items"][0]
    linked = agent.patch(
        f"/api/v1/conversations/{conversation['id']}", json={"party_id": str(person.uuid)}
    )
    assert linked.status_code == 200, linked.get_json()
    return say


def test_nee_by_sms_declines_the_sent_suggestion(
    small: str,
    make_person,
    agent: Caller,
    system: Caller,
    fake_twilio: FakeTwilio,
    text_in,
    run_jobs,
) -> None:  # type: ignore[no-untyped-def]
    person = make_person()
    consented_and_started(agent, system, person, run_jobs)
    assert _statuses(agent, person) == ["sent"]
    text_in(person.phone, " nee! ")
    for _ in range(3):
        run_jobs()
    assert _statuses(agent, person) == ["declined"]


def test_ja_in_the_chat_accepts_and_other_chat_text_costs_no_job(
    app: Flask,
    client: FlaskClient,
    small: str,
    make_person,
    agent: Caller,
    system: Caller,
    fake_twilio: FakeTwilio,
    run_jobs,
) -> None:  # type: ignore[no-untyped-def]
    person = make_person()
    consented_and_started(agent, system, person, run_jobs)
    say = _linked_chat(client, agent, person)
    say("Wanneer is het gemeentehuis open?")
    run_jobs()
    assert _statuses(agent, person) == ["sent"]
    say("Ja")
    for _ in range(3):
        run_jobs()
    assert _statuses(agent, person) == ["accepted"]
    received = _received(app)
    # The first message had no party yet, the question is no answer: neither queued a job.
    assert [queued for _, queued in received] == [False, False, True]
    data = received[-1][0]
    assert data["channel"] == "chat" and data["text"] == "Ja"
    assert data["party_id"] == str(person.uuid) and data["contact_moment_id"]


def test_an_email_answers_only_the_suggestion_its_thread_carries(
    app: Flask,
    client: FlaskClient,
    small: str,
    make_person,
    agent: Caller,
    system: Caller,
    smtp: LocalSmtpServer,  # noqa: F811
    run_jobs,
) -> None:  # type: ignore[no-untyped-def]
    person = make_person(language="nl", channel="email", email="piet@example.nl")
    grant(agent, person, channel="email")
    start_small(system, person)
    for _ in range(3):
        run_jobs()
    [mail] = smtp.messages
    unrelated = mail.__class__()
    for header in ("From", "Subject", "Message-ID"):
        unrelated[header] = mail[header]
    unrelated.set_content("Iets anders\n")
    unrelated.replace_header("Message-ID", "<unrelated@example.nl>")
    _reply(client, "piet@example.nl", unrelated, "Nee", 1)  # a new thread: not an answer
    for _ in range(3):
        run_jobs()
    assert _statuses(agent, person) == ["sent"]

    _reply(client, "piet@example.nl", mail, "Nee", 2)
    for _ in range(3):
        run_jobs()
    assert _statuses(agent, person) == ["declined"]
    answer = _received(app)[-1][0]
    assert answer["channel"] == "email" and answer["earlier_message_ids"]
