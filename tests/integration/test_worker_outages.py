"""``kcc worker`` on a bad day: Redis stops while it is busy, or the worker itself is killed.

Each test runs the real ``kcc worker`` command in a subprocess against its own redis-server
on a free port (never the shared one), so that it can stop Redis and kill the worker.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from redis import Redis
from rq import Queue
from rq.job import Job
from rq.serializers import JSONSerializer

from channels.models import ChannelMessage, Conversation
from kcc.jobs import EXTENSION, QUEUE_NAME, JobRunner
from tests.channels.conftest import PUBLIC, SMS_PATH, count
from tests.conftest import ROOT, TEST_DATA_KEY, TEST_SECRET
from tests.fakes.twilio_server import FakeTwilio, deliver_signed, flask_poster

pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server"),
]

OUTAGE_LINE = "Redis unreachable"


class PrivateRedis:
    """A redis-server of this test only, keeping its data across a stop (append-only file)."""

    def __init__(self, data_dir: Path) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.data_dir = data_dir
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                *("--port", str(self.port), "--bind", "127.0.0.1", "--save", ""),
                *("--appendonly", "yes", "--appendfsync", "always", "--dir", str(self.data_dir)),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _until(lambda: _pings(self.port), 10, "private redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def client(self) -> Redis:
        return Redis.from_url(self.url, socket_connect_timeout=1, socket_timeout=5)


def _pings(port: int) -> bool:
    try:
        return bool(Redis(port=port, socket_connect_timeout=0.2).ping())
    except Exception:
        return False


def _until(check: Callable[[], Any], seconds: float, failure: str) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(failure)


@pytest.fixture()
def private_redis(app: Flask, tmp_path: Path) -> Iterator[PrivateRedis]:
    server = PrivateRedis(tmp_path)
    server.start()
    shared = app.extensions[EXTENSION]
    app.extensions[EXTENSION] = JobRunner(server.url)
    try:
        yield server
    finally:
        app.extensions[EXTENSION] = shared
        server.stop()


@pytest.fixture()
def worker(app: Flask, private_redis: PrivateRedis, tmp_path: Path) -> Iterator[Any]:
    """``kcc worker`` on the private Redis and the test database; its log in ``.log_path``."""
    settings = app.config["KCC_SETTINGS"]
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("KCC_", "TWILIO_"))},
        "KCC_DATABASE_URL": settings.database_url,
        "KCC_REDIS_URL": private_redis.url,
        "KCC_DATA_KEY": TEST_DATA_KEY,
        "KCC_SECRET_KEY": TEST_SECRET,
        "KCC_PUBLIC_BASE_URL": PUBLIC,
    }
    log_path = tmp_path / "worker.log"
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "kcc.cli", "worker"],
            cwd=ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    process.log_path = log_path  # type: ignore[attr-defined]
    try:
        # Ready once its in-process scheduler holds the queue's lock.
        _until(
            lambda: (
                private_redis.client().exists(f"rq:scheduler-lock:{QUEUE_NAME}")
                or process.poll() is not None
            ),
            30,
            "the worker did not start",
        )
        assert process.poll() is None, log_path.read_text()
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)


def _queue(redis: PrivateRedis) -> Queue:
    return Queue(QUEUE_NAME, connection=redis.client(), serializer=JSONSerializer)


def test_worker_waits_out_a_redis_outage_while_busy_and_finishes_the_work(
    app: Flask, client: Any, private_redis: PrivateRedis, worker: subprocess.Popen[bytes]
) -> None:
    # A long job keeps the worker busy while Redis goes away.
    busy = _queue(private_redis).enqueue_call("time.sleep", args=(2,), job_id="busy")
    _until(
        lambda: (
            Job.fetch(busy.id, private_redis.client(), JSONSerializer).get_status() == "started"
        ),
        20,
        "the worker did not start the long job",
    )
    fake = FakeTwilio()  # only signs: the webhooks go to the app through the test client
    post = flask_poster(client)
    for i in range(3):
        form = fake.inbound_form("+31612345678", f"Tijdens storing {i}")
        assert deliver_signed(fake, post, PUBLIC, SMS_PATH, form).status_code == 200
    assert count(app, ChannelMessage) == 3

    private_redis.stop()
    time.sleep(4)  # the outage itself: the long job ends and rq's bookkeeping fails meanwhile
    assert worker.poll() is None, worker.log_path.read_text()  # type: ignore[attr-defined]
    private_redis.start()

    _until(
        lambda: count(app, ChannelMessage, ChannelMessage.conversation_id.is_(None)) == 0,
        60,
        "the messages queued before the outage were not threaded after it",
    )
    assert count(app, Conversation) == 1
    assert worker.poll() is None
    log = worker.log_path.read_text()  # type: ignore[attr-defined]
    assert log.count(OUTAGE_LINE) == 1, log
    assert "Redis reachable again" in log
    assert "quitting" not in log, log

    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=20) == 0, worker.log_path.read_text()  # type: ignore[attr-defined]


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The fields after the command name (which may hold spaces) start with state, ppid.
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.add(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_a_killed_worker_leaves_no_scheduler_running(
    private_redis: PrivateRedis, worker: subprocess.Popen[bytes]
) -> None:
    # Its scheduler works: a delayed job is moved onto the queue and run.
    delayed = _queue(private_redis).enqueue_in(timedelta(seconds=1), "time.sleep", 0)
    _until(
        lambda: (
            Job.fetch(delayed.id, private_redis.client(), JSONSerializer).get_status() == "finished"
        ),
        30,
        "the scheduler did not enqueue the delayed job",
    )
    children = _children(worker.pid)

    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=10)

    _until(
        lambda: not any(_alive(pid) for pid in children),
        10,
        f"processes of the killed worker still run: {children}",
    )
    # Nothing keeps the scheduler's lock alive: it runs out, free for the next worker.
    lock = f"rq:scheduler-lock:{QUEUE_NAME}"
    ttl = private_redis.client().ttl(lock)
    time.sleep(2)
    assert private_redis.client().ttl(lock) < ttl or not private_redis.client().exists(lock)
