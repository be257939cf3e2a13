"""Profile the inbound SMS webhook in one process: wall and CPU milliseconds per request.

Drives ``POST /channels/twilio/sms`` (signed, every MessageSid twice, as the load benchmark
sends them) through Flask's test client against a fresh PostgreSQL database and a private
Redis, with no rq worker running, so it measures only what happens before the response.
With ``--py-spy`` the loop runs under ``py-spy record --gil`` (samples of the thread holding
the GIL, i.e. Python CPU time, not waits on PostgreSQL or Redis) and the samples are
attributed to phases of the request.

    .venv/bin/python bench/channels/profile_inbound.py --requests 2000
    .venv/bin/python bench/channels/profile_inbound.py --requests 2000 --py-spy
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench import pyspy_summary
from bench.channels.common import ROOT, app_env, fresh_database, migrate, private_redis

DATA = ROOT / "bench" / "data"
PATH = "/channels/twilio/sms"

# (phase, frame marker): the first marker found walking from the leaf to the root wins.
PHASES = [
    ("signature check", "verify_twilio_request"),
    ("form parse", "parse_twilio_form"),
    ("store: INSERT ... ON CONFLICT", "receive_sms"),
    ("after commit: rq enqueue", "_enqueue (channels/inbound/dispatch.py"),
    ("commit", "Database.commit"),
    ("session teardown", "_teardown"),
    ("request hooks (before_request)", "preprocess_request"),
    ("response hooks", "finalize_request"),
]
LIBRARIES = [
    "sqlalchemy",
    "psycopg",
    "werkzeug",
    "flask_limiter",
    "limits",
    "flask",
    "twilio",
    "redis",
    "rq",
    "json",
    "kcc",
    "channels",
]


def drive(requests: int) -> None:
    """The measured loop (runs in the child process that py-spy watches)."""
    from twilio.request_validator import RequestValidator

    from bench.channels.common import ACCOUNT_SID, AUTH_TOKEN, PUBLIC
    from bench.channels.inbound_sms import build_requests
    from kcc.app import create_app

    app = create_app()
    client = app.test_client()
    RequestValidator(AUTH_TOKEN)  # imported before timing

    def send(form: dict[str, str], signature: str) -> float:
        started = time.perf_counter()
        response = client.post(PATH, data=form, headers={"X-Twilio-Signature": signature})
        assert response.status_code == 200, response.data
        return time.perf_counter() - started

    for form, signature in build_requests(100):
        send(form, signature)
    prepared = build_requests(requests // 2)
    schedule = [item for item in prepared for _ in range(2)]
    assert all(form["AccountSid"] == ACCOUNT_SID for form, _ in prepared[:1]) and PUBLIC
    walls: list[float] = []
    cpu = time.process_time()
    started = time.perf_counter()
    for form, signature in schedule:
        walls.append(send(form, signature))
    total_wall = time.perf_counter() - started
    cpu_ms = (time.process_time() - cpu) / len(schedule) * 1000
    walls.sort()
    p99 = walls[min(len(walls) - 1, round(0.99 * (len(walls) - 1)))]
    print(
        f"inbound webhook, one process, {len(schedule)} requests (each MessageSid twice): "
        f"{total_wall / len(schedule) * 1000:.2f} ms wall per request "
        f"(median {statistics.median(walls) * 1000:.2f}, p99 {p99 * 1000:.2f}), "
        f"{cpu_ms:.2f} ms CPU per request in this process (incl. test client)",
        flush=True,
    )


def summarise(raw: Path) -> None:
    pyspy_summary.summarise(raw, lambda stack: "send (" in stack, PHASES, LIBRARIES)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--py-spy", action="store_true", help="sample the loop with py-spy")
    parser.add_argument("--no-redis", action="store_true", help="inline jobs (no Redis)")
    parser.add_argument("--drive", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.drive:
        drive(args.requests)
        return
    DATA.mkdir(parents=True, exist_ok=True)
    with (
        fresh_database("kcc_bench_channels_profile") as db_url,
        private_redis() as (redis_url, _redis_pid),
    ):
        env = app_env(db_url, None if args.no_redis else redis_url, KCC_ENV="production")
        migrate(env)
        command = [sys.executable, __file__, "--drive", "--requests", str(args.requests)]
        raw = DATA / "inbound-profile.raw"
        if args.py_spy:
            command = pyspy_summary.record_command(raw, 500, command, gil=True)
        subprocess.run(command, env=env, cwd=ROOT, check=True, timeout=900)
    if args.py_spy:
        summarise(raw)


if __name__ == "__main__":
    main()
