"""CPU time per request of the core workloads, in one process, without HTTP or a load tool.

Calls the production WSGI app directly (PostgreSQL ``kcc_bench``, Redis db 15, as load.py runs
it) with prepared WSGI environs, and prints the process CPU time and the wall time per
request. CPU time per request hardly depends on what else the machine is doing, so it is the
figure to compare between commits on a shared machine; PostgreSQL's own CPU is not included.

    .venv/bin/python bench/core/cpu.py --requests 2000 W1 W2 W3-bsn W3-phone
    .venv/bin/python bench/core/cpu.py --profile W1     # py-spy, top functions by own time
    .venv/bin/python bench/core/cpu.py --statements W1  # the SQL of one request, round trips
    .venv/bin/python bench/core/cpu.py --by-package W3-bsn F-w3  # cProfile, by package; a floor
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "bench" / "data"
sys.path.insert(0, str(ROOT / "bench" / "core"))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, os.environ.get("KCC_BENCH_SOURCE") or str(ROOT))

import pyspy_summary  # noqa: E402
from generate import BENCH_DATA_KEY, BENCH_SECRET_KEY  # noqa: E402

TEXT = (
    "Inwoner belt over de status van de aanvraag; uitgelegd wat de vervolgstappen zijn "
    "en wanneer een besluit te verwachten is."
)
SUBJECTS = ["Vraag over afvalinzameling", "Paspoort aanvragen", "Parkeervergunning", "Bezwaar WOZ"]


def _environ(method: str, path: str, token: str, body: bytes | None = None) -> dict[str, Any]:
    path, _, query = path.partition("?")
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8765",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1:8765",
        "HTTP_AUTHORIZATION": f"Bearer {token}",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    if body is not None:
        environ["CONTENT_TYPE"] = "application/json"
        environ["CONTENT_LENGTH"] = str(len(body))
    environ["wsgi.input"] = io.BytesIO(body or b"")
    return environ


def workloads(token: str) -> dict[str, Callable[[], dict[str, Any]]]:
    parties = (DATA / "parties.txt").read_text().split()
    heavy = (DATA / "heavy_parties.txt").read_text().split()
    bsns = (DATA / "bsns.txt").read_text().split()
    phones = (DATA / "phones.txt").read_text().split()

    def w1() -> dict[str, Any]:
        body = json.dumps(
            {
                "channel": "phone",
                "direction": "inbound",
                "subject": random.choice(SUBJECTS),
                "text": TEXT,
                "outcome": "answered",
                "parties": [{"party_id": random.choice(parties), "role": "resident"}],
            }
        ).encode()
        return _environ("POST", "/api/v1/contact-moments", token, body)

    return {
        # The floors of W3 (bench/core/floor_wsgi.py), served by the floor's own Flask app.
        "F-w3": lambda: _environ("GET", f"/floor/w3?bsn={random.choice(bsns)}", token),
        "F-w3-phone": lambda: _environ(
            "GET", f"/floor/w3-phone?phone={random.choice(phones)}", token
        ),
        "W1": w1,
        "W2": lambda: _environ("GET", f"/api/v1/parties/{random.choice(heavy)}/view", token),
        "W2-light": lambda: _environ(
            "GET", f"/api/v1/parties/{random.choice(parties)}/view", token
        ),
        "W3-bsn": lambda: _environ("GET", f"/api/v1/parties?bsn={random.choice(bsns)}", token),
        "W3-phone": lambda: _environ(
            "GET", f"/api/v1/parties?phone={random.choice(phones)}", token
        ),
    }


def backend_cpu(database: str) -> dict[int, int]:
    """CPU clock ticks so far of each PostgreSQL backend serving ``database`` (on this machine:
    the server's share of each request, which the process time leaves out)."""
    ticks: dict[int, int] = {}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            title = (proc / "cmdline").read_bytes().split(b"\0")[0].decode(errors="replace")
            if not title.startswith("postgres: ") or f" {database} " not in title:
                continue
            fields = (proc / "stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        ticks[int(proc.name)] = int(fields[11]) + int(fields[12])  # utime, stime
    return ticks


def backend_cpu_since(database: str, before: dict[int, int]) -> float:
    """Seconds of CPU the backends spent since ``before`` (a backend that ended is lost)."""
    now = backend_cpu(database)
    spent = sum(ticks - before.get(pid, 0) for pid, ticks in now.items())
    return spent / os.sysconf("SC_CLK_TCK")


def _profiled(
    app: Any, make: Callable[[], dict[str, Any]], respond: Any, requests: int
) -> pstats.Stats:
    """``requests`` requests of a workload under cProfile (the environs made beforehand)."""
    environs = [make() for _ in range(requests)]
    profiler = cProfile.Profile()
    profiler.enable()
    for environ in environs:
        b"".join(app.wsgi_app(environ, respond))
    profiler.disable()
    return pstats.Stats(profiler)


def count_calls(app: Any, make: Callable[[], dict[str, Any]], respond: Any, requests: int) -> float:
    """Python function calls per request under cProfile: steadier than CPU time on a busy
    machine, though it weighs a C call like a Python one."""
    stats = _profiled(app, make, respond, requests)
    return stats.total_calls / requests  # type: ignore[attr-defined,no-any-return]


def by_package(name: str, app: Any, make: Callable[[], dict[str, Any]], respond: Any) -> None:
    """Python calls and own time per request under cProfile, by package (site-packages by
    distribution, this repository by package, the standard library and builtins apart), then
    the functions with the most own time. Time spent waiting for PostgreSQL (psycopg's
    ``wait``) is left out: it is the round trip, not Python. cProfile slows each call down, so
    compare the shares and the calls, not the times with an unprofiled run."""
    requests = 1000
    stats: dict[Any, Any] = _profiled(app, make, respond, requests).stats  # type: ignore[attr-defined]
    own: dict[str, float] = {}
    calls: dict[str, float] = {}
    functions: list[tuple[float, float, str]] = []
    for (path, line, function), (_, count, own_time, _, _) in stats.items():
        if function == "wait" and "psycopg" in path:
            continue
        if "site-packages/" in path:
            package = path.split("site-packages/")[1].split("/")[0]
        elif path == "~":
            package = "(builtins)"
        elif "/lib/python3" in path:
            package = "(standard library)"
        else:
            package = _local_package(path)
        own[package] = own.get(package, 0.0) + own_time
        calls[package] = calls.get(package, 0.0) + count
        where = path.split("site-packages/")[-1].removeprefix(f"{ROOT}/")
        functions.append((own_time, count, f"{where}:{line} {function}"))
    total = sum(own.values())
    print(f"{name}: {sum(calls.values()) / requests:.0f} calls/request, by package:")
    for package, spent in sorted(own.items(), key=lambda kv: -kv[1])[:20]:
        print(f"  {spent / total:6.1%}  {calls[package] / requests:7.1f} calls  {package}")
    print("  most own time:")
    for spent, count, where in sorted(functions, reverse=True)[:20]:
        print(f"  {spent / total:6.1%}  {count / requests:7.1f} calls  {where}")


def _local_package(path: str) -> str:
    """``kcc/parties`` for a module of this repository's packages."""
    parts = Path(path).parts
    for top in ("kcc", "channels", "journeys", "klantinteracties", "bench"):
        if top in parts:
            index = parts.index(top)
            return "/".join(parts[index : index + 2]).removesuffix(".py")
    return Path(path).name


def run(names: list[str], requests: int, statements: bool = False, packages: bool = False) -> None:
    os.environ.update(
        KCC_ENV="production",
        KCC_DATABASE_URL=os.environ.get(
            "KCC_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1/kcc_bench"
        ),
        KCC_REDIS_URL=os.environ.get("KCC_BENCH_REDIS", "redis://127.0.0.1:6379/15"),
        KCC_SECRET_KEY=BENCH_SECRET_KEY,
        KCC_DATA_KEY=BENCH_DATA_KEY,
        KCC_PUBLIC_BASE_URL="http://127.0.0.1:8765",
    )

    token = (DATA / "tokens.txt").read_text().split()[0]
    makers = workloads(token)
    statuses: list[str] = []

    def start_response(status: str, _headers: Any, _exc: Any = None) -> None:
        statuses.append(status)

    for name in names:
        make = makers[name]
        if name.startswith("F-"):
            import floor_wsgi

            app = floor_wsgi.app
        else:
            from wsgi import app
        for _ in range(min(200, requests)):  # warm-up: caches, pool, compiled statements
            b"".join(app.wsgi_app(make(), start_response))
        if statements:
            print_statements(name, app, make, start_response)
            continue
        if packages:
            by_package(name, app, make, start_response)
            continue
        cpu_samples = []
        wall_samples = []
        statuses.clear()
        database = os.environ["KCC_DATABASE_URL"].rpartition("/")[2]
        server_before = backend_cpu(database)
        for _ in range(requests):
            environ = make()
            c0, w0 = time.process_time(), time.perf_counter()
            b"".join(app.wsgi_app(environ, start_response))
            cpu_samples.append(time.process_time() - c0)
            wall_samples.append(time.perf_counter() - w0)
        bad = [s for s in statuses if not s.startswith("2")]
        if bad:
            raise SystemExit(f"{name}: {len(bad)} non-2xx responses, first {bad[0]}")
        server_ms = backend_cpu_since(database, server_before) / requests * 1000
        calls = count_calls(app, make, start_response, min(200, requests))
        cpu_ms = sum(cpu_samples) / requests * 1000
        wall_ms = statistics.median(wall_samples) * 1000
        print(
            f"{name}: {cpu_ms:.3f} ms CPU/request (mean of {requests}), "
            f"{server_ms:.3f} ms PostgreSQL backend CPU/request, "
            f"{calls:.0f} Python calls/request (cProfile), "
            f"{wall_ms:.3f} ms wall (median)",
            flush=True,
        )


def print_statements(name: str, app: Any, make: Callable[[], dict[str, Any]], respond: Any) -> None:
    """The statements one request sends to the database, each a round trip, in order.

    BEGIN is implicit in psycopg (sent with the first statement); COMMIT and ROLLBACK are
    round trips of their own and are counted through the engine's transaction events.
    """
    from sqlalchemy import event

    from kcc.db import db

    engine = db.engine
    seen: list[str] = []

    def on_execute(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(" ".join(statement.split())[:160])

    def on_commit(_conn: Any) -> None:
        seen.append("COMMIT")

    def on_rollback(_conn: Any) -> None:
        seen.append("ROLLBACK")

    event.listen(engine, "before_cursor_execute", on_execute)
    event.listen(engine, "commit", on_commit)
    event.listen(engine, "rollback", on_rollback)
    try:
        b"".join(app.wsgi_app(make(), respond))
    finally:
        event.remove(engine, "before_cursor_execute", on_execute)
        event.remove(engine, "commit", on_commit)
        event.remove(engine, "rollback", on_rollback)
    print(f"{name}: {len(seen)} round trips")
    for statement in seen:
        print(f"    {statement}")


def profile(name: str, requests: int) -> None:
    raw = DATA / f"cpu-{name}.raw"
    subprocess.run(
        pyspy_summary.record_command(
            raw, 1000, [sys.executable, __file__, "--requests", str(requests), name]
        ),
        check=True,
        timeout=900,
    )
    own: dict[str, int] = {}
    inclusive: dict[str, int] = {}
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if "wsgi_app (" not in stack or "run (" not in stack:
            continue
        n = int(count)
        total += n
        frames = stack.split(";")
        own[frames[-1]] = own.get(frames[-1], 0) + n
        for frame in set(frames):
            inclusive[frame] = inclusive.get(frame, 0) + n
    print(f"\n{total} samples in requests\n\nOwn time (top 40):")
    for frame, n in sorted(own.items(), key=lambda kv: -kv[1])[:40]:
        print(f"{n / total:6.1%}  {frame}")
    print("\nInclusive, kcc frames (top 40):")
    kcc = {f: n for f, n in inclusive.items() if "kcc/" in f or "channels/" in f}
    for frame, n in sorted(kcc.items(), key=lambda kv: -kv[1])[:40]:
        print(f"{n / total:6.1%}  {frame}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument(
        "--statements", action="store_true", help="List the SQL of one request per workload."
    )
    parser.add_argument(
        "--by-package",
        action="store_true",
        help="cProfile: Python calls and own time per request by package, and the top functions.",
    )
    parser.add_argument("names", nargs="*", default=["W1", "W2", "W3-bsn", "W3-phone"])
    args = parser.parse_args()
    if args.profile:
        for name in args.names:
            profile(name, args.requests)
    else:
        run(args.names, args.requests, args.statements, args.by_package)


if __name__ == "__main__":
    main()
