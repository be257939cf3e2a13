"""Journey engine benchmark on PostgreSQL: events per second with persistence and step rows.

Creates its own database (``kcc_bench_journeys`` by default), migrates it, loads the built-in
journeys, registers N residents and starts the moving journey for each, then sends every
instance three events (reminder_due, services_arranged, allowances_checked: three real
transitions, the last one completing the journey). Every event locks the instance row, checks
the event id, rebuilds the machine from the cached class, stores configuration and datamodel,
appends a step row, cancels/sets timers, records outbox events and a processing-log record.

Modes (one process, one worker):
  bulk   - the engine's advance_batch: ``--batch`` events per transaction, rows locked together,
           steps/timers/processing log written set-based
  batch  - engine.advance per event, ``--batch`` events per transaction
  single - engine.advance per event, one transaction (commit) per event
  rq     - one rq job per event, drained by one in-process rq worker (KccWorker, burst)
  timers - the periodic sweep (journeys.timers.fire_due_timers, 50 timers per transaction)
           after every instance's reminder timer was made due: one event per instance

Each mode prints events/s (wall clock), the CPU time of this process per event
(time.process_time) and the CPU time of the PostgreSQL backends serving the benchmark's
database per event (from /proc, when PostgreSQL runs on this host).

``--outbox rq`` (default) runs as production does: the journey events that have subscribers
(``journey.state_entered`` for suggestions) are written to the outbox and handed to rq after
commit, one job each. ``--outbox none`` removes the subscribers of the journey events first:
the outbox rows are still written (marked handled), nothing is enqueued. The difference is
the cost of the outbox hand-off, which is the core's, not the engine's.

Also measures, without a database: the median cost of building a machine from the cached
class and sending one event, of restoring an idle (warm) machine and sending one event (what
the engine does), of an event no active state names (no machine at all), and the validation
time of each built-in document.

    .venv/bin/python bench/journeys/engine.py --residents 2000 --modes bulk,batch,single,rq,timers
    .venv/bin/python bench/journeys/engine.py --residents 2000 --modes bulk --outbox none
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402

EVENTS = ("reminder_due", "services_arranged", "allowances_checked")
DEFINITIONS = ROOT / "journeys" / "definitions"
SEEN: set[str] = set()


def fresh_database(base: str, name: str) -> str:
    admin = create_engine(
        base.replace("postgresql://", "postgresql+psycopg://", 1) + "/postgres",
        isolation_level="AUTOCOMMIT",
    )
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return f"{base}/{name}"


def drop_database(base: str, name: str) -> None:
    admin = create_engine(
        base.replace("postgresql://", "postgresql+psycopg://", 1) + "/postgres",
        isolation_level="AUTOCOMMIT",
    )
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def make_app(url: str, redis_url: str | None):  # type: ignore[no-untyped-def]
    from alembic import command

    from kcc.app import create_app
    from kcc.cli import alembic_config
    from kcc.config import Settings

    app = create_app(
        Settings(
            env="test",
            database_url=url,
            redis_url=redis_url,
            secret_key="b" * 40,
            data_key="bench-data-key-" + "0" * 30,
        )
    )
    with app.app_context():
        command.upgrade(alembic_config(), "head")
    return app


def setup(app, residents: int) -> list[int]:  # type: ignore[no-untyped-def]
    import random

    from journeys.constants import CauseType
    from journeys.engine import Cause, start
    from journeys.versions import load_source
    from kcc.db import unit_of_work
    from kcc.demo.people import valid_bsn
    from kcc.parties.services import PartyInput, register_party

    rng = random.Random(len(SEEN) + 7)
    with app.app_context():
        with unit_of_work():
            for path in sorted(DEFINITIONS.glob("*.yaml")):  # unchanged documents are skipped
                load_source(path.read_text(encoding="utf-8"), "bench", True)
        ids: list[int] = []
        while len(ids) < residents:
            with unit_of_work():
                for _ in range(min(200, residents - len(ids))):
                    bsn = valid_bsn(rng)
                    if bsn in SEEN:
                        continue
                    SEEN.add(bsn)
                    party = register_party(PartyInput(type="person", surname="Bench", bsn=bsn))
                    instance, _ = start(
                        party.id,
                        "moving",
                        Cause(CauseType.SYSTEM, None, "bench"),
                        f"start-{party.id}",
                    )
                    ids.append(instance.id)
    return ids


def backend_cpu(database: str) -> float:
    """CPU seconds used so far by the PostgreSQL backends connected to ``database`` (0 when
    PostgreSQL is not on this host or /proc is not readable)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmdline = f.read().decode(errors="replace")
            if not cmdline.startswith("postgres: ") or f" {database} " not in cmdline:
                continue
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
        except OSError:
            continue
    return total


def measured(
    database: str, body: Callable[[], tuple[int, float]]
) -> tuple[int, float, float, float]:
    """(events, wall seconds, CPU seconds of this process, CPU seconds of the DB backends)."""
    cpu, server = time.process_time(), backend_cpu(database)
    count, seconds = body()
    return count, seconds, time.process_time() - cpu, backend_cpu(database) - server


def without_journey_subscribers() -> None:
    from kcc.events.base import subscribers_for, unsubscribe

    for name in ("journey.started", "journey.state_entered", "journey.completed"):
        for key in list(subscribers_for(name)):
            unsubscribe(name, key)


def run_timers(app, ids: list[int]) -> tuple[int, float]:  # type: ignore[no-untyped-def]
    from sqlalchemy import update

    from journeys.models import JourneyTimer
    from journeys.timers import fire_due_timers
    from kcc.db import unit_of_work, utcnow

    with app.app_context():
        with unit_of_work() as session:
            session.execute(
                update(JourneyTimer)
                .where(
                    JourneyTimer.instance_id.in_(ids),
                    JourneyTimer.fired_at.is_(None),
                    JourneyTimer.cancelled_at.is_(None),
                )
                .values(due_at=utcnow() - timedelta(days=1))
            )
        started = time.perf_counter()
        fired = 0
        while True:
            now = fire_due_timers(limit=1000)
            fired += now
            if not now:
                break
        return fired, time.perf_counter() - started


def run_direct(app, ids: list[int], batch: int) -> tuple[int, float]:  # type: ignore[no-untyped-def]
    from journeys.constants import CauseType
    from journeys.engine import Cause, advance
    from kcc.db import unit_of_work

    work = [(i, e) for e in EVENTS for i in ids]
    tag = uuid.uuid4().hex[:8]
    started = time.perf_counter()
    with app.app_context():
        for offset in range(0, len(work), batch):
            with unit_of_work():
                for instance_id, event in work[offset : offset + batch]:
                    advance(
                        instance_id,
                        event,
                        f"{tag}-{instance_id}-{event}",
                        Cause(CauseType.EVENT, "bench"),
                    )
    return len(work), time.perf_counter() - started


def run_bulk(app, ids: list[int], batch: int) -> tuple[int, float]:  # type: ignore[no-untyped-def]
    from journeys.constants import CauseType
    from journeys.engine import Cause, advance_batch
    from kcc.db import unit_of_work

    work = [(i, e) for e in EVENTS for i in ids]
    tag = uuid.uuid4().hex[:8]
    started = time.perf_counter()
    with app.app_context():
        for offset in range(0, len(work), batch):
            with unit_of_work():
                advance_batch(
                    [(i, e, f"{tag}-{i}-{e}") for i, e in work[offset : offset + batch]],
                    Cause(CauseType.EVENT, "bench"),
                )
    return len(work), time.perf_counter() - started


def run_rq(app, ids: list[int]) -> tuple[int, float]:  # type: ignore[no-untyped-def]
    from rq import Queue
    from rq.serializers import JSONSerializer

    from kcc.worker import KccWorker

    runner = app.extensions["kcc.jobs"]
    queue = Queue(
        f"bench-journeys-{uuid.uuid4().hex[:8]}", connection=runner.redis, serializer=JSONSerializer
    )
    tag = uuid.uuid4().hex[:8]
    work = [(i, e) for e in EVENTS for i in ids]
    jobs = []
    with app.app_context():
        for instance_id, event in work:
            job = queue.enqueue(
                "bench.journeys.rq_job.advance_one",
                instance_id,
                event,
                f"{tag}-{instance_id}-{event}",
            )
            jobs.append(job)
        worker = KccWorker([queue], connection=runner.redis, serializer=JSONSerializer)
        started = time.perf_counter()
        worker.work(burst=True, with_scheduler=False, logging_level="WARNING")
        elapsed = time.perf_counter() - started
    failed = queue.failed_job_registry.count
    for job in jobs:  # finished jobs and their results outlive queue.delete()
        job.delete()
    for registry in (queue.finished_job_registry, queue.failed_job_registry):
        runner.redis.delete(registry.key)
    queue.delete(delete_jobs=True)
    if failed:
        print(f"  rq: {failed} job(s) failed", file=sys.stderr)
    return len(work), elapsed


def machine_micro(samples: int = 5000) -> dict[str, float]:
    """Median µs (wall clock) of one event on the moving journey, without a database."""
    from journeys.machine import Warm, run
    from journeys.validation import validate

    definition = validate((DEFINITIONS / "moving.yaml").read_text(encoding="utf-8")).definition
    assert definition is not None
    compiled = definition.compiled
    at = ["active", "moved_in"]

    def fresh() -> None:  # a new machine from the cached class, as every event once did
        warm = Warm(compiled.machine_class, compiled.start)
        warm.restore(at, {"reminders": 0}, None)
        warm.machine.send("services_arranged")

    cases = {
        "build a machine from the cached class + send one event": fresh,
        "restore an idle machine + send one event (engine path)": lambda: run(
            compiled, at, {"reminders": 0}, "services_arranged"
        ),
        "an event no active state names (no machine)": lambda: run(
            compiled, at, {"reminders": 0}, "allowances_checked"
        ),
    }
    found = {}
    for name, case in cases.items():
        case()
        timings = []
        for _ in range(samples):
            t = time.perf_counter_ns()
            case()
            timings.append(time.perf_counter_ns() - t)
        found[name] = statistics.median(timings) / 1000
    return found


def validation_times(rounds: int = 7) -> dict[str, float]:
    from journeys.validation import validate

    found = {}
    for path in sorted(DEFINITIONS.glob("*.yaml")):
        source = path.read_text(encoding="utf-8")
        timings = []
        for _ in range(rounds):
            t = time.perf_counter()
            assert validate(source).ok
            timings.append(time.perf_counter() - t)
        found[path.name] = statistics.median(timings) * 1000
    return found


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/13")
    parser.add_argument("--database", default="kcc_bench_journeys")
    parser.add_argument("--residents", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--modes", default="bulk,batch,single,rq,timers")
    parser.add_argument(
        "--outbox",
        choices=("rq", "none"),
        default="rq",
        help="rq: journey events handed to rq after commit (production); none: no subscribers.",
    )
    parser.add_argument(
        "--no-micro", action="store_true", help="Skip the machine and validation timings."
    )
    parser.add_argument("--keep", action="store_true", help="Keep the database afterwards.")
    args = parser.parse_args()

    if not args.no_micro:
        for name, us in machine_micro().items():
            print(f"machine: {name}: median {us:.0f} µs")
        for name, ms in validation_times().items():
            print(f"validate {name}: median {ms:.1f} ms")
    modes = args.modes.split(",")
    url = fresh_database(args.postgres, args.database)
    app = None
    try:
        app = make_app(url, args.redis)
        if args.outbox == "none":
            without_journey_subscribers()
        for mode in modes:
            ids = setup(app, args.residents)
            body: Callable[[], tuple[int, float]]
            if mode == "batch":
                body = partial(run_direct, app, ids, args.batch)
                label = f"batch ({args.batch} events per transaction)"
            elif mode == "bulk":
                body = partial(run_bulk, app, ids, args.batch)
                label = f"bulk (advance_batch, {args.batch} events per transaction)"
            elif mode == "single":
                body = partial(run_direct, app, ids, 1)
                label = "single (one transaction per event)"
            elif mode == "timers":
                body = partial(run_timers, app, ids)
                label = "timers (fire_due_timers, 50 per transaction)"
            else:
                body = partial(run_rq, app, ids)
                label = "rq (one job per event, one worker)"
            count, seconds, cpu, server = measured(args.database, body)
            print(
                f"{label}, outbox {args.outbox}: {count} events in {seconds:.2f} s = "
                f"{count / seconds:,.0f} events/s; CPU per event: this process "
                f"{cpu / count * 1e6:,.0f} µs, PostgreSQL {server / count * 1e6:,.0f} µs",
                flush=True,
            )
    finally:
        from kcc.db import db

        if app is not None:
            with app.app_context():
                app.extensions["kcc.jobs"].queue().delete(delete_jobs=True)

        db.remove()
        if db.engine is not None:
            db.engine.dispose()
        if not args.keep:
            drop_database(args.postgres, args.database)


if __name__ == "__main__":
    main()
