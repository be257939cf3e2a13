"""Benchmark: outbound SMS through one rq worker and the real twilio SDK, against the fake Twilio.

Makes a fresh PostgreSQL database and a private Redis, starts the fake Twilio server of the
tests (a real HTTP server on 127.0.0.1) in this process, stores ``--messages`` queued outbound
SMS rows in conversations with ``--recipients`` numbers, queues one send job per row (as an
agent's reply does after commit), and then runs one ``kcc worker --burst`` (production
settings, ``TWILIO_API_BASE_URL`` pointing at the fake). Throughput is counted between the
first and the last message the fake server accepted; the worker's CPU time (its start-up,
measured with an empty queue, subtracted) is divided by the messages. Afterwards it checks
that every row was handed over once, with its own provider id, and that the fake received each body once.

    .venv/bin/python bench/channels/outbound_sms.py --messages 1000
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, insert, text

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench import pyspy_summary
from bench.channels.common import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    ROOT,
    SOURCE,
    VENV,
    app_env,
    background_busy,
    fresh_database,
    machine_busy,
    migrate,
    private_redis,
)
from tests.fakes.twilio_server import FakeTwilio

FROM_NUMBER = "+3197010000001"


def store_queued(db_url: str, messages: int, recipients: int) -> list[str]:
    """Conversations and queued outbound rows, written directly; the ids of the rows."""
    from channels.models import ChannelMessage, Conversation

    engine = create_engine(db_url.replace("postgresql://", "postgresql+psycopg://"))
    now = time.time()
    ids: list[str] = []
    with engine.begin() as conn:
        conversation_ids = []
        for r in range(recipients):
            conversation_ids.append(
                conn.scalar(
                    insert(Conversation)
                    .values(
                        uuid=uuid.uuid4(),
                        channel="sms",
                        address=f"+316{20000000 + r:08d}",
                        status="pending",
                        priority="normal",
                        subject="SMS-gesprek",
                        language="nl",
                        message_count=0,
                    )
                    .returning(Conversation.id)
                )
            )
        rows = []
        for i in range(messages):
            r = i % recipients
            message_id = uuid.uuid4()
            ids.append(str(message_id))
            rows.append(
                {
                    "uuid": message_id,
                    "conversation_id": conversation_ids[r],
                    "channel": "sms",
                    "direction": "outbound",
                    "body": f"Uw afspraak is bevestigd (bericht {i}, {now:.0f}).",
                    "sender": FROM_NUMBER,
                    "recipient": f"+316{20000000 + r:08d}",
                    "status": "queued",
                    "media": [],
                    "details": {},
                    "attempts": 0,
                }
            )
        conn.execute(insert(ChannelMessage), rows)
    engine.dispose()
    return ids


def queue_jobs(env: dict[str, str], ids: list[str]) -> None:
    """One send job per row, queued the way the app queues them after commit."""
    import os

    os.environ.update(env)
    from channels.outbound.delivery import DELIVER_JOB
    from kcc import jobs
    from kcc.app import create_app

    app = create_app()
    with app.app_context():
        for message_id in ids:
            jobs.enqueue(DELIVER_JOB, message_id, job_id=f"send-{message_id}")


def deliver_in_process(env: dict[str, str], ids: list[str]) -> tuple[float, float]:
    """The send job called directly, one row after another: wall and CPU seconds of this thread.

    ``time.thread_time`` leaves out the fake server's threads, which run in this process.
    """
    import os

    os.environ.update(env)
    from channels.outbound.delivery import deliver
    from kcc.app import create_app

    app = create_app()
    with app.app_context():
        deliver(ids[0])  # first use: imports and the SDK client
        started, cpu = time.perf_counter(), time.thread_time()
        for message_id in ids[1:]:
            assert deliver(message_id) == "sent"
        return time.perf_counter() - started, time.thread_time() - cpu


def run_burst_worker(env: dict[str, str], profile: Path | None = None) -> tuple[float, float]:
    """One ``kcc worker --burst`` until the queue is empty: its wall and CPU seconds.

    With ``profile`` it runs under ``py-spy record --gil`` (raw samples to that file).
    """
    command = [str(VENV / "kcc"), "worker", "--burst"]
    if profile is not None:
        command = pyspy_summary.record_command(profile, 200, command, gil=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(
        command,
        env=env,
        cwd=SOURCE,
        check=True,
        timeout=3600,
        capture_output=True,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def check_rows(db_url: str) -> dict[str, int]:
    engine = create_engine(db_url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT count(*), count(provider_sid), count(DISTINCT provider_sid),"
                " max(attempts)"
                " FROM channel_messages WHERE direction = 'outbound'"
            )
        ).one()
    engine.dispose()
    return dict(zip(("rows", "handed_over", "distinct_sids", "max_attempts"), row, strict=True))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--recipients", type=int, default=100)
    parser.add_argument(
        "--py-spy", action="store_true", help="profile the worker (bench/data/outbound.raw)"
    )
    parser.add_argument(
        "--in-process",
        action="store_true",
        help="call the send job in this process instead (no rq): CPU per message of the job",
    )
    args = parser.parse_args()
    fake = FakeTwilio(account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN).start()
    result: dict[str, object] = {"messages": args.messages, "recipients": args.recipients}
    try:
        with (
            fresh_database("kcc_bench_channels_out") as db_url,
            private_redis() as (redis_url, _redis_pid),
        ):
            env = app_env(
                db_url, redis_url, KCC_ENV="production", TWILIO_API_BASE_URL=fake.base_url
            )
            migrate(env)
            ids = store_queued(db_url, args.messages, args.recipients)
            if args.in_process:
                wall, cpu = deliver_in_process(env, ids)
                count = len(ids) - 1
                print(
                    f"send job in process: {count / wall:.1f} messages/s,"
                    f" {wall * 1000 / count:.2f} ms wall and {cpu * 1000 / count:.2f} ms CPU"
                    " per message (this thread)"
                )
                print(f"rows: {check_rows(db_url)}")
                return
            _, startup_cpu = run_burst_worker(env)  # empty queue: start-up and shutdown only
            queue_jobs(env, ids)
            result["background_busy"] = background_busy()
            busy_before, total_before = machine_busy()
            own_before = time.process_time()
            profile = ROOT / "bench" / "data" / "outbound.raw" if args.py_spy else None
            if profile is not None:
                profile.parent.mkdir(parents=True, exist_ok=True)
            wall, cpu = run_burst_worker(env, profile)
            own = time.process_time() - own_before
            busy_after, total_after = machine_busy()
            result.update(check_rows(db_url))
    finally:
        fake.stop()
    sent = fake.sent()
    first, last = min(m.date_created for m in sent), max(m.date_created for m in sent)
    span = (last - first).total_seconds()
    result.update(
        accepted_by_fake=len(sent),
        distinct_bodies=len({m.body for m in sent}),
        messages_per_second=round((len(sent) - 1) / span, 1) if span > 0 else None,
        worker_wall_seconds=round(wall, 2),
        worker_startup_cpu_seconds=round(startup_cpu, 2),
        worker_cpu_ms_per_message=round((cpu - startup_cpu) * 1000 / max(1, len(sent)), 2),
        fake_twilio_cpu_ms_per_message=round(own * 1000 / max(1, len(sent)), 2),
        machine_busy=round((busy_after - busy_before) / max(1, total_after - total_before), 3),
    )
    print(
        f"{result['accepted_by_fake']} messages accepted by the fake Twilio"
        f" ({result['distinct_bodies']} distinct bodies), rows handed to Twilio"
        f" {result['handed_over']} of {result['rows']}, distinct provider ids {result['distinct_sids']}"
    )
    print(
        f"throughput: {result['messages_per_second']} messages/s through one rq worker"
        f" (worker ran {result['worker_wall_seconds']} s incl. start-up)"
    )
    print(
        f"CPU ms per message: worker {result['worker_cpu_ms_per_message']}"
        f" (start-up {result['worker_startup_cpu_seconds']} s subtracted),"
        f" fake Twilio {result['fake_twilio_cpu_ms_per_message']};"
        f" machine busy {result['machine_busy']:.0%} (without us {result['background_busy']:.0%})"
    )
    print("RESULT " + json.dumps(result))


if __name__ == "__main__":
    main()
