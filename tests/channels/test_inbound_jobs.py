"""Inbound SMS after the response: the threading job, the sweep behind it, and a real worker.

The webhook only stores the message and queues a job; these tests prove that nothing a
resident sent is lost when that job is lost or its worker dies, that threading happens
exactly once, and that a running worker shows the message to agents within a second.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from rq import Worker
from sqlalchemy import select, text

from channels.inbound.dispatch import sweep_unthreaded, thread_job
from channels.models import ChannelMessage, Conversation
from kcc.contacts.models import ContactMoment
from kcc.db import db
from kcc.parties.models import Party
from tests.channels.conftest import PUBLIC, SMS_PATH, count
from tests.conftest import ROOT
from tests.fakes.twilio_server import FakeTwilio, deliver_signed, flask_poster

needs_postgres_and_redis = pytest.mark.skipif(
    not os.environ.get("KCC_TEST_DATABASE_URL")
    or not os.environ.get("KCC_TEST_REDIS_URL")
    or shutil.which("redis-server") is None,
    reason="needs PostgreSQL (KCC_TEST_DATABASE_URL) and Redis (KCC_TEST_REDIS_URL)",
)

UNTHREADED = ChannelMessage.conversation_id.is_(None)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def _queue_unreachable(app: Any) -> Iterator[None]:
    """Every enqueue fails, as when Redis is down (nothing listens on the port)."""
    runner = app.extensions["kcc.jobs"]
    original = runner.redis_url, runner._redis
    runner.redis_url, runner._redis = f"redis://127.0.0.1:{_free_port()}/0", None
    try:
        yield
    finally:
        runner.redis_url, runner._redis = original


def test_a_message_whose_job_was_lost_is_threaded_by_the_sweep_exactly_once(
    app, client, fake_twilio, run_jobs
):
    forms = [fake_twilio.inbound_form("+31612345678", f"Bericht {i}") for i in range(2)]
    post = flask_poster(client)
    with _queue_unreachable(app):
        answers = [
            deliver_signed(fake_twilio, post, PUBLIC, SMS_PATH, form) for form in forms + forms
        ]
    assert [a.status_code for a in answers] == [200] * 4
    assert len({a.data for a in answers}) == 1
    assert count(app, ChannelMessage) == 2
    assert count(app, ChannelMessage, UNTHREADED) == 2

    with app.app_context():
        assert sweep_unthreaded(grace_seconds=3600) == 0  # too fresh: its job may still come
        assert sweep_unthreaded(grace_seconds=0) == 2
        assert sweep_unthreaded(grace_seconds=0) == 0  # claimed: left to the jobs just queued
    run_jobs()
    assert count(app, ChannelMessage, UNTHREADED) == 0
    assert count(app, Conversation) == 1
    assert count(app, ContactMoment) == 1
    assert count(app, Party) == 1

    with app.app_context():  # the same job once more (a slow original and a sweep's copy)
        message = db.session().scalar(select(ChannelMessage.uuid).limit(1))
        db.remove()
        thread_job(str(message))
        conversation = db.session().scalars(select(Conversation)).one()
        assert conversation.message_count == 2
        db.remove()


def test_opt_out_takes_effect_before_the_threading_job_runs(app, client, fake_twilio):
    from channels.models import SmsOptOut

    post = flask_poster(client)
    with _queue_unreachable(app):
        form = fake_twilio.inbound_form("+31612345678", "STOP")
        assert deliver_signed(fake_twilio, post, PUBLIC, SMS_PATH, form).status_code == 200
    assert count(app, ChannelMessage, UNTHREADED) == 1
    assert count(app, SmsOptOut, SmsOptOut.opted_out_at.is_not(None)) == 1


def _worker_env(app: Any, fake: FakeTwilio) -> dict[str, str]:
    settings = app.config["KCC_SETTINGS"]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KCC_", "TWILIO_"))}
    env.update(
        KCC_ENV="test",
        KCC_DATABASE_URL=settings.database_url,
        KCC_REDIS_URL=settings.redis_url,
        KCC_SECRET_KEY=settings.secret_key,
        KCC_DATA_KEY=settings.data_key,
        KCC_PUBLIC_BASE_URL=settings.public_base_url,
        TWILIO_ACCOUNT_SID=settings.twilio_account_sid,
        TWILIO_AUTH_TOKEN=settings.twilio_auth_token,
        TWILIO_FROM_NUMBER=settings.twilio_from_number,
        TWILIO_API_BASE_URL=fake.base_url,
    )
    return env


@contextmanager
def _running_worker(app: Any, fake: FakeTwilio) -> Iterator[subprocess.Popen[bytes]]:
    """``kcc worker`` in its own process, registered and waiting for jobs."""
    runner = app.extensions["kcc.jobs"]
    worker = subprocess.Popen(
        [str(Path(sys.executable).parent / "kcc"), "worker"],
        env=_worker_env(app, fake),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while not Worker.all(connection=runner.redis):
            assert worker.poll() is None, "kcc worker exited"
            assert time.monotonic() < deadline, "kcc worker did not register"
            time.sleep(0.1)
        yield worker
    finally:
        if worker.poll() is None:
            worker.terminate()
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()


def _wait_for(condition: Any, seconds: float, step: float = 0.02) -> float:
    """Poll until ``condition()`` holds; the seconds it took (fails after ``seconds``)."""
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < seconds, f"not within {seconds} s"
        time.sleep(step)
    return time.monotonic() - started


@pytest.mark.postgres
@pytest.mark.redis
@needs_postgres_and_redis
def test_with_a_running_worker_the_message_shows_within_a_second(app, client, agent, fake_twilio):
    post = flask_poster(client)

    def listed() -> int:
        return len(agent.get("/api/v1/conversations?status=open").json["items"])

    with _running_worker(app, fake_twilio):
        warm_up = fake_twilio.inbound_form("+31611111111", "Eerste bericht")
        assert deliver_signed(fake_twilio, post, PUBLIC, SMS_PATH, warm_up).status_code == 200
        _wait_for(lambda: listed() == 1, 30)
        queue = app.extensions["kcc.jobs"].queue()
        _wait_for(lambda: queue.count == 0 and queue.started_job_registry.count == 0, 30)

        form = fake_twilio.inbound_form("+31622222222", "Is mijn paspoort klaar?")
        assert deliver_signed(fake_twilio, post, PUBLIC, SMS_PATH, form).status_code == 200
        took = _wait_for(lambda: listed() == 2, 1.0)
    assert took < 1.0
    items = agent.get("/api/v1/conversations?status=open").json["items"]
    assert {item["address"] for item in items} == {"+31611111111", "+31622222222"}


@pytest.mark.postgres
@pytest.mark.redis
@needs_postgres_and_redis
def test_a_worker_killed_mid_threading_loses_nothing_and_duplicates_nothing(
    app, client, fake_twilio, run_jobs
):
    sender = "+31633333333"
    post = flask_poster(client)
    with app.app_context():
        assert db.engine is not None
        blocker = db.engine.connect()
    try:
        # Hold the sender's threading lock, so the worker's job waits inside its transaction.
        blocker.execute(
            text("SELECT pg_advisory_lock(hashtext(:key))"), {"key": f"thread:sms:{sender}"}
        )
        blocker.commit()
        with _running_worker(app, fake_twilio) as worker:
            form = fake_twilio.inbound_form(sender, "Wordt mijn bericht bewaard?")
            assert deliver_signed(fake_twilio, post, PUBLIC, SMS_PATH, form).status_code == 200

            def job_waits() -> bool:
                waiting = blocker.scalar(
                    text(
                        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
                    )
                )
                blocker.commit()
                return bool(waiting)

            _wait_for(job_waits, 30, step=0.05)
            worker.kill()  # SIGKILL mid-job: its transaction never commits
            worker.wait()
        blocker.execute(
            text("SELECT pg_advisory_unlock(hashtext(:key))"), {"key": f"thread:sms:{sender}"}
        )
        blocker.commit()
    finally:
        blocker.close()

    assert count(app, ChannelMessage) == 1
    assert count(app, ChannelMessage, UNTHREADED) == 1
    assert count(app, Conversation) == 0
    with app.app_context():
        assert sweep_unthreaded(grace_seconds=0) == 1
    run_jobs()
    with app.app_context():
        assert sweep_unthreaded(grace_seconds=0) == 0
    assert count(app, ChannelMessage, UNTHREADED) == 0
    assert count(app, Conversation) == 1
    assert count(app, ContactMoment) == 1
    assert count(app, Party) == 1
