"""Time to first byte of the customer view page for heavy residents, and the weight of every page.

Runs the app in-process on 127.0.0.1 (werkzeug, threaded) against the core benchmark's
PostgreSQL dataset (bench/core/generate.py: 100,000 persons, 1,000,000 contact moments, 100
heavy residents with 500 contact moments each) and calls the page with a bench agent's
bearer token, sequentially. Page weight: HTML plus the CSS and JS each page loads.

    .venv/bin/python bench/web/pages.py ttfb --database kcc_bench --requests 300
    .venv/bin/python bench/web/pages.py ttfb --database kcc_bench --requests 300 --api
    .venv/bin/python bench/web/pages.py weight
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "bench" / "data"
# The code under test: a snapshot of another commit (KCC_BENCH_SOURCE) or this checkout.
sys.path.insert(0, str(ROOT))
sys.path.insert(0, os.environ.get("KCC_BENCH_SOURCE") or str(ROOT))

from bench.core.generate import BENCH_DATA_KEY, BENCH_SECRET_KEY  # noqa: E402

ASSET = re.compile(r'(?:src|href)="(/static/web/[^"]+)"')
PAGE_LIMIT = 300 * 1024


def _get(port: int, path: str, token: str | None = None) -> tuple[float, int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    start = time.perf_counter()
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    first = response.read(1)
    ttfb = time.perf_counter() - start
    body = first + response.read()
    conn.close()
    return ttfb, response.status, body


def _weight(port: int, path: str, token: str | None) -> tuple[int, int]:
    _, status, html = _get(port, path, token)
    assert status == 200, (path, status)
    total = len(html)
    for asset in sorted(set(ASSET.findall(html.decode()))):
        total += len(_get(port, asset)[2])
    return len(html), total


def _serve() -> tuple[object, int]:
    import logging

    from werkzeug.serving import make_server

    # One log line per request would be written by the process being measured.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)

    from kcc.app import create_app

    server = make_server("127.0.0.1", 0, create_app(), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.server_port


def weights() -> None:
    """Every page of the demo data set (SQLite in a temporary directory), as each role sees it."""
    import tempfile

    workdir = tempfile.mkdtemp(prefix="kcc-web-bench-")
    os.environ.update(KCC_DATABASE_URL=f"sqlite:///{workdir}/kcc.sqlite3")
    os.environ.pop("KCC_REDIS_URL", None)
    server, port = _serve()
    from flask import current_app  # noqa: F401
    from sqlalchemy import select

    from kcc.auth.models import User
    from kcc.auth.services import issue_token
    from kcc.db import db

    app = server.app  # type: ignore[attr-defined]
    with app.app_context():
        from alembic import command

        from kcc.cli import alembic_config
        from kcc.demo import load_demo

        command.upgrade(alembic_config(), "head")
        load_demo(14024)
        tokens = {
            u.role: issue_token(u)
            for u in db.session().scalars(select(User).where(User.name.like("demo-%")))
        }
        from kcc.parties.models import Party

        party = db.session().scalar(select(Party.uuid).order_by(Party.id).limit(1))
        db.commit()
    party_id = str(party)
    pages = [
        ("/sign-in", None),
        ("/chat", None),
        ("/agent?q=jansen", tokens["agent"]),
        (f"/parties/{party_id}", tokens["agent"]),
        ("/studio", tokens["process_owner"]),
        ("/studio/moving", tokens["process_owner"]),
        ("/dashboard", tokens["supervisor"]),
        ("/dashboard/processing-log", tokens["supervisor"]),
    ]
    print("page weight (HTML + its CSS and JS, uncompressed), demo data:")
    for path, auth in pages:
        html, total = _weight(port, path, auth)
        flag = "ok" if total <= PAGE_LIMIT else "OVER 300 kB"
        print(
            f"  {path.split('?')[0][:40]:<42} html {html / 1024:6.1f} kB"
            f"  total {total / 1024:6.1f} kB  {flag}"
        )
    server.shutdown()  # type: ignore[attr-defined]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=["ttfb", "weight"])
    parser.add_argument("--database", default="kcc_bench")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument(
        "--api",
        action="store_true",
        help="time the API's /api/v1/parties/{id}/view?limit=25 instead, for comparison",
    )
    args = parser.parse_args()
    if args.what == "weight":
        weights()
        return
    os.environ.update(
        KCC_DATABASE_URL=f"postgresql://postgres@127.0.0.1/{args.database}",
        KCC_DATA_KEY=os.environ.get("KCC_DATA_KEY", BENCH_DATA_KEY),
        KCC_SECRET_KEY=os.environ.get("KCC_SECRET_KEY", BENCH_SECRET_KEY),
    )
    os.environ.pop("KCC_REDIS_URL", None)
    server, port = _serve()
    token = (DATA / "tokens.txt").read_text().split()[0]
    heavy = (DATA / "heavy_parties.txt").read_text().split()
    path = "/api/v1/parties/{}/view?limit=25" if args.api else "/parties/{}"
    for party in heavy[:10]:
        _get(port, path.format(party), token)
    times = []
    cpu_start = time.process_time()
    for i in range(args.requests):
        ttfb, status, _ = _get(port, path.format(heavy[i % len(heavy)]), token)
        assert status == 200, status
        times.append(ttfb * 1000)
    cpu = (time.process_time() - cpu_start) * 1000 / len(times)
    times.sort()
    p95 = times[int(len(times) * 0.95) - 1]
    what = "customer view API (limit 25)" if args.api else "customer view page"
    print(f"{what}, heavy residents (500 contact moments), {len(times)} sequential requests:")
    print(
        f"  TTFB median {statistics.median(times):.1f} ms, p95 {p95:.1f} ms, max {times[-1]:.1f} ms"
    )
    # Server and client share this process: the CPU figure includes the client's small share.
    print(f"  CPU time of this process per request: {cpu:.1f} ms")
    print(f"  machine load average: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    server.shutdown()  # type: ignore[attr-defined]


if __name__ == "__main__":
    main()
