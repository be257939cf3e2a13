"""Background jobs: rq on Redis when configured, inline after commit otherwise."""

from __future__ import annotations

import importlib
import logging
import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from flask import Flask, current_app
from redis import Redis
from rq import Queue, Retry
from rq.serializers import JSONSerializer

log = logging.getLogger(__name__)

QUEUE_NAME = "kcc"
EXTENSION = "kcc.jobs"


class JobRunner:
    """Knows whether jobs go to Redis or run inline; one per app."""

    def __init__(self, redis_url: str | None) -> None:
        self.redis_url = redis_url
        self._redis: Redis | None = None
        self._lock = threading.Lock()

    @property
    def inline(self) -> bool:
        return not self.redis_url

    @property
    def redis(self) -> Redis:
        assert self.redis_url, "no Redis configured"
        with self._lock:
            if self._redis is None:
                self._redis = Redis.from_url(
                    self.redis_url,
                    socket_connect_timeout=1,
                    socket_timeout=2,
                    health_check_interval=30,
                )
        return self._redis

    def queue(self, name: str = QUEUE_NAME) -> Queue:
        return Queue(name, connection=self.redis, serializer=JSONSerializer)


# Periodic work (the outbox sweep, due journey timers, ...): name -> (func path, seconds).
# ``kcc worker`` runs them beside rq; the demo server runs them in a background thread.
PERIODIC: dict[str, tuple[str, int]] = {}


def register_periodic(name: str, func_path: str, every_seconds: int) -> None:
    """Run ``func_path()`` every ``every_seconds`` (once across all workers)."""
    PERIODIC[name] = (func_path, every_seconds)


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = JobRunner(app.config["KCC_SETTINGS"].redis_url)


def runner() -> JobRunner:
    return current_app.extensions[EXTENSION]  # type: ignore[no-any-return]


def resolve(func_path: str) -> Callable[..., Any]:
    module, _, name = func_path.rpartition(".")
    return getattr(importlib.import_module(module), name)  # type: ignore[no-any-return]


def enqueue_each(func_path: str, arg_lists: list[tuple[Any, ...]], job_ids: list[str]) -> None:
    """Run ``func_path(*args)`` once per argument list; with Redis in one round trip."""
    current = runner()
    if current.inline:
        func = resolve(func_path)
        for args in arg_lists:
            func(*args)
        return
    queue = current.queue()
    retry = Retry(max=3, interval=[1, 5, 30])
    with current.redis.pipeline() as pipe:
        for args, job_id in zip(arg_lists, job_ids, strict=True):
            queue.enqueue_call(func_path, args=args, job_id=job_id, retry=retry, pipeline=pipe)
        pipe.execute()


def enqueue(
    func_path: str,
    *args: Any,
    job_id: str | None = None,
    retries: int = 3,
    delay: timedelta | None = None,
) -> None:
    """Run ``func_path(*args)`` as a job. Arguments must be JSON values (ids, not objects).

    Inline mode runs the job now, so call this after commit. ``delay`` is honoured by rq's
    scheduler; inline there is no later, so delayed jobs are left to the periodic sweeps.
    """
    current = runner()
    if current.inline:
        if delay is None:
            resolve(func_path)(*args)
        return
    queue = current.queue()
    retry = Retry(max=retries, interval=[1, 5, 30])
    if delay is not None:
        queue.enqueue_in(delay, func_path, *args, job_id=job_id, retry=retry)
        return
    with current.redis.pipeline() as pipe:  # one round trip instead of two
        queue.enqueue_call(func_path, args=args, job_id=job_id, retry=retry, pipeline=pipe)
        pipe.execute()
