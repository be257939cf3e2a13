"""Retention of the packages' categories: chat, SMS and e-mail transcripts and ended journeys."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.cli import ScriptInfo
from sqlalchemy import func, select, update

from channels.chat.limits import limiter
from channels.models import ChannelMessage, ChatSession, Conversation
from journeys.models import JourneyInstance, JourneyStep, JourneyTimer, LifeEvent
from kcc.contacts.models import ContactMoment
from kcc.db import db
from kcc.rights.retention_models import RetentionCount
from tests.channels.conftest import fake_twilio, text_in
from tests.conftest import Caller
from tests.journeys.conftest import cloud_event

OLD = datetime(2023, 5, 2, tzinfo=UTC)

__all__ = ["fake_twilio", "text_in"]  # fixtures


@pytest.fixture(autouse=True)
def fresh_limits(app: Flask) -> None:
    with app.app_context():
        limiter.reset()


def _count(app: Flask, model: Any, *where: Any) -> int:
    with app.app_context():
        found = db.session().scalar(select(func.count()).select_from(model).where(*where))
        db.remove()
    return int(found or 0)


def _kept_counts(app: Flask, category: str) -> dict[str, int]:
    with app.app_context():
        rows = db.session().execute(
            select(RetentionCount.kind, func.sum(RetentionCount.count))
            .where(RetentionCount.category == category)
            .group_by(RetentionCount.kind)
        )
        found = {kind: int(n) for kind, n in rows}
        db.remove()
    return found


def _run(app: Flask, *args: str) -> str:
    from kcc.cli import main

    result = CliRunner().invoke(
        main, ["retention", "run", *args], obj=ScriptInfo(create_app=lambda: app)
    )
    assert result.exit_code == 0, result.output
    return result.output


def _chat(app: Flask, client: Any, text: str) -> str:
    """A resident's chat of two messages; returns the conversation id."""
    chat = client.post("/api/v1/chat/sessions", json={"display_name": "Anna"}).get_json()
    for body in (text, "Dank u"):
        response = client.post(
            f"/api/v1/chat/sessions/{chat['id']}/messages",
            json={"body": body},
            headers={"X-Chat-Token": chat["token"]},
        )
        assert response.status_code == 201, response.get_json()
    with app.app_context():
        found = db.session().scalar(
            select(Conversation.uuid)
            .join(ContactMoment, Conversation.contact_moment_id == ContactMoment.id)
            .where(ContactMoment.text.contains(text))
        )
        db.remove()
    return str(found)


def _age(
    app: Flask, model: Any, column: str, ids: list[Any], when: datetime, **values: Any
) -> None:
    with app.app_context():
        db.session().execute(
            update(model).where(model.uuid.in_(ids)).values({column: when, **values})
        )
        db.commit()
        db.remove()


def test_chat_transcripts_expire_with_legal_hold_dry_run_and_interruption(
    app: Flask, client: Any, agent: Caller
) -> None:
    chats = [_chat(app, client, f"Vraag {i} over mijn afvalpas") for i in range(4)]
    old, held, new = chats[:3], chats[2], chats[3]
    _age(app, Conversation, "last_message_at", [uuid.UUID(c) for c in old], OLD)
    with app.app_context():
        moment_id = db.session().scalar(
            select(ContactMoment.uuid)
            .join(Conversation, Conversation.contact_moment_id == ContactMoment.id)
            .where(Conversation.uuid == uuid.UUID(held))
        )
        db.remove()
    party = agent.post("/api/v1/parties", json={"type": "person", "surname": "Bakker"}).get_json()
    complaint = agent.post(
        "/api/v1/tasks",
        json={
            "kind": "complaint",
            "party_id": party["id"],
            "contact_moment_id": str(moment_id),
            "description": "Klacht over de chat",
            "received_at": OLD.isoformat(),
            "assigned_team": "KCC",
        },
    )
    assert complaint.status_code == 201, complaint.get_json()

    dry = _run(app, "--dry-run")
    assert "chat_transcripts: kept 365 days" in dry and "chat_transcripts: would remove 2" in dry
    assert _count(app, Conversation) == 4

    from kcc.rights.retention import CATEGORIES, run_category

    with app.app_context():
        cutoff = datetime.now(UTC) - timedelta(days=365)
        first = run_category(
            CATEGORIES["chat_transcripts"], cutoff, batch=1, progress=lambda *_: None, max_batches=1
        )
        db.remove()
    assert first == 1 and _count(app, Conversation) == 3  # interrupted after one batch

    output = _run(app, "--batch", "1")
    assert (
        "chat_transcripts: removed 1 so far" in output and "chat_transcripts: removed 1\n" in output
    )
    assert _run(app).count("chat_transcripts: removed 0") == 1
    assert _kept_counts(app, "chat_transcripts") == {"chat": 2}
    remaining = {str(u) for u in _uuids(app, Conversation)}
    assert remaining == {held, new}
    assert _count(app, ChatSession) == 2
    assert _count(app, ChannelMessage) == 4
    with app.app_context():
        texts = sorted(
            db.session().scalars(select(ContactMoment.text).where(ContactMoment.channel == "chat"))
        )
        db.remove()
    assert texts.count("[transcript removed after its retention period]") == 2
    assert sum("Vraag" in t for t in texts) == 2


def test_sms_transcripts_expire_a_year_after_the_last_message(
    app: Flask, text_in: Any, run_jobs: Any
) -> None:
    for sender, body in (("+31612345601", "Mijn container is stuk"), ("+31612345602", "Wanneer?")):
        assert text_in(sender, body).status_code == 200
    run_jobs()
    with app.app_context():
        rows = db.session().execute(
            select(ChannelMessage.sender, Conversation.uuid).join(
                Conversation, ChannelMessage.conversation_id == Conversation.id
            )
        )
        by_sender = {sender: conversation for sender, conversation in rows}
        db.remove()
    old, new = by_sender["+31612345601"], by_sender["+31612345602"]
    _age(app, Conversation, "last_message_at", [old], OLD)

    dry = _run(app, "--dry-run")
    assert "message_transcripts: kept 365 days" in dry
    assert "message_transcripts: would remove 1" in dry
    assert "message_transcripts: removed 1" in _run(app)
    assert {str(u) for u in _uuids(app, Conversation)} == {str(new)}
    assert _count(app, ChannelMessage, ChannelMessage.channel == "sms") == 1
    assert _kept_counts(app, "message_transcripts") == {"sms": 1}
    with app.app_context():
        texts = list(
            db.session().scalars(select(ContactMoment.text).where(ContactMoment.channel == "sms"))
        )
        db.remove()
    assert "[transcript removed after its retention period]" in texts
    assert not any("container" in t for t in texts)


def _uuids(app: Flask, model: Any) -> list[Any]:
    with app.app_context():
        found = list(db.session().scalars(select(model.uuid)))
        db.remove()
    return found


def test_ended_journeys_expire_with_their_steps_running_ones_stay(
    app: Flask, small: str, make_resident, system: Caller, agent: Caller, run_jobs
) -> None:  # type: ignore[no-untyped-def]
    residents = [make_resident() for _ in range(4)]
    for kind in ("nl.test.started", "nl.test.progress"):
        for r in residents:
            response = system.post("/api/v1/events", json=cloud_event(kind, r.bsn))
            assert response.status_code in (200, 201, 202), response.get_json()
        for _ in range(2):
            run_jobs()
    with app.app_context():
        instances = list(db.session().scalars(select(JourneyInstance).order_by(JourneyInstance.id)))
        ids = [i.uuid for i in instances]
        assert len(ids) == 4 and all(i.status == "active" for i in instances)
        db.remove()
    assert _count(app, JourneyStep) >= 8 and _count(app, JourneyTimer) == 4
    _age(app, JourneyInstance, "completed_at", ids[:3], OLD, status="completed")
    _age(app, JourneyInstance, "completed_at", ids[3:], None)

    dry = _run(app, "--dry-run")
    assert "journeys: kept 730 days" in dry and "journeys: would remove 3" in dry

    from kcc.rights.retention import CATEGORIES, run_category

    with app.app_context():
        cutoff = datetime.now(UTC) - timedelta(days=730)
        run_category(
            CATEGORIES["journeys"], cutoff, batch=2, progress=lambda *_: None, max_batches=1
        )
        db.remove()
    assert _count(app, JourneyInstance) == 2
    output = _run(app, "--batch", "2")
    assert "journeys: removed 1" in output
    assert _run(app).count("journeys: removed 0") == 1
    assert _uuids(app, JourneyInstance) == ids[3:]
    with app.app_context():
        left = set(db.session().scalars(select(JourneyStep.instance_id)))
        running = db.session().scalar(select(JourneyInstance.id))
        db.remove()
    assert left == {running} and _count(app, JourneyTimer) == 1
    assert _kept_counts(app, "journeys") == {"small": 3}

    # The reported life events (8 here) go two years after they were received.
    assert _count(app, LifeEvent) == 8
    with app.app_context():
        db.session().execute(
            update(LifeEvent).where(LifeEvent.type == "nl.test.started").values(received_at=OLD)
        )
        db.commit()
        db.remove()
    assert "life_events: removed 4" in _run(app)
    assert _count(app, LifeEvent) == 4 and _kept_counts(app, "life_events") == {
        "nl.test.started": 4
    }
    view = agent.get(f"/api/v1/journey-instances?party={residents[3].uuid}")
    assert view.status_code == 200 and len(view.get_json()["items"]) == 1


def test_periods_come_from_configuration(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    from kcc.rights.retention import periods

    monkeypatch.setenv("KCC_RETENTION_DAYS", "chat_transcripts=30, journeys=3650,unknown=1")
    with app.app_context():
        found = periods()
    assert found["chat_transcripts"] == 30 and found["journeys"] == 3650
    assert "unknown" not in found
    monkeypatch.delenv("KCC_RETENTION_DAYS")
    with app.app_context():
        assert periods()["chat_transcripts"] == 365 and periods()["journeys"] == 730
