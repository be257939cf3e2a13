"""``kcc worker``: an rq worker with its scheduler, and the periodic jobs beside it."""

from __future__ import annotations

import logging
import threading
import time

from flask import Flask, current_app
from rq import SimpleWorker
from rq.serializers import JSONSerializer

from kcc import jobs

log = logging.getLogger(__name__)

TICK_SECONDS = 1.0


class KccWorker(SimpleWorker):
    """Runs jobs in the worker process itself, inside the app context, without a fork per job.

    A job that kills the process is not lost: rq moves it to the failed registry and the
    outbox sweep dispatches its event again.
    """


def run_worker(burst: bool = False) -> None:
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    runner = jobs.runner()
    if runner.inline:
        raise SystemExit(
            "KCC_REDIS_URL is not set: jobs run inline, there is nothing for a worker to do"
        )
    stop = threading.Event()
    if not burst:
        start_periodic(app, stop)
    worker = KccWorker([runner.queue()], connection=runner.redis, serializer=JSONSerializer)
    try:
        worker.work(burst=burst, with_scheduler=True, logging_level="INFO")
    finally:
        stop.set()


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
        return bool(runner.redis.set(f"kcc:periodic:{name}", "1", nx=True, ex=max(every - 1, 1)))
    except Exception:
        log.warning("Redis unreachable; periodic job %s waits for the next round", name)
        return False


def _run_periodic(name: str, func_path: str) -> None:
    try:
        jobs.resolve(func_path)()
    except Exception:
        log.exception("periodic job %s failed; it runs again next round", name)
