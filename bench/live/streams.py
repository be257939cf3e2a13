"""Benchmark: open console streams on one web process while signed SMS webhooks arrive.

Set-up: a fresh PostgreSQL database, a private Redis, one gunicorn process (gthread worker,
one thread per open stream plus room for requests), one ``kcc worker``. 200 residents with a
mobile number each; 200 streams (``GET /live/stream?topic=party:<id>``, an agent's token),
one per resident, as 200 agents each with one customer view open.

Phases, each bounded in time:

1. idle: the streams stay open with nothing happening for ``--idle`` seconds; the gunicorn
   process's CPU per stream and the processing-log rows written (must be 0) are measured;
2. load: ``--rate`` signed inbound SMS webhooks per second for ``--seconds`` seconds, from the
   200 residents in turn (open loop: each request starts on schedule). For every message
   the delay from the webhook's scheduled start to the event on its resident's stream (the
   real path: webhook, rq job that threads the message and records ``message.received``,
   publish after commit, Redis pub/sub, the web process's listener, the stream).

Only 127.0.0.1; the servers it starts are stopped at the end.

    .venv/bin/python bench/live/streams.py --streams 200 --rate 50 --seconds 60
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import secrets
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
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
    migrate,
    postgres_backends,
    redis_server,
)
from bench.channels.outage import start_worker

PATH = "/channels/twilio/sms"
DATA = ROOT / "bench" / "data"


def phone(i: int) -> str:
    return f"+316{20000000 + i:08d}"


def agent_token(env: dict[str, str]) -> str:
    out = subprocess.run(
        [
            str(VENV / "kcc"),
            "users",
            "create",
            f"bench-agent-{secrets.token_hex(3)}",
            "--role",
            "agent",
        ],
        env=env,
        cwd=SOURCE,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    found = re.search(r"API token \(shown once\): (\S+)", out)
    assert found, out
    return found.group(1)


def start_gunicorn(env: dict[str, str], port: int, args: argparse.Namespace) -> subprocess.Popen:
    command = [
        str(VENV / "gunicorn"),
        *("-c", "/dev/null", "-w", "1", "-k", "gthread", "--threads", str(args.threads)),
        *("-b", f"127.0.0.1:{port}", "--timeout", "30", "--keep-alive", "5"),
        "kcc.app:create_app()",
    ]
    log_path = DATA / "live_gunicorn.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("wb") as log_file:
        server = subprocess.Popen(
            command, env=env, cwd=SOURCE, stdout=subprocess.DEVNULL, stderr=log_file
        )
    for _ in range(150):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health", timeout=1)
            return server
        except Exception:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not answer /api/v1/health")


def stop(process: subprocess.Popen) -> None:
    """Wait for a terminated process; kill it past gunicorn's graceful timeout (open streams
    hold their threads until they end)."""
    try:
        process.wait(timeout=40)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def log_rows(db_url: str) -> int:
    engine = create_engine(db_url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as conn:
        count = conn.execute(text("SELECT count(*) FROM processing_log")).scalar_one()
    engine.dispose()
    return int(count)


@dataclass
class Stream:
    """One open stream: when each event on its resident's topic arrived."""

    party: str
    arrivals: list[float] = field(default_factory=list)
    delays: list[float] = field(default_factory=list)  # of bench.ping events (wall clock)
    heartbeats: int = 0
    opened: asyncio.Event = field(default_factory=asyncio.Event)


async def follow(session: aiohttp.ClientSession, base: str, token: str, stream: Stream) -> None:
    url = f"{base}/live/stream?topic=party:{stream.party}"
    headers = {"Authorization": f"Bearer {token}", "Accept": "text/event-stream"}
    async with session.get(url, headers=headers) as response:
        assert response.status == 200, await response.text()
        stream.opened.set()
        buffer = b""
        async for chunk in response.content.iter_any():
            now = time.perf_counter()
            buffer += chunk
            while b"\n\n" in buffer:
                block, buffer = buffer.split(b"\n\n", 1)
                if block.startswith(b"event: session"):
                    stream.heartbeats += 1
                elif b"message.received" in block:
                    stream.arrivals.append(now)
                elif b"bench.ping" in block:
                    data = json.loads(block.split(b"data: ", 1)[1])
                    stream.delays.append(time.time() - data["data"]["sent_at"])


async def create_parties(base: str, token: str, count: int) -> list[str]:
    headers = {"Authorization": f"Bearer {token}"}
    ids: list[str] = []
    async with aiohttp.ClientSession() as session:
        for i in range(count):
            body = {
                "type": "person",
                "given_names": "Bench",
                "surname": f"Bewoner {i}",
                "digital_addresses": [{"kind": "phone", "address": phone(i)}],
            }
            async with session.post(f"{base}/api/v1/parties", json=body, headers=headers) as r:
                assert r.status == 201, await r.text()
                ids.append((await r.json())["id"])
    return ids


async def send_load(base: str, count: int, rate: float, parties: int) -> list[tuple[int, float]]:
    """Signed webhooks on schedule; (resident index, scheduled start) per message."""
    validator = RequestValidator(AUTH_TOKEN)
    prepared = []
    for i in range(count):
        form = {
            "MessageSid": "SM" + secrets.token_hex(16),
            "AccountSid": ACCOUNT_SID,
            "From": phone(i % parties),
            "To": "+3197010000001",
            "Body": f"Bench bericht {i}",
            "NumMedia": "0",
        }
        prepared.append((i % parties, form, validator.compute_signature(PUBLIC + PATH, form)))
    sent: list[tuple[int, float]] = []
    errors = 0
    connector = aiohttp.TCPConnector(limit=64)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def one(form: dict[str, str], signature: str) -> None:
            nonlocal errors
            async with session.post(
                base + PATH, data=form, headers={"X-Twilio-Signature": signature}
            ) as r:
                await r.read()
                if r.status != 200:
                    errors += 1

        start = time.perf_counter() + 0.2
        tasks = []
        for n, (who, form, signature) in enumerate(prepared):
            due = start + n / rate
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            sent.append((who, due))
            tasks.append(asyncio.create_task(one(form, signature)))
        await asyncio.gather(*tasks)
    if errors:
        print(f"webhook errors: {errors}")
    return sent


async def publish_directly(args: argparse.Namespace, parties: list[str]) -> None:
    """``publisher.py`` in a process of its own: commits with notify() at the rate asked."""
    path = DATA / "live_parties.txt"
    path.write_text("\n".join(parties))
    process = await asyncio.create_subprocess_exec(
        str(VENV / "python"),
        str(ROOT / "bench" / "live" / "publisher.py"),
        *("--parties", str(path), "--rate", str(args.rate), "--seconds", str(args.seconds)),
        env=args.env,
        cwd=str(SOURCE),
    )
    await process.wait()


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def run(args: argparse.Namespace, base: str, db_url: str, gunicorn_pid: int) -> dict:
    token = args.token
    parties = await create_parties(base, token, args.streams)
    streams = [Stream(p) for p in parties]
    timeout = aiohttp.ClientTimeout(total=None, sock_read=None)
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        tasks = [asyncio.create_task(follow(session, base, token, s)) for s in streams]
        await asyncio.wait_for(asyncio.gather(*(s.opened.wait() for s in streams)), 60)
        await asyncio.sleep(2)

        # 1. idle
        rows_before = log_rows(db_url)
        pids = [gunicorn_pid, *children(gunicorn_pid)]
        cpu_before = sum(cpu_seconds(p) for p in pids)
        began = time.perf_counter()
        await asyncio.sleep(args.idle)
        idle_elapsed = time.perf_counter() - began
        idle_cpu = sum(cpu_seconds(p) for p in pids) - cpu_before
        idle_rows = log_rows(db_url) - rows_before
        heartbeats = sum(s.heartbeats for s in streams)

        # 2. load
        count = int(args.rate * args.seconds)
        cpu_before = sum(cpu_seconds(p) for p in pids)
        rows_before = log_rows(db_url)
        began = time.perf_counter()
        if args.source == "notify":
            sent: list[tuple[int, float]] = []
            await publish_directly(args, parties)
            received = lambda: sum(len(s.delays) for s in streams)  # noqa: E731
        else:
            sent = await send_load(base, count, args.rate, len(streams))
            received = lambda: sum(len(s.arrivals) for s in streams)  # noqa: E731
        deadline = time.perf_counter() + args.settle
        while time.perf_counter() < deadline and received() < count:
            await asyncio.sleep(0.2)
        load_elapsed = time.perf_counter() - began
        load_cpu = sum(cpu_seconds(p) for p in pids) - cpu_before
        load_rows = log_rows(db_url) - rows_before
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    delays: list[float] = []
    by_party: dict[int, list[float]] = {}
    for who, due in sent:
        by_party.setdefault(who, []).append(due)
    missing = 0
    if args.source == "notify":
        delays = [d for s in streams for d in s.delays]
        missing = count - len(delays)
    for i, stream in enumerate(streams):
        dues = by_party.get(i, [])
        missing += max(0, len(dues) - len(stream.arrivals))
        delays += [at - due for due, at in zip(dues, stream.arrivals, strict=False)]
    return {
        "source": args.source,
        "streams": len(streams),
        "idle_seconds": round(idle_elapsed, 1),
        "idle_cpu_ms_per_stream_per_s": round(1000 * idle_cpu / idle_elapsed / len(streams), 3),
        "idle_heartbeats": heartbeats,
        "idle_log_rows": idle_rows,
        "messages": count,
        "rate": args.rate,
        "delivered": len(delays),
        "missing": missing,
        "p50_ms": round(1000 * percentile(delays, 50), 1) if delays else None,
        "p95_ms": round(1000 * percentile(delays, 95), 1) if delays else None,
        "p99_ms": round(1000 * percentile(delays, 99), 1) if delays else None,
        "max_ms": round(1000 * max(delays), 1) if delays else None,
        "load_seconds": round(load_elapsed, 1),
        "gunicorn_cpu_ms_per_message": round(1000 * load_cpu / max(1, count), 2),
        "gunicorn_cpu_share_under_load": round(load_cpu / load_elapsed, 3),
        "load_log_rows": load_rows,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--streams", type=int, default=200)
    parser.add_argument("--rate", type=float, default=50.0)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--idle", type=float, default=30.0)
    parser.add_argument("--settle", type=float, default=30.0)
    parser.add_argument("--threads", type=int, default=256)
    parser.add_argument("--workers", type=int, default=1, help="kcc worker processes")
    parser.add_argument(
        "--source",
        choices=("webhook", "notify"),
        default="webhook",
        help="webhook: signed SMS webhooks; notify: commits with notify() from another process",
    )
    args = parser.parse_args()
    others = background_busy()
    print(f"others' load before: {others:.0%} of the machine", flush=True)
    with (
        fresh_database(f"kcc_bench_live_{secrets.token_hex(3)}") as db_url,
        redis_server() as redis,
    ):
        env = app_env(db_url, redis.url, KCC_ENV="production")
        migrate(env)
        args.token = agent_token(env)
        args.env = env
        port = free_port()
        workers = [start_worker(env, DATA / f"live_worker_{n}.log") for n in range(args.workers)]
        server = start_gunicorn(env, port, args)
        try:
            result = asyncio.run(run(args, f"http://127.0.0.1:{port}", db_url, server.pid))
            result["postgres_backends"] = len(postgres_backends(db_url))
            result["others_busy_before"] = others
        finally:
            for process in (server, *workers):
                process.terminate()
            for process in (server, *workers):
                stop(process)
    result["worker_class"] = f"gthread, 1 process, {args.threads} threads"
    result["rq_workers"] = args.workers
    print(json.dumps(result, indent=2))
    out = DATA / "live_result.json"
    out.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
