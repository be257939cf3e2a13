"""Benchmark: signed inbound SMS webhooks against gunicorn on PostgreSQL, every message twice.

Open-loop load (requests start on schedule, latency counted from the scheduled time, so a slow
server cannot hide its queueing). Bounded: stops after --seconds. Only 127.0.0.1. No rq worker
runs during the load (the webhook's work ends at the enqueue); with ``--drain`` one ``kcc
worker --burst`` threads every stored message afterwards and the script checks that each
became exactly one conversation message.

    .venv/bin/python bench/channels/inbound_sms.py --rate 200 --seconds 30 --workers 4
    .venv/bin/python bench/channels/inbound_sms.py --rate 200 --seconds 10 --drain
    .venv/bin/python bench/channels/inbound_sms.py --rate 200 --seconds 40 --redis-outage 10

With ``--redis-outage N`` a ``kcc worker`` runs during the load and the benchmark's own Redis
is stopped for N seconds in the middle of it (it comes back empty). Afterwards the script
waits until every stored message is threaded and reports what was lost or duplicated and
the p99 of the requests scheduled during the outage.

Besides latency it reports the CPU milliseconds per request of the gunicorn workers, of the
PostgreSQL backends and of Redis, and how busy the machine was without us (others share it).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import statistics
import subprocess
import sys
import time
import urllib.request
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
    SOURCE,
    VENV,
    app_env,
    background_busy,
    children,
    cpu_seconds,
    free_port,
    fresh_database,
    machine_busy,
    migrate,
    postgres_backends,
    redis_server,
)
from bench.channels.outage import RedisOutage, settle, start_worker, wait_until_working

PATH = "/channels/twilio/sms"
Prepared = list[tuple[dict[str, str], str]]


def build_requests(count: int, senders: int = 5000) -> Prepared:
    """``count`` distinct signed inbound messages from up to ``senders`` phone numbers."""
    validator = RequestValidator(AUTH_TOKEN)
    out = []
    for i in range(count):
        form = {
            "MessageSid": "SM" + secrets.token_hex(16),
            "AccountSid": ACCOUNT_SID,
            "From": f"+316{10000000 + i % senders:08d}",
            "To": "+3197010000001",
            "Body": f"Bench bericht {i}",
            "NumMedia": "0",
        }
        out.append((form, validator.compute_signature(PUBLIC + PATH, form)))
    return out


async def run_load(
    base: str,
    rate: int,
    prepared: Prepared,
    started: list[float] | None = None,
    acked: set[str] | None = None,
) -> tuple[list[float], int]:
    """Send every prepared message twice, ``rate`` requests per second; latencies and errors.

    The latencies are in the order the requests were scheduled; ``started`` receives the
    clock time the schedule counts from, ``acked`` the MessageSids answered 200.
    """
    schedule = [item for item in prepared for _ in range(2)]  # every message delivered twice
    latencies: list[float] = [0.0] * len(schedule)
    errors = 0
    connector = aiohttp.TCPConnector(limit=200)
    async with aiohttp.ClientSession(
        connector=connector, timeout=aiohttp.ClientTimeout(total=10)
    ) as session:
        start = time.perf_counter() + 0.5
        if started is not None:
            started.append(start)

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
                    elif acked is not None:
                        acked.add(form["MessageSid"])
            except Exception:
                errors += 1
            latencies[i] = time.perf_counter() - due

        await asyncio.gather(*(one(i, form, sig) for i, (form, sig) in enumerate(schedule)))
    return latencies, errors


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def start_gunicorn(env: dict[str, str], port: int, args: argparse.Namespace) -> subprocess.Popen:
    command = [
        str(VENV / "gunicorn"),
        "-c",
        "/dev/null",
        "-w",
        str(args.workers),
        "-k",
        args.worker_class,
        "-b",
        f"127.0.0.1:{port}",
        "--timeout",
        "30",
        "kcc.app:create_app()",
    ]
    if args.worker_class == "gthread":
        command[5:5] = ["--threads", str(args.threads)]
    # Its log goes to a file: an unread pipe fills up and then blocks every worker's write.
    log_path = ROOT / "bench" / "data" / "inbound_sms_gunicorn.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("wb") as log_file:
        server = subprocess.Popen(
            command, env=env, cwd=SOURCE, stdout=subprocess.DEVNULL, stderr=log_file
        )
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            urllib.request.urlopen(base + "/api/v1/health", timeout=1)
            return server
        except Exception:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not answer /api/v1/health")


def count_rows(db_url: str) -> dict[str, int]:
    engine = create_engine(db_url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT count(*), count(DISTINCT provider_sid),"
                " count(*) FILTER (WHERE conversation_id IS NULL),"
                " (SELECT count(*) FROM conversations),"
                " (SELECT coalesce(sum(message_count), 0) FROM conversations)"
                " FROM channel_messages WHERE direction = 'inbound'"
            )
        ).one()
    engine.dispose()
    return dict(
        zip(("stored", "distinct", "unthreaded", "conversations", "threaded"), row, strict=True)
    )


def missing(db_url: str, acked: set[str]) -> dict[str, int]:
    """Of the messages answered 200: how many are not stored, and how many not threaded."""
    engine = create_engine(db_url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT provider_sid, conversation_id IS NOT NULL FROM channel_messages"
                " WHERE direction = 'inbound'"
            )
        ).all()
    engine.dispose()
    threaded = {sid for sid, done in rows if done}
    stored = {sid for sid, _ in rows}
    return {"not_stored": len(acked - stored), "not_threaded": len(acked & stored - threaded)}


def drain(env: dict[str, str]) -> float:
    """Thread every stored message with one ``kcc worker --burst``; its wall time in seconds."""
    started = time.perf_counter()
    subprocess.run(
        [str(VENV / "kcc"), "worker", "--burst"],
        env=env,
        cwd=SOURCE,
        check=True,
        timeout=1800,
        capture_output=True,
    )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=int, default=200, help="requests per second")
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--worker-class", default="sync", choices=["sync", "gthread"])
    parser.add_argument("--threads", type=int, default=2, help="threads per gthread worker")
    parser.add_argument("--senders", type=int, default=5000, help="distinct phone numbers")
    parser.add_argument("--drain", action="store_true", help="thread the messages afterwards")
    parser.add_argument(
        "--redis-outage",
        type=int,
        default=0,
        metavar="SECONDS",
        help="stop the benchmark's Redis this long in the middle of the load (a worker runs)",
    )
    parser.add_argument(
        "--settle-seconds", type=int, default=600, help="after an outage: wait for threading"
    )
    parser.add_argument(
        "--warmup-seconds",
        type=int,
        default=5,
        help="warm-up at half the rate first (each gunicorn worker compiles its statements)",
    )
    args = parser.parse_args()
    unique = args.rate * args.seconds // 2
    warmup = build_requests(max(1, args.rate // 2 * args.warmup_seconds // 2), args.senders)
    prepared = build_requests(unique, args.senders)
    result: dict[str, object] = {"rate": args.rate, "seconds": args.seconds}
    with (
        fresh_database("kcc_bench_channels") as db_url,
        redis_server() as redis,
    ):
        extra = {"KCC_SWEEP_GRACE_SECONDS": "5"} if args.redis_outage else {}
        env = app_env(db_url, redis.url, KCC_ENV="production", **extra)
        migrate(env)
        port = free_port()
        server = start_gunicorn(env, port, args)
        worker_log = ROOT / "bench" / "data" / "inbound_sms_worker.log"
        worker = start_worker(env, worker_log) if args.redis_outage else None
        if worker is not None:
            wait_until_working(redis.url, worker)
        outage = None
        started: list[float] = []
        try:
            base = f"http://127.0.0.1:{port}"
            acked: set[str] = set()
            asyncio.run(run_load(base, max(1, args.rate // 2), warmup, acked=acked))  # counted too
            result["background_busy"] = background_busy()
            workers = children(server.pid)
            backends = postgres_backends(db_url)
            redis_pid = redis.pids[-1]
            before = {pid: cpu_seconds(pid) for pid in [*workers, *backends, redis_pid]}
            busy_before, total_before = machine_busy()
            own_cpu = time.process_time()
            if args.redis_outage:
                outage = RedisOutage(
                    redis, 0.5 + (args.seconds - args.redis_outage) / 2, args.redis_outage
                )
                outage.start()
            latencies, errors = asyncio.run(run_load(base, args.rate, prepared, started, acked))
            own_cpu = time.process_time() - own_cpu
            busy_after, total_after = machine_busy()
            backends = sorted(set(backends) | set(postgres_backends(db_url)))
            after = {pid: cpu_seconds(pid) for pid in [*workers, *backends, *redis.pids]}
            if outage is not None:
                outage.thread.join()
                after.update(outage.cpu_at_stop)
                assert worker is not None
                result["settle_seconds"] = round(
                    settle(lambda: missing(db_url, acked), worker, args.settle_seconds), 1
                )
                result["acknowledged"] = len(acked)
                result["lost"] = sum(missing(db_url, acked).values())
                result["worker_alive"] = worker.poll() is None
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
            if worker is not None:
                worker.terminate()
                try:
                    worker.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    worker.kill()
                stderr = worker_log.read_text()
                result["worker_outage_lines"] = stderr.count("Redis unreachable")
                result["worker_quit_lines"] = stderr.count("quitting")
        requests = len(latencies)
        if outage is not None and outage.window is not None:
            first, last = outage.window
            during = [
                latency
                for i, latency in enumerate(latencies)
                if first <= started[0] + i / args.rate <= last
            ]
            result["outage_requests"] = len(during)
            result["outage_p99_ms"] = round(percentile(during, 99) * 1000, 1)
            result["outage_max_ms"] = round(max(during) * 1000, 1)

        def per_request(pids: list[int]) -> float:
            used = sum(after.get(p, 0.0) - before.get(p, 0.0) for p in pids)
            return round(used * 1000 / max(1, requests), 2)

        result.update(
            requests=requests,
            errors=errors,
            p50_ms=round(percentile(latencies, 50) * 1000, 1),
            p95_ms=round(percentile(latencies, 95) * 1000, 1),
            p99_ms=round(percentile(latencies, 99) * 1000, 1),
            max_ms=round(max(latencies) * 1000, 1),
            mean_ms=round(statistics.mean(latencies) * 1000, 1),
            p99_ms_per_5s=[
                round(percentile(latencies[i : i + 5 * args.rate], 99) * 1000, 1)
                for i in range(0, requests, 5 * args.rate)
            ],
            gunicorn_cpu_ms_per_request=per_request(workers),
            postgres_cpu_ms_per_request=per_request(backends),
            redis_cpu_ms_per_request=per_request(redis.pids),
            load_generator_cpu_ms_per_request=round(own_cpu * 1000 / max(1, requests), 2),
            machine_busy=round((busy_after - busy_before) / max(1, total_after - total_before), 3),
        )
        if args.drain:
            result["drain_seconds"] = round(drain(env), 1)
        result.update(count_rows(db_url))
    expected = unique + len(warmup)
    result["expected"] = expected
    result["duplicates"] = int(result["stored"]) - int(result["distinct"])  # type: ignore[call-overload]
    print(
        f"requests: {requests} at {args.rate}/s for {args.seconds}s, gunicorn -w {args.workers}"
        f" -k {args.worker_class}; machine busy {result['machine_busy']:.0%}"
        f" (without us {result['background_busy']:.0%})"
    )
    print(f"errors: {errors}")
    print(
        f"latency ms: p50 {result['p50_ms']}  p95 {result['p95_ms']}  p99 {result['p99_ms']}"
        f"  max {result['max_ms']}  mean {result['mean_ms']}"
    )
    print(f"p99 ms per 5 s of the run: {result['p99_ms_per_5s']}")
    print(
        f"CPU ms per request: gunicorn {result['gunicorn_cpu_ms_per_request']}"
        f"  postgres {result['postgres_cpu_ms_per_request']}"
        f"  redis {result['redis_cpu_ms_per_request']}"
        f"  load generator {result['load_generator_cpu_ms_per_request']}"
    )
    print(
        f"stored messages: {result['stored']} (distinct MessageSid {result['distinct']},"
        f" expected {expected}); duplicates: {result['duplicates']}"
    )
    if args.redis_outage:
        print(
            f"Redis stopped for {args.redis_outage} s mid-run: {result.get('outage_requests')}"
            f" requests scheduled during it, p99 {result.get('outage_p99_ms')} ms,"
            f" max {result.get('outage_max_ms')} ms"
        )
        print(
            f"worker alive after the outage: {result['worker_alive']}; outage logged"
            f" {result['worker_outage_lines']} time(s); of {result['acknowledged']} messages"
            f" answered 200, lost (not stored or not threaded after {result['settle_seconds']} s):"
            f" {result['lost']}; unthreaded {result['unthreaded']},"
            f" conversation messages {result['threaded']} of {result['stored']} stored"
        )
    if args.drain:
        print(
            f"after one kcc worker --burst ({result['drain_seconds']} s): unthreaded"
            f" {result['unthreaded']}, conversation messages {result['threaded']}"
            f" in {result['conversations']} conversations"
        )
    print("RESULT " + json.dumps(result))


if __name__ == "__main__":
    main()
