"""Profile W1 (record a contact moment) in one process and say where the CPU time goes.

Drives the production app (PostgreSQL + Redis, as load.py runs it) with Flask's test client
in a loop under ``py-spy record`` (on-CPU samples only), then attributes every sample to a
phase of the request and to the library it was spent in.

    .venv/bin/python bench/core/profile_w1.py --requests 2000
    .venv/bin/python bench/core/profile_w1.py --database-url postgresql://postgres@127.0.0.1/kcc_b \\
        --redis redis://127.0.0.1:6379/14

The database and Redis come from the flags, else from ``KCC_BENCH_DATABASE_URL`` and
``KCC_BENCH_REDIS``, else ``kcc_bench`` on 127.0.0.1 and Redis database 15.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "bench" / "data"
sys.path.insert(0, str(ROOT / "bench" / "core"))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, os.environ.get("KCC_BENCH_SOURCE") or str(ROOT))

import pyspy_summary  # noqa: E402
from generate import BENCH_DATA_KEY, BENCH_SECRET_KEY  # noqa: E402

# (phase, frame marker): the first marker found walking from the leaf to the root wins.
PHASES = [
    ("auth: token lookup", "authenticate_token"),
    ("auth: trace/context", "authorize ("),
    ("service: party lookup", "_party_keys"),
    ("service: agent lookup", "_agent_key"),
    ("service: outbox record", "record (outbox.py"),
    ("service: processing log", "log_processing"),
    ("service: ORM flush (inserts)", "record_contact"),
    ("request body: parse + validate", "webargs"),
    ("response: serialise", "ResponseMixin.response"),
    ("commit + after-commit (enqueue)", "dispatch_request (kcc/app.py"),
    ("session teardown", "_teardown"),
]
LIBRARIES = [
    "sqlalchemy",
    "psycopg",
    "marshmallow",
    "flask_smorest",
    "webargs",
    "werkzeug",
    "flask",
    "cryptography",
    "redis",
    "rq",
    "json",
    "uuid",
    "kcc",
]


def drive(requests: int, database_url: str, redis_url: str) -> None:
    os.environ.update(
        KCC_ENV="production",
        KCC_DATABASE_URL=database_url,
        KCC_REDIS_URL=redis_url,
        KCC_SECRET_KEY=BENCH_SECRET_KEY,
        KCC_DATA_KEY=BENCH_DATA_KEY,
        KCC_PUBLIC_BASE_URL="http://127.0.0.1:8765",
    )
    from wsgi import app

    client = app.test_client()
    headers = {"Authorization": "Bearer " + (DATA / "tokens.txt").read_text().split()[0]}
    parties = (DATA / "parties.txt").read_text().split()
    text = "Inwoner belt over de status van de aanvraag; uitgelegd wat de vervolgstappen zijn."

    def one() -> None:
        body = {
            "channel": "phone",
            "direction": "inbound",
            "subject": "Paspoort aanvragen",
            "text": text,
            "outcome": "answered",
            "parties": [{"party_id": random.choice(parties), "role": "resident"}],
        }
        response = client.post("/api/v1/contact-moments", headers=headers, json=body)
        assert response.status_code == 201, response.data

    for _ in range(100):
        one()
    started, cpu = time.perf_counter(), time.process_time()
    for _ in range(requests):
        one()
    wall = (time.perf_counter() - started) / requests * 1000
    cpu = (time.process_time() - cpu) / requests * 1000
    print(
        f"W1 single process: {wall:.2f} ms wall, {cpu:.2f} ms CPU"
        " per request (incl. test-client overhead)",
        flush=True,
    )


def summarise(raw: Path) -> None:
    pyspy_summary.summarise(
        raw, lambda stack: "drive (" in stack and "<module>" in stack, PHASES, LIBRARIES
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "KCC_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1/kcc_bench"
        ),
    )
    parser.add_argument(
        "--redis", default=os.environ.get("KCC_BENCH_REDIS", "redis://127.0.0.1:6379/15")
    )
    parser.add_argument("--drive", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.drive:
        drive(args.requests, args.database_url, args.redis)
        return
    raw = DATA / "w1-profile.raw"
    command = [sys.executable, __file__, "--drive", "--requests", str(args.requests)]
    command += ["--database-url", args.database_url, "--redis", args.redis]
    subprocess.run(
        pyspy_summary.record_command(raw, 500, command),
        check=True,
        timeout=600,
    )
    summarise(raw)


if __name__ == "__main__":
    main()
