"""Faults that must lose nothing and duplicate nothing: concurrent retries, Redis down."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from redis import Redis

from channels.inbound.dispatch import sweep_unthreaded
from channels.models import ChannelMessage, Conversation
from kcc.contacts.models import ContactMoment
from kcc.parties.models import Party
from tests.channels.conftest import PUBLIC, SMS_PATH, count
from tests.fakes.live_server import live_server
from tests.fakes.twilio_server import deliver_signed, http_poster

needs_postgres = pytest.mark.skipif(
    not os.environ.get("KCC_TEST_DATABASE_URL"), reason="needs PostgreSQL (KCC_TEST_DATABASE_URL)"
)
needs_redis = pytest.mark.skipif(
    not os.environ.get("KCC_TEST_REDIS_URL") or shutil.which("redis-server") is None,
    reason="needs Redis (KCC_TEST_REDIS_URL) and redis-server",
)


def _concurrently(count_: int, call):  # type: ignore[no-untyped-def]
    barrier = threading.Barrier(count_)

    def run(i: int):  # type: ignore[no-untyped-def]
        barrier.wait()
        return call(i)

    with ThreadPoolExecutor(count_) as pool:
        return list(pool.map(run, range(count_)))


@pytest.mark.postgres
@needs_postgres
def test_same_message_five_times_concurrently_is_stored_once(app, fake_twilio, run_jobs):
    form = fake_twilio.inbound_form("+31612345678", "Vijf keer tegelijk")
    with live_server(app) as base:
        post = http_poster(base)
        responses = _concurrently(
            5, lambda _: deliver_signed(fake_twilio, post, PUBLIC, SMS_PATH, form)
        )
    assert [r.status_code for r in responses] == [200] * 5
    assert len({r.content for r in responses}) == 1
    run_jobs()
    assert count(app, ChannelMessage) == 1
    assert count(app, Conversation) == 1
    assert count(app, Party) == 1


@pytest.mark.postgres
@needs_postgres
def test_concurrent_messages_from_a_new_number_share_one_party_and_thread(
    app, fake_twilio, run_jobs
):
    forms = [fake_twilio.inbound_form("+31612345679", f"Bericht {i}") for i in range(5)]
    with live_server(app) as base:
        post = http_poster(base)
        responses = _concurrently(
            5, lambda i: deliver_signed(fake_twilio, post, PUBLIC, SMS_PATH, forms[i])
        )
    assert [r.status_code for r in responses] == [200] * 5
    run_jobs()
    assert count(app, ChannelMessage) == 5
    assert count(app, Conversation) == 1
    assert count(app, Party) == 1
    assert count(app, ChannelMessage, ChannelMessage.conversation_id.is_(None)) == 0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start_redis(port: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
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
    client = Redis(port=port, socket_connect_timeout=0.2)
    for _ in range(100):
        try:
            client.ping()
            return process
        except Exception:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("private redis-server did not start")


@pytest.mark.redis
@needs_redis
def test_messages_arriving_while_redis_is_down_are_handled_once_it_is_back(
    app, client, fake_twilio
):
    import dataclasses

    from rq.serializers import JSONSerializer

    from kcc.worker import KccWorker

    port = _free_port()
    redis = _start_redis(port)
    runner = app.extensions["kcc.jobs"]
    original_url, original_redis = runner.redis_url, runner._redis
    runner.redis_url, runner._redis = f"redis://127.0.0.1:{port}/0", None
    settings = app.config["KCC_SETTINGS"]
    app.config["KCC_SETTINGS"] = dataclasses.replace(settings, redis_url=runner.redis_url)
    try:
        redis.terminate()
        redis.wait()
        from tests.fakes.twilio_server import flask_poster

        post = flask_poster(client)
        forms = [fake_twilio.inbound_form("+31612345678", f"Tijdens storing {i}") for i in range(3)]
        for form in forms:
            response = deliver_signed(fake_twilio, post, PUBLIC, SMS_PATH, form)
            assert response.status_code == 200
        assert count(app, ChannelMessage) == 3
        assert count(app, Conversation) == 0

        redis = _start_redis(port)
        runner._redis = None
        with app.app_context():
            assert sweep_unthreaded(grace_seconds=0) == 3
            worker = KccWorker([runner.queue()], connection=runner.redis, serializer=JSONSerializer)
            worker.work(burst=True, with_scheduler=False)
            assert sweep_unthreaded(grace_seconds=0) == 0
        assert count(app, Conversation) == 1
        assert count(app, ChannelMessage, ChannelMessage.conversation_id.is_(None)) == 0
        assert count(app, ChannelMessage) == 3
        assert count(app, ContactMoment) == 1
    finally:
        runner.redis_url, runner._redis = original_url, original_redis
        app.config["KCC_SETTINGS"] = settings
        if redis.poll() is None:
            redis.terminate()
            redis.wait()
