"""CPU time per render of the customer view page for heavy residents, and where it goes.

Drives ``GET /parties/{id}`` (or the API's ``/api/v1/parties/{id}/view`` for comparison)
through Flask's test client in one process against the core benchmark's PostgreSQL dataset,
with a bench agent's bearer token. Per request it takes the process's CPU time
(``time.process_time``: our Python work, not PostgreSQL's), the wall time and the number of
SQL statements; ``--profile`` adds a cProfile run and prints the cumulative CPU share of the
request's phases. CPU time is what the web side controls and is far less disturbed by other
work on a shared machine than wall-clock figures.

    .venv/bin/python bench/web/profile_page.py --database kcc_bench_web --requests 300
    .venv/bin/python bench/web/profile_page.py --database kcc_bench_web --api
    .venv/bin/python bench/web/profile_page.py --database kcc_bench_web --profile
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "bench" / "data"
# The code under test: a snapshot of another commit (KCC_BENCH_SOURCE) or this checkout.
sys.path.insert(0, str(ROOT))
sys.path.insert(0, os.environ.get("KCC_BENCH_SOURCE") or str(ROOT))

from bench.core.generate import BENCH_DATA_KEY, BENCH_SECRET_KEY  # noqa: E402

# (label, module path fragment, function name): the phases of one page request.
PHASES = (
    ("whole request", "flask/app.py", "full_dispatch_request"),
    ("sign-in check (bearer token)", "kcc/auth/access.py", "authorize"),
    ("core view service (kcc/view)", "kcc/view/services.py", "customer_view"),
    ("marshmallow dumps", "marshmallow/schema.py", "dump"),
    ("template rendering", "flask/templating.py", "render_template"),
    ("commit (processing log)", "kcc/db.py", "commit"),
)


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(int(len(ordered) * share) - 1, 0)]


def _setup(database: str) -> tuple[Any, str, list[str]]:
    os.environ.update(
        KCC_DATABASE_URL=f"postgresql://postgres@127.0.0.1/{database}",
        KCC_DATA_KEY=os.environ.get("KCC_DATA_KEY", BENCH_DATA_KEY),
        KCC_SECRET_KEY=os.environ.get("KCC_SECRET_KEY", BENCH_SECRET_KEY),
    )
    os.environ.pop("KCC_REDIS_URL", None)
    from kcc.app import create_app

    app = create_app()
    token = (DATA / "tokens.txt").read_text().split()[0]
    heavy = (DATA / "heavy_parties.txt").read_text().split()
    return app, token, heavy


def _count_statements(app: Any) -> list[int]:
    from sqlalchemy import event

    from kcc.db import db

    counter = [0]

    def count(*_args: Any) -> None:
        counter[0] += 1

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", count)
    return counter


def _print_phases(profile: cProfile.Profile, requests: int) -> None:
    stats = pstats.Stats(profile)
    raw: dict[tuple[str, int, str], tuple[int, int, float, float, Any]] = stats.stats  # type: ignore[attr-defined]
    found: dict[str, float] = {}
    for (filename, _line, name), (_cc, _nc, _tt, cumulative, _callers) in raw.items():
        for label, fragment, function in PHASES:
            if name == function and filename.replace("\\", "/").endswith(fragment):
                found[label] = found.get(label, 0.0) + cumulative
    print("cumulative time per request by phase (cProfile, inflated by profiling):")
    whole = found.get("whole request", 0.0) or 1.0
    for label, _fragment, _function in PHASES:
        spent = found.get(label, 0.0) / requests * 1000
        print(f"  {label:<32} {spent:7.2f} ms  {100 * found.get(label, 0.0) / whole:5.1f}%")
    print("\ntop functions by own time:")
    stats.sort_stats("tottime").print_stats(20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="kcc_bench_web")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--api", action="store_true", help="the API's view instead of the page")
    parser.add_argument("--profile", action="store_true", help="cProfile the requests")
    parser.add_argument("--query", default="", help="query string, e.g. channel=phone")
    args = parser.parse_args()

    app, token, heavy = _setup(args.database)
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    template = "/api/v1/parties/{}/view?limit=25" if args.api else "/parties/{}"
    if args.query:
        template += ("&" if "?" in template else "?") + args.query
    statements = _count_statements(app)

    def call(i: int) -> tuple[int, int]:
        response = client.get(template.format(heavy[i % len(heavy)]), headers=headers)
        assert response.status_code == 200, (response.status_code, response.get_data()[:300])
        return len(response.get_data()), response.status_code

    for i in range(args.warmup):
        call(i)
    profile = cProfile.Profile() if args.profile else None
    cpu, wall, queries, sizes = [], [], [], []
    for i in range(args.requests):
        statements[0] = 0
        c0, w0 = time.process_time(), time.perf_counter()
        if profile is not None:
            profile.enable()
        size, _ = call(i)
        if profile is not None:
            profile.disable()
        cpu.append((time.process_time() - c0) * 1000)
        wall.append((time.perf_counter() - w0) * 1000)
        queries.append(statements[0])
        sizes.append(size)
    what = "API /api/v1/parties/{id}/view?limit=25" if args.api else "page /parties/{id}"
    import kcc

    print(f"code under test: {Path(kcc.__file__).resolve().parent.parent}")
    print(f"{what}, heavy residents, {args.requests} requests in one process (test client):")
    print(
        f"  CPU  median {statistics.median(cpu):6.2f} ms  p95 {_percentile(cpu, 0.95):6.2f} ms"
        f"  mean {statistics.fmean(cpu):6.2f} ms"
    )
    print(f"  wall median {statistics.median(wall):6.2f} ms  p95 {_percentile(wall, 0.95):6.2f} ms")
    print(
        f"  SQL statements per request: {statistics.median(queries):.0f};"
        f" response size median {statistics.median(sizes) / 1024:.1f} kB"
    )
    try:
        load = os.getloadavg()
        print(f"  machine load average while measuring: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    except OSError:
        pass
    if profile is not None:
        _print_phases(profile, args.requests)


if __name__ == "__main__":
    main()
