"""Shared set-up for the channel benchmarks: a fresh PostgreSQL database and a private Redis."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[2]
VENV = ROOT / ".venv" / "bin"
# The code under test: this checkout, or a snapshot (``git archive``) given in KCC_BENCH_SOURCE.
SOURCE = Path(os.environ.get("KCC_BENCH_SOURCE") or ROOT)
PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1/postgres"
AUTH_TOKEN = "bench-twilio-auth-token"
ACCOUNT_SID = "AC" + "0" * 32
PUBLIC = "http://kcc.bench"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def fresh_database(name: str) -> Iterator[str]:
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = f"postgresql://postgres@127.0.0.1/{name}"
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


class RedisServer:
    """A throw-away redis-server on a free port that can be stopped and started again.

    No persistence: a restart comes back empty, as a Redis that lost its memory would.
    """

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None
        self.pids: list[int] = []  # every process it ran as, for the CPU accounting

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                *("--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.pids.append(self.process.pid)
        for _ in range(100):
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@contextmanager
def private_redis() -> Iterator[tuple[str, int]]:
    """A throw-away redis-server on a free port: its URL and process id."""
    with redis_server() as server:
        assert server.process is not None
        yield server.url, server.process.pid


@contextmanager
def redis_server() -> Iterator[RedisServer]:
    server = RedisServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


def app_env(database_url: str, redis_url: str | None, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KCC_", "TWILIO_"))}
    env.update(
        KCC_DATABASE_URL=database_url,
        KCC_PUBLIC_BASE_URL=PUBLIC,
        KCC_DATA_KEY="bench-data-key-0123456789abcdef0123456789",
        KCC_SECRET_KEY="bench-secret-key-0123456789abcdef0123456789",
        TWILIO_ACCOUNT_SID=ACCOUNT_SID,
        TWILIO_AUTH_TOKEN=AUTH_TOKEN,
        TWILIO_FROM_NUMBER="+3197010000001",
        PYTHONPATH=str(SOURCE),
    )
    if redis_url:
        env["KCC_REDIS_URL"] = redis_url
    env.update(extra)
    return env


def migrate(env: dict[str, str]) -> None:
    subprocess.run(
        [str(VENV / "kcc"), "db", "upgrade"], env=env, cwd=SOURCE, check=True, capture_output=True
    )


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of one process so far (0 once it has gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def machine_busy() -> tuple[float, float]:
    """Busy and total jiffies of the whole machine (others share it)."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


def background_busy(seconds: float = 3.0) -> float:
    """The machine's busy share while we are idle."""
    busy_before, total_before = machine_busy()
    time.sleep(seconds)
    busy_after, total_after = machine_busy()
    return round((busy_after - busy_before) / max(1, total_after - total_before), 3)


def postgres_backends(database_url: str) -> list[int]:
    """Process ids of the PostgreSQL backends connected to the benchmark's database."""
    name = database_url.rsplit("/", 1)[1]
    engine = create_engine(PG_ADMIN)
    with engine.connect() as conn:
        pids = conn.execute(
            text("SELECT pid FROM pg_stat_activity WHERE datname = :name"), {"name": name}
        ).scalars()
        found = [int(pid) for pid in pids]
    engine.dispose()
    return found
