"""``kcc worker``: an rq worker with its scheduler, and the periodic jobs beside it.

The worker outlives its dependencies: when Redis or the database goes away it waits,
retrying with backoff, logs the outage once (and once more when it ends), and resumes.
rq's scheduler runs in a thread of this process rather than in a forked child, so no
scheduler is ever left running without its worker, whatever kills the worker.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import threading
import time
from typing import Any

from flask import Flask, current_app
from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from rq import Queue, SimpleWorker
from rq.scheduler import RQScheduler
from rq.serializers import JSONSerializer
from sqlalchemy.exc import InterfaceError, OperationalError

from kcc import jobs

log = logging.getLogger(__name__)

TICK_SECONDS = 1.0
SCHEDULER_SECONDS = 1.0
BACKOFF_FIRST_SECONDS = 0.5
BACKOFF_MAX_SECONDS = 5.0
REDIS_ERRORS = (RedisConnectionError, RedisTimeoutError)
# rq logs every failed reconnect of its dequeue loop; the outage below is logged once instead.
RQ_RECONNECT_MESSAGE = "could not connect to Redis instance"


class Outage:
    """One dependency's outage: logged when it starts and when it ends, not per retry."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._since: float | None = None
        self._lock = threading.Lock()

    @property
    def ongoing(self) -> bool:
        return self._since is not None

    def failed(self, exc: BaseException) -> None:
        with self._lock:
            if self._since is not None:
                return
            self._since = time.monotonic()
        log.warning(
            "%s unreachable (%s); waiting and retrying with backoff, work resumes when it is back",
            self.name,
            type(exc).__name__,
        )

    def recovered(self) -> None:
        with self._lock:
            if self._since is None:
                return
            lasted = time.monotonic() - self._since
            self._since = None
        log.warning("%s reachable again after %.0f s; resuming", self.name, lasted)


REDIS = Outage("Redis")
DATABASE = Outage("The database")


def wait_for_redis(connection: Redis, stopping: threading.Event) -> bool:
    """Block until Redis answers (True) or a stop is requested (False), backing off."""
    delay = BACKOFF_FIRST_SECONDS
    while not stopping.is_set():
        try:
            connection.ping()
        except REDIS_ERRORS as exc:
            REDIS.failed(exc)
            stopping.wait(delay)
            delay = min(delay * 2, BACKOFF_MAX_SECONDS)
            continue
        REDIS.recovered()
        return True
    return False


class _DropReconnectNoise(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return RQ_RECONNECT_MESSAGE not in str(record.msg)


class KccWorker(SimpleWorker):
    """Runs jobs in the worker process itself, inside the app context, without a fork per job.

    A job that kills the process is not lost: rq moves it to the failed registry and the
    outbox sweep dispatches its event again. The Redis calls rq makes between jobs wait out
    an outage instead of ending the work loop.
    """

    stopping: threading.Event | None = None

    def request_stop(self, signum: Any = None, frame: Any = None) -> None:
        if self.stopping is not None:
            self.stopping.set()
        super().request_stop(signum, frame)

    def _stop_event(self) -> threading.Event:
        if self.stopping is None:
            self.stopping = threading.Event()
        return self.stopping

    def heartbeat(self, timeout: int | None = None, pipeline: Any = None) -> None:
        if pipeline is not None:  # part of a job's bookkeeping: its caller handles errors
            super().heartbeat(timeout, pipeline)
            return
        while True:
            try:
                super().heartbeat(timeout)
            except REDIS_ERRORS as exc:
                REDIS.failed(exc)
                if not wait_for_redis(self.connection, self._stop_event()):
                    raise
                continue
            REDIS.recovered()
            return

    def execute_job(self, job: Any, queue: Queue) -> None:
        try:
            super().execute_job(job, queue)
        except REDIS_ERRORS as exc:
            # The job ran; only rq's record of it was lost. rq's registry cleanup finds the
            # job abandoned later, and every job is safe to run twice.
            REDIS.failed(exc)
            log.warning("the outcome of job %s was not recorded in Redis", job.id)

    def check_for_suspension(self, burst: bool) -> None:
        while True:
            try:
                super().check_for_suspension(burst)
            except REDIS_ERRORS as exc:
                REDIS.failed(exc)
                if not wait_for_redis(self.connection, self._stop_event()):
                    raise
                continue
            return


def run_worker(burst: bool = False) -> None:
    """Work the queue until stopped (or, with ``burst``, until it is empty)."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    runner = jobs.runner()
    if runner.inline:
        raise SystemExit(
            "KCC_REDIS_URL is not set: jobs run inline, there is nothing for a worker to do"
        )
    logging.getLogger("rq.worker").addFilter(_DropReconnectNoise())
    stopping = threading.Event()
    if not burst:
        start_periodic(app, stopping)
        start_scheduler(runner.redis, [runner.queue()], stopping)
    try:
        _work_until_stopped(runner.redis, runner.queue(), burst, stopping)
    finally:
        stopping.set()


def _work_until_stopped(
    connection: Redis, queue: Queue, burst: bool, stopping: threading.Event
) -> None:
    """Run rq's work loop again, with a fresh worker, whenever Redis ended it."""

    def stop(signum: int, frame: Any) -> None:
        stopping.set()

    while True:
        # Between two work loops rq's signal handlers are not in charge: ours only stops.
        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        if not wait_for_redis(connection, stopping):
            return
        worker = KccWorker([queue], connection=connection, serializer=JSONSerializer)
        worker.stopping = stopping
        try:
            worker.work(burst=burst, with_scheduler=burst, logging_level="INFO")
        except REDIS_ERRORS as exc:
            REDIS.failed(exc)
        if burst or stopping.is_set():
            return
        if not REDIS.ongoing:
            # rq ended its loop on something other than a Redis outage (it logged why).
            time.sleep(BACKOFF_FIRST_SECONDS)


def start_scheduler(connection: Redis, queues: list[Queue], stopping: threading.Event) -> None:
    """Move due delayed jobs (retries, timers) onto their queues, in a thread of this process."""
    thread = threading.Thread(
        target=_scheduler_loop,
        args=(connection, queues, stopping),
        daemon=True,
        name="rq-scheduler",
    )
    thread.start()


def _scheduler_loop(connection: Redis, queues: list[Queue], stopping: threading.Event) -> None:
    scheduler = RQScheduler(queues, connection=connection, serializer=JSONSerializer)
    while not stopping.wait(SCHEDULER_SECONDS):
        try:
            if not scheduler.acquired_locks or scheduler.should_reacquire_locks:
                scheduler.acquire_locks()
            if scheduler.acquired_locks:
                scheduler.heartbeat()
                scheduler.enqueue_scheduled_jobs()
        except REDIS_ERRORS as exc:
            REDIS.failed(exc)
            continue
        except Exception:
            log.exception("the scheduler's round failed; it runs again")
            continue
        REDIS.recovered()
    with contextlib.suppress(*REDIS_ERRORS):  # unreleased, the lock expires on its own
        scheduler.release_locks()


def start_periodic(app: Flask, stop: threading.Event) -> threading.Thread:
    """Run the registered periodic jobs in a daemon thread until ``stop`` is set."""
    thread = threading.Thread(
        target=_periodic_loop, args=(app, stop), daemon=True, name="kcc-periodic"
    )
    thread.start()
    return thread


def _periodic_loop(app: Flask, stop: threading.Event) -> None:
    last_run: dict[str, float] = {}
    while not stop.wait(TICK_SECONDS):
        now = time.monotonic()
        for name, (func_path, every) in list(jobs.PERIODIC.items()):
            if now - last_run.get(name, 0.0) < every:
                continue
            last_run[name] = now
            with app.app_context():
                if _claim(name, every):
                    _run_periodic(name, func_path)


def _claim(name: str, every: int) -> bool:
    """With Redis, only one process runs a periodic job per interval."""
    runner = jobs.runner()
    if runner.inline:
        return True
    try:
        claimed = bool(runner.redis.set(f"kcc:periodic:{name}", "1", nx=True, ex=max(every - 1, 1)))
    except REDIS_ERRORS as exc:
        REDIS.failed(exc)  # the job waits for a round after Redis is back
        return False
    REDIS.recovered()
    return claimed


def _run_periodic(name: str, func_path: str) -> None:
    try:
        jobs.resolve(func_path)()
    except (OperationalError, InterfaceError) as exc:
        DATABASE.failed(exc)  # the job runs again next round, once the database answers
        return
    except Exception:
        log.exception("periodic job %s failed; it runs again next round", name)
        return
    DATABASE.recovered()
