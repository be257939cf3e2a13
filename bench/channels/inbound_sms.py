"""Benchmark: signed inbound SMS webhooks against gunicorn on PostgreSQL, every message twice.

Open-loop load (requests start on schedule, latency counted from the scheduled time, so a slow
server cannot hide its queueing). Bounded: stops after --seconds. Only 127.0.0.1.

    .venv/bin/python bench/channels/inbound_sms.py --rate 200 --seconds 30 --workers 4
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import statistics
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from twilio.request_validator import RequestValidator

from bench.channels.common import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    PUBLIC,
    ROOT,
    VENV,
    app_env,
    free_port,
    fresh_database,
    migrate,
    private_redis,
)

PATH = "/channels/twilio/sms"


def build_requests(count: int) -> list[tuple[dict[str, str], str]]:
    validator = RequestValidator(AUTH_TOKEN)
    out = []
    for i in range(count):
        form = {
            "MessageSid": "SM" + secrets.token_hex(16),
            "AccountSid": ACCOUNT_SID,
            "From": f"+316{10000000 + i % 5000:08d}",
            "To": "+3197010000001",
            "Body": f"Bench bericht {i}",
            "NumMedia": "0",
        }
        out.append((form, validator.compute_signature(PUBLIC + PATH, form)))
    return out


async def run_load(base: str, rate: int, seconds: int) -> tuple[list[float], int, int]:
    unique = rate * seconds // 2
    prepared = build_requests(unique)
    schedule = [item for item in prepared for _ in range(2)]  # every message delivered twice
    latencies: list[float] = []
    errors = 0
    connector = aiohttp.TCPConnector(limit=200)
    async with aiohttp.ClientSession(
        connector=connector, timeout=aiohttp.ClientTimeout(total=10)
    ) as session:
        start = time.perf_counter() + 0.5

        async def one(i: int, form: dict[str, str], signature: str) -> None:
            nonlocal errors
            due = start + i / rate
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            try:
                async with session.post(
                    base + PATH, data=form, headers={"X-Twilio-Signature": signature}
                ) as r:
                    await r.read()
                    if r.status != 200:
                        errors += 1
            except Exception:
                errors += 1
            latencies.append(time.perf_counter() - due)

        await asyncio.gather(*(one(i, form, sig) for i, (form, sig) in enumerate(schedule)))
    return latencies, errors, unique


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rate", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    with fresh_database("kcc_bench_channels") as db_url, private_redis() as redis_url:
        env = app_env(db_url, redis_url)
        migrate(env)
        port = free_port()
        server = subprocess.Popen(
            [
                str(VENV / "gunicorn"),
                "-c",
                "/dev/null",
                "-w",
                str(args.workers),
                "-b",
                f"127.0.0.1:{port}",
                "--timeout",
                "30",
                "kcc.app:create_app()",
            ],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(100):
                try:
                    import urllib.request

                    urllib.request.urlopen(base + "/api/v1/health", timeout=1)
                    break
                except Exception:
                    time.sleep(0.2)
            asyncio.run(run_load(base, 20, 2))  # warm-up (its messages are counted too)
            latencies, errors, unique = asyncio.run(run_load(base, args.rate, args.seconds))
        finally:
            server.terminate()
            server.wait(timeout=30)
        engine = create_engine(db_url.replace("postgresql://", "postgresql+psycopg://"))
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT count(*), count(DISTINCT provider_sid) FROM channel_messages")
            ).one()
        engine.dispose()
    total, distinct = rows
    expected = unique + 20
    print(
        f"requests: {len(latencies)} at {args.rate}/s for {args.seconds}s, gunicorn -w {args.workers}"
    )
    print(f"errors: {errors}")
    print(
        f"latency ms: p50 {percentile(latencies, 50) * 1000:.1f}  p95 {percentile(latencies, 95) * 1000:.1f}  p99 {percentile(latencies, 99) * 1000:.1f}  max {max(latencies) * 1000:.1f}  mean {statistics.mean(latencies) * 1000:.1f}"
    )
    print(
        f"stored messages: {total} (distinct MessageSid {distinct}, expected {expected}); duplicates: {total - distinct}"
    )


if __name__ == "__main__":
    main()
