"""Queues and hand-offs through the API: take, assign, transfer, snooze, wrap up, reopen."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select, update

from channels.chat.limits import limiter
from channels.conversations.handoffs import wake_snoozed
from kcc.auth.models import User
from kcc.db import db
from kcc.events.models import OutboxEvent
from tests.channels.queue_helpers import make_teams, newest_conversation, say, start_chat

PROBLEM = "application/problem+json"


@pytest.fixture(autouse=True)
def teams(app: Flask) -> None:
    with app.app_context():
        limiter.reset()
    make_teams(app, "KCC", "Parkeren")


def _events(app: Flask, name: str) -> list[dict[str, Any]]:
    with app.app_context():
        rows = db.session().scalars(
            select(OutboxEvent).where(OutboxEvent.name == name).order_by(OutboxEvent.id)
        )
        found = [dict(r.payload) for r in rows]
        db.remove()
    return found


def _path(conversation: dict, action: str = "") -> str:
    return f"/api/v1/conversations/{conversation['id']}" + (f"/{action}" if action else "")


def test_a_new_chat_waits_in_the_default_queue(client, agent) -> None:
    start_chat(client)
    conversation = newest_conversation(agent)
    assert conversation["assigned_team"] == "KCC"
    assert conversation["status"] == "open" and conversation["assigned_user_id"] is None
    assert conversation["waiting_since"] is not None and conversation["unread"] == 1
    queues = agent.get("/api/v1/queues").json
    kcc = next(q for q in queues["items"] if q["team"] == "KCC")
    assert kcc["waiting"] == 1 and kcc["unassigned"] == 1
    assert kcc["longest_wait_seconds"] >= 0
    assert next(q for q in queues["items"] if q["team"] == "Parkeren")["waiting"] == 0


def test_taking_a_taken_conversation_names_who_has_it(app, client, make_caller) -> None:
    start_chat(client)
    first = make_caller("agent")
    second = make_caller("agent")
    with app.app_context():
        db.session().execute(
            update(User).where(User.uuid == first.user_id).values(display_name="Tamara de Vries")
        )
        db.commit()
        db.remove()
    conversation = newest_conversation(first)
    taken = first.post(_path(conversation, "take"))
    assert taken.status_code == 200, taken.json
    assert taken.json["assigned_user_id"] == str(first.user_id)
    assert taken.json["assigned_user_name"] == "Tamara de Vries"
    refused = second.post(_path(conversation, "take"))
    assert refused.status_code == 409 and refused.mimetype == PROBLEM
    assert "Tamara de Vries" in refused.json["detail"]
    assert first.post(_path(conversation, "take")).status_code == 200  # taking again: no change
    assert [e["kind"] for e in _events(app, "conversation.handed_off")] == ["taken"]
    mine = first.get("/api/v1/conversations?assigned=mine").json["items"]
    assert [c["id"] for c in mine] == [conversation["id"]]
    assert second.get("/api/v1/conversations?assigned=mine").json["items"] == []


def test_assign_to_a_colleague_or_a_team(app, client, agent, make_caller) -> None:
    start_chat(client)
    colleague = make_caller("agent")
    conversation = newest_conversation(agent)
    given = agent.post(_path(conversation, "assign"), json={"user_id": str(colleague.user_id)})
    assert given.status_code == 200, given.json
    assert given.json["assigned_user_id"] == str(colleague.user_id)
    moved = agent.post(_path(conversation, "assign"), json={"team": "Parkeren"})
    assert moved.status_code == 200, moved.json
    assert moved.json["assigned_team"] == "Parkeren" and moved.json["assigned_user_id"] is None
    kinds = [e["kind"] for e in _events(app, "conversation.handed_off")]
    assert kinds == ["assigned", "transferred"]
    queue = agent.get("/api/v1/queues/Parkeren").json
    assert queue["waiting"] == 1 and queue["unassigned"] == 1


def test_bad_hand_offs_are_clear_problems_and_change_nothing(app, client, agent, make_caller):
    start_chat(client)
    conversation = newest_conversation(agent)
    disabled = make_caller("agent")
    with app.app_context():
        db.session().execute(
            update(User)
            .where(User.uuid == disabled.user_id)
            .values(is_active=False, display_name="Oud Collega")
        )
        db.commit()
        db.remove()
    to_disabled = agent.post(_path(conversation, "assign"), json={"user_id": str(disabled.user_id)})
    assert to_disabled.status_code == 422 and to_disabled.mimetype == PROBLEM
    assert "Oud Collega is disabled" in to_disabled.json["detail"]
    unknown_team = agent.post(_path(conversation, "assign"), json={"team": "Nergens"})
    assert unknown_team.status_code == 422
    assert unknown_team.json["invalid_params"] == [
        {"name": "team", "reason": "no team 'Nergens' in the directory"}
    ]
    past = (datetime.now(UTC) - timedelta(minutes=5)).isoformat()
    snooze = agent.post(_path(conversation, "snooze"), json={"until": past})
    assert snooze.status_code == 422 and "future" in snooze.json["detail"]
    no_subject = agent.post(_path(conversation, "close"), json={"outcome": "answered"})
    assert no_subject.status_code == 422 and no_subject.mimetype == PROBLEM
    assert "subject" in str(no_subject.json["invalid_params"])
    blank = agent.post(_path(conversation, "close"), json={"subject": "   "})
    assert blank.status_code == 422 and "wrap-up needs a subject" in blank.json["detail"]
    unknown_queue = agent.get("/api/v1/queues/Nergens")
    assert unknown_queue.status_code == 404 and unknown_queue.mimetype == PROBLEM
    after = agent.get(_path(conversation)).json
    assert after["status"] == "open" and after["assigned_team"] == "KCC"
    assert after["assigned_user_id"] is None and after["closed_at"] is None
    assert _events(app, "conversation.handed_off") == []
    assert _events(app, "conversation.closed") == []


def test_snooze_ends_by_time_or_by_a_message(app, client, agent) -> None:
    chat = start_chat(client)
    conversation = newest_conversation(agent)
    soon = (datetime.now(UTC) + timedelta(seconds=1)).isoformat()
    snoozed = agent.post(_path(conversation, "snooze"), json={"until": soon})
    assert snoozed.status_code == 200 and snoozed.json["status"] == "snoozed"
    assert agent.get("/api/v1/queues/KCC").json["snoozed"] == 1
    deadline = time.monotonic() + 10
    woken = 0
    while not woken and time.monotonic() < deadline:
        with app.app_context():
            woken = wake_snoozed()
            db.remove()
        time.sleep(0.2)
    assert woken == 1
    assert agent.get(_path(conversation)).json["status"] == "open"
    later = (datetime.now(UTC) + timedelta(hours=2)).isoformat()
    assert agent.post(_path(conversation, "snooze"), json={"until": later}).status_code == 200
    say(client, chat, "Hallo, nog iemand daar?")
    back = agent.get(_path(conversation)).json
    assert back["status"] == "open" and back["snoozed_until"] is None
    reasons = [e["reason"] for e in _events(app, "conversation.reopened")]
    assert reasons == ["snooze_ended", "message"]


def test_wrap_up_finishes_the_contact_moment_and_a_new_message_reopens(app, client, agent) -> None:
    chat = start_chat(client)
    conversation = newest_conversation(agent)
    agent.post(_path(conversation, "take"))
    replied = agent.post(_path(conversation, "messages"), json={"body": "Dat kan online."})
    assert replied.status_code == 201
    closed = agent.post(
        _path(conversation, "close"), json={"subject": "Paspoort aanvragen", "outcome": "answered"}
    )
    assert closed.status_code == 200, closed.json
    body = closed.json
    assert body["status"] == "closed" and body["subject"] == "Paspoort aanvragen"
    assert body["first_response_seconds"] is not None and body["resolution_seconds"] is not None
    detail = agent.get(_path(conversation)).json
    moment = agent.get(f"/api/v1/contact-moments/{detail['contact_moment_id']}").json
    assert moment["subject"] == "Paspoort aanvragen" and moment["outcome"] == "answered"
    [event] = _events(app, "conversation.closed")
    assert event["subject"] == "Paspoort aanvragen" and event["closed_by"] == str(agent.user_id)
    assert agent.post(_path(conversation, "close"), json={"subject": "x"}).status_code == 409
    say(client, chat, "Nog een vraag over mijn rijbewijs")
    reopened = agent.get(_path(conversation)).json
    assert reopened["status"] == "open" and reopened["closed_at"] is None
    assert reopened["contact_moment_id"] != detail["contact_moment_id"]
    new_moment = agent.get(f"/api/v1/contact-moments/{reopened['contact_moment_id']}").json
    assert new_moment["outcome"] == "in_progress"
    assert new_moment["subject"] == "Nog een vraag over mijn rijbewijs"
    old = agent.get(f"/api/v1/contact-moments/{detail['contact_moment_id']}").json
    assert old["outcome"] == "answered"


def test_unread_counts_per_agent(client, agent, make_caller) -> None:
    chat = start_chat(client)
    colleague = make_caller("agent")
    conversation = newest_conversation(agent)
    agent.post(_path(conversation, "take"))
    say(client, chat, "Tweede bericht")
    assert newest_conversation(agent)["unread"] == 2
    assert agent.get("/api/v1/queues").json["mine"] == {
        "open_conversations": 1,
        "unread": 2,
        "presence": "available",
    }
    assert agent.post(_path(conversation, "read")).json == {"unread": 0}
    assert newest_conversation(agent)["unread"] == 0
    assert newest_conversation(colleague)["unread"] == 2  # per agent
    agent.post(_path(conversation, "messages"), json={"body": "Ik kijk even."})
    assert newest_conversation(agent)["unread"] == 0  # our own reply is not unread
    say(client, chat, "Dank")
    assert newest_conversation(agent)["unread"] == 1


def test_release_puts_it_back_unassigned(client, agent) -> None:
    start_chat(client)
    conversation = newest_conversation(agent)
    agent.post(_path(conversation, "take"))
    released = agent.post(_path(conversation, "release"))
    assert released.status_code == 200 and released.json["assigned_user_id"] is None


def test_a_new_sms_reopens_the_closed_conversation(app, agent, text_in, run_jobs) -> None:
    text_in("+31611112222", "Wanneer wordt het grofvuil opgehaald?")
    run_jobs()
    conversation = newest_conversation(agent)
    closed = agent.post(_path(conversation, "close"), json={"subject": "Grofvuil"})
    assert closed.status_code == 200, closed.json
    text_in("+31611112222", "En het oud papier?")
    run_jobs()
    listed = agent.get("/api/v1/conversations").json["items"]
    assert [c["id"] for c in listed] == [conversation["id"]]
    assert listed[0]["status"] == "open" and listed[0]["message_count"] == 2
    assert [e["reason"] for e in _events(app, "conversation.reopened")] == ["message"]


def test_hand_off_problems_speak_the_callers_language(app, client, make_caller) -> None:
    """A Dutch page asks in Dutch and hears who has it in Dutch; a script without the header
    hears English, as it always did."""
    start_chat(client)
    first, second = make_caller("agent"), make_caller("agent")
    with app.app_context():
        db.session().execute(
            update(User).where(User.uuid == first.user_id).values(display_name="Anna Jansen")
        )
        db.commit()
        db.remove()
    conversation = newest_conversation(first)
    assert first.post(_path(conversation, "take")).status_code == 200
    dutch = {"Accept-Language": "nl"}
    taken_nl = second.post(_path(conversation, "take"), headers=dutch)
    assert taken_nl.status_code == 409 and taken_nl.mimetype == PROBLEM
    assert taken_nl.json["detail"] == "Anna Jansen heeft dit gesprek al overgenomen"
    assert taken_nl.json["title"] == "Conflict"
    assert set(taken_nl.json) == {"type", "title", "status", "detail", "instance"}
    taken_en = second.post(_path(conversation, "take"))
    assert taken_en.json["detail"] == "Anna Jansen has taken this conversation already"

    blank = {"subject": "   "}
    wrap_nl = first.post(_path(conversation, "close"), json=blank, headers=dutch)
    assert wrap_nl.status_code == 422
    assert wrap_nl.json["title"] == "Controle mislukt"
    assert wrap_nl.json["detail"] == "subject: voor het afronden is een onderwerp nodig"
    assert wrap_nl.json["invalid_params"] == [
        {"name": "subject", "reason": "voor het afronden is een onderwerp nodig"}
    ]
    wrap_en = first.post(_path(conversation, "close"), json=blank)
    assert wrap_en.json["title"] == "Validation failed"
    assert wrap_en.json["detail"] == "subject: a wrap-up needs a subject"
    missing = first.post(_path(conversation, "close"), json={}, headers=dutch)
    assert missing.json["invalid_params"] == [
        {"name": "subject", "reason": "Dit veld is verplicht."}
    ]

    past = {"until": (datetime.now(UTC) - timedelta(minutes=5)).isoformat()}
    snooze_nl = first.post(_path(conversation, "snooze"), json=past, headers=dutch)
    assert snooze_nl.status_code == 422
    assert snooze_nl.json["invalid_params"] == [
        {"name": "until", "reason": "uitstellen kan alleen tot een moment in de toekomst"}
    ]
    # A browser's own preference list is negotiated too: Dutch (Belgium) first, then English.
    snooze_be = first.post(
        _path(conversation, "snooze"), json=past, headers={"Accept-Language": "nl-BE,en;q=0.8"}
    )
    assert "toekomst" in snooze_be.json["detail"]
    snooze_fr = first.post(
        _path(conversation, "snooze"), json=past, headers={"Accept-Language": "fr"}
    )
    assert snooze_fr.json["detail"] == "until: a snooze must end in the future"
