"""An event committed while Redis is down is delivered once Redis is back, exactly once.

The test runs its own redis-server on a free port, so that it can stop and start it.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator

import pytest
from redis import Redis
from rq.serializers import JSONSerializer
from sqlalchemy import select

from kcc.db import db, unit_of_work
from kcc.events.base import EventEnvelope, subscribe, unsubscribe
from kcc.events.models import OutboxEvent
from kcc.events.outbox import EVENTS_PER_JOB, deliver_event, record, sweep
from kcc.jobs import EXTENSION, JobRunner
from kcc.parties.events import PartyRegistered
from kcc.worker import KccWorker

pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(
        not os.environ.get("KCC_TEST_REDIS_URL"), reason="needs Redis (KCC_TEST_REDIS_URL)"
    ),
    pytest.mark.skipif(
        shutil.which("redis-server") is None, reason="needs the redis-server binary"
    ),
]


class PrivateRedis:
    """A redis-server subprocess of this test only."""

    def __init__(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = Redis(port=self.port, socket_connect_timeout=0.2)
        for _ in range(100):
            try:
                if client.ping():
                    return
            except Exception:
                time.sleep(0.05)
        raise RuntimeError("private redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture()
def private_redis(app) -> Iterator[PrivateRedis]:
    server = PrivateRedis()
    shared = app.extensions[EXTENSION]
    app.extensions[EXTENSION] = JobRunner(server.url)
    try:
        yield server
    finally:
        app.extensions[EXTENSION] = shared
        server.stop()


@pytest.fixture()
def seen() -> Iterator[list[uuid.UUID]]:
    found: list[uuid.UUID] = []

    def handler(envelope: EventEnvelope) -> None:
        found.append(envelope.event_id)

    subscribe("party.registered", handler, key="tests.outbox_redis.handler")
    yield found
    unsubscribe("party.registered", "tests.outbox_redis.handler")


def drain(app) -> None:
    runner = app.extensions[EXTENSION]
    with app.app_context():
        worker = KccWorker([runner.queue()], connection=runner.redis, serializer=JSONSerializer)
        worker.work(burst=True, with_scheduler=False)


def test_event_committed_while_redis_is_down_is_delivered_exactly_once(
    app, agent, private_redis, seen
):
    response = agent.post("/api/v1/parties", json={"type": "person", "surname": "Jansen"})
    assert response.status_code == 201, response.json
    with app.app_context():
        row = db.session().scalar(select(OutboxEvent).where(OutboxEvent.name == "party.registered"))
        assert row is not None
        assert row.handled_at is None
        event_id = row.event_id
        db.remove()
    assert seen == []

    private_redis.start()
    with app.app_context():
        assert sweep(grace_seconds=0) == 1
        assert sweep(grace_seconds=0) == 1  # swept twice: two hand-overs of the same event
    drain(app)
    assert seen == [event_id]

    with app.app_context():
        assert sweep(grace_seconds=0) == 0
        assert deliver_event(str(event_id)) == 0
        row = db.session().scalar(select(OutboxEvent).where(OutboxEvent.event_id == event_id))
        assert row.handled_at is not None
        db.remove()
    drain(app)
    assert seen == [event_id]


def test_redis_going_down_between_requests_loses_nothing(app, agent, private_redis, seen):
    private_redis.start()
    first = agent.post("/api/v1/parties", json={"type": "person", "surname": "Een"})
    assert first.status_code == 201
    drain(app)
    assert len(seen) == 1
    private_redis.stop()
    second = agent.post("/api/v1/parties", json={"type": "person", "surname": "Twee"})
    assert second.status_code == 201
    assert len(seen) == 1
    private_redis.start()
    with app.app_context():
        assert sweep(grace_seconds=0) == 1
    drain(app)
    assert len(seen) == len(set(seen)) == 2


def test_events_of_one_transaction_travel_in_chunked_jobs_and_a_failure_stays_its_own(
    app, private_redis
):
    private_redis.start()
    seen: list[str] = []
    doomed: list[str] = []

    def handler(envelope: EventEnvelope) -> None:
        if envelope.data["party_id"] == doomed[0]:
            raise ValueError("this one fails")
        seen.append(envelope.data["party_id"])

    subscribe("party.registered", handler, key="tests.outbox_redis.chunks")
    try:
        with app.app_context():
            with unit_of_work():
                ids = [str(uuid.uuid4()) for _ in range(EVENTS_PER_JOB + 5)]
                doomed.append(ids[3])
                for party_id in ids:
                    record(PartyRegistered(party_id=party_id, type="person"))
            runner = app.extensions[EXTENSION]
            assert runner.queue().count == 2  # 25 + 5, not 30 jobs
            db.remove()
        drain(app)
    finally:
        unsubscribe("party.registered", "tests.outbox_redis.chunks")

    assert sorted(seen) == sorted(i for i in ids if i != doomed[0])
    with app.app_context():
        rows = db.session().scalars(
            select(OutboxEvent).where(OutboxEvent.name == "party.registered")
        )
        open_rows = [r for r in rows if r.handled_at is None]
        assert [r.payload["party_id"] for r in open_rows] == doomed
        assert "this one fails" in (open_rows[0].last_error or "")
        db.remove()
