"""A Redis outage in the middle of a benchmark, and a ``kcc worker`` that must live through it."""

from __future__ import annotations

import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path

from bench.channels.common import SOURCE, VENV, RedisServer, cpu_seconds


class RedisOutage:
    """Stops the Redis server ``after`` seconds into the load for ``seconds``, in a thread."""

    def __init__(self, redis: RedisServer, after: float, seconds: float) -> None:
        self.redis, self.after, self.seconds = redis, after, seconds
        self.window: tuple[float, float] | None = None
        self.cpu_at_stop: dict[int, float] = {}
        self.thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self.thread.start()

    def _run(self) -> None:
        time.sleep(self.after)
        assert self.redis.process is not None
        self.cpu_at_stop[self.redis.process.pid] = cpu_seconds(self.redis.process.pid)
        began = time.perf_counter()
        self.redis.stop()
        time.sleep(self.seconds)
        self.redis.start()
        self.window = (began, time.perf_counter())


def start_worker(env: dict[str, str], log_path: Path) -> subprocess.Popen:
    """``kcc worker`` (not burst) with its log in ``log_path``."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("wb") as log_file:
        return subprocess.Popen(
            [str(VENV / "kcc"), "worker"],
            env=env,
            cwd=SOURCE,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )


def settle(missing: Callable[[], dict[str, int]], worker: subprocess.Popen, seconds: int) -> float:
    """Wait until no acknowledged message is missing or unthreaded; the seconds it took."""
    began = time.perf_counter()
    while time.perf_counter() - began < seconds and worker.poll() is None:
        if not any(missing().values()):
            break
        time.sleep(2)
    return time.perf_counter() - began


def wait_until_working(redis_url: str, worker: subprocess.Popen, seconds: int = 180) -> None:
    """Block until the worker's scheduler holds its lock (it is up), so the outage hits it."""
    from redis import Redis

    client = Redis.from_url(redis_url, socket_connect_timeout=1)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and worker.poll() is None:
        if client.exists("rq:scheduler-lock:kcc"):
            return
        time.sleep(0.2)
    raise SystemExit("kcc worker did not start")
