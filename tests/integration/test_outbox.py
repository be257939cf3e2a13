"""Domain events: written with the change, delivered after commit, once per subscriber."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from kcc.db import db, unit_of_work, utcnow
from kcc.events.base import EventEnvelope, subscribe, unsubscribe
from kcc.events.models import EventDelivery, OutboxEvent
from kcc.events.outbox import deliver_event, record, sweep
from kcc.parties.events import PartyRegistered
from kcc.parties.services import PartyInput, register_party

EVENT = "party.registered"


class Recorder:
    """A test subscriber that remembers which events it saw and can be told to fail."""

    def __init__(self) -> None:
        self.seen: list[uuid.UUID] = []
        self.fail = False

    def __call__(self, envelope: EventEnvelope) -> None:
        if self.fail:
            raise RuntimeError("subscriber is down")
        self.seen.append(envelope.event_id)


@pytest.fixture()
def recorder() -> Iterator[Recorder]:
    handler = Recorder()
    subscribe(EVENT, handler, key="tests.outbox.recorder")
    yield handler
    unsubscribe(EVENT, "tests.outbox.recorder")


def outbox(app) -> list[OutboxEvent]:
    with app.app_context():
        try:
            return list(db.session().scalars(select(OutboxEvent).where(OutboxEvent.name == EVENT)))
        finally:
            db.remove()


def deliveries(app) -> int:
    with app.app_context():
        try:
            return db.session().scalar(select(func.count()).select_from(EventDelivery)) or 0
        finally:
            db.remove()


def test_event_is_written_in_the_same_transaction(app, recorder):
    with app.app_context():
        register_party(PartyInput(type="person", surname="Jansen"))
        db.rollback()
        db.remove()
    assert outbox(app) == []
    assert recorder.seen == []


def test_event_is_delivered_after_commit_with_its_data(app, agent, recorder, run_jobs):
    party = agent.post("/api/v1/parties", json={"type": "person", "surname": "Jansen"}).json
    run_jobs()
    [row] = outbox(app)
    assert row.payload == {"party_id": party["id"], "type": "person"}
    assert recorder.seen == [row.event_id]
    assert row.handled_at is not None


def test_failed_request_records_no_event(app, agent, recorder, run_jobs):
    response = agent.post(
        "/api/v1/parties", json={"type": "person", "surname": "Jansen", "bsn": "123456789"}
    )
    assert response.status_code == 422
    run_jobs()
    assert outbox(app) == []
    assert recorder.seen == []


def test_subscriber_runs_once_even_when_delivered_twice(app, agent, recorder, run_jobs):
    agent.post("/api/v1/parties", json={"type": "person", "surname": "Jansen"})
    run_jobs()
    [row] = outbox(app)
    with app.app_context():
        assert deliver_event(str(row.event_id)) == 0
        assert sweep(grace_seconds=0) == 0
    run_jobs()
    assert recorder.seen == [row.event_id]
    assert deliveries(app) == 1


def test_sweep_redispatches_what_was_lost(app, recorder, run_jobs):
    with app.app_context():
        with unit_of_work() as session:
            event_id = record(PartyRegistered(party_id=str(uuid.uuid4()), type="person"))
            session.info.pop("outbox_pending")  # the hand-over after commit is lost
        assert recorder.seen == []
        assert sweep(grace_seconds=60) == 0  # too young: its dispatch may still be under way
        with unit_of_work() as session:
            row = session.scalar(select(OutboxEvent).where(OutboxEvent.event_id == event_id))
            row.occurred_at = utcnow() - timedelta(minutes=5)
        assert sweep(grace_seconds=60) == 1
    run_jobs()
    assert recorder.seen == [event_id]
    with app.app_context():
        assert sweep(grace_seconds=0) == 0
    run_jobs()
    assert recorder.seen == [event_id]


def test_failing_subscriber_is_retried_without_repeating_the_others(app, agent, recorder, run_jobs):
    other: list[uuid.UUID] = []
    subscribe(EVENT, lambda e: other.append(e.event_id), key="tests.outbox.other")
    try:
        recorder.fail = True
        response = agent.post("/api/v1/parties", json={"type": "person", "surname": "Jansen"})
        assert response.status_code == 201
        run_jobs()
        [row] = outbox(app)
        assert row.handled_at is None
        assert "subscriber is down" in (row.last_error or "")
        assert other == [row.event_id]
        recorder.fail = False
        with app.app_context():
            assert sweep(grace_seconds=0) == 1
        run_jobs()
        assert recorder.seen == [row.event_id]
        assert other == [row.event_id]
        [row] = outbox(app)
        assert row.handled_at is not None
    finally:
        unsubscribe(EVENT, "tests.outbox.other")


def test_events_without_subscribers_are_handled_at_once(app):
    with app.app_context():
        with unit_of_work():
            event_id = record(PartyRegistered(party_id="x", type="person"))
        assert sweep(grace_seconds=0) == 0
        row = db.session().scalar(select(OutboxEvent).where(OutboxEvent.event_id == event_id))
        assert row is not None and row.handled_at is not None
        db.remove()
