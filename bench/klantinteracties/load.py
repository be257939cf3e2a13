"""The core's W1 and W2 through the Klantinteracties API, beside our own API's, in one server run.

Reuses bench/core/load.py (gunicorn, wrk, medians) and bench/core/generate.py, on a database and
id files of its own (``kcc_bench_ki``, bench/klantinteracties/data/; 20,000 parties and 200,000
contact moments by default, 100 heavy parties with 500 each).

    .venv/bin/python bench/klantinteracties/load.py --generate --runs 2 --duration 15

Workloads are interleaved (a round runs each once) and the JSON record has the ratios of the
standard's workload to ours for the same work (W1-KI/W1, W2-KI/W2).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "core"))

import generate  # noqa: E402  (bench/core/generate.py)
import load  # noqa: E402  (bench/core/load.py)
from generate import BENCH_DATA_KEY, BENCH_SECRET_KEY  # noqa: E402

# Our own dataset and id files, so that the core benchmark's files stay as they are.
DATA = HERE / "data"
generate.DATA = load.DATA = DATA

load.WORKLOADS.update(
    {
        "W1-KI": str(HERE / "w1_maak_klantcontact.lua"),
        "W2-KI": str(HERE / "w2_klantcontacten.lua"),
    }
)


def _ratios(summaries: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """Each standard workload beside ours for the same work, from the same interleaved run."""
    by_name = {row["workload"]: row for row in summaries}
    found = {}
    for ours in ("W1", "W2"):
        theirs = by_name.get(f"{ours}-KI")
        if theirs is None or ours not in by_name:
            continue
        base = by_name[ours]
        found[f"{ours}-KI/{ours}"] = {
            "worker_cpu_ms_per_request": round(
                theirs["worker_cpu_ms_per_request"] / max(0.01, base["worker_cpu_ms_per_request"]),
                2,
            ),
            "rps (ours / standard)": round(base["rps"] / max(0.01, theirs["rps"]), 2),
            "p50_ms": round(theirs["p50_ms"] / max(0.01, base["p50_ms"]), 2),
        }
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--worker-class", default="sync")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--preload", action="store_true", help="gunicorn --preload")
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--wrk-threads", type=int, default=1)
    parser.add_argument("--database", default="kcc_bench_ki")
    parser.add_argument("--generate", action="store_true", help="(Re)create the dataset first.")
    parser.add_argument("--parties", type=int, default=20_000)
    parser.add_argument("--moments", type=int, default=200_000)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/15", help="'' for inline jobs")
    parser.add_argument("--port", type=int, default=8765, help="the server's port")
    parser.add_argument("workloads", nargs="*", default=["W1", "W1-KI", "W2", "W2-KI"])
    args = parser.parse_args()
    if args.generate:
        sys.argv = [
            "generate.py",
            "--database",
            args.database,
            "--recreate",
            "--parties",
            str(args.parties),
            "--moments",
            str(args.moments),
        ]
        generate.main()
    env = {
        **os.environ,
        "KCC_ENV": "production",
        "KCC_DATABASE_URL": f"postgresql://postgres@127.0.0.1/{args.database}",
        "KCC_REDIS_URL": args.redis,
        "KCC_SECRET_KEY": os.environ.get("KCC_SECRET_KEY", BENCH_SECRET_KEY),
        "KCC_DATA_KEY": os.environ.get("KCC_DATA_KEY", BENCH_DATA_KEY),
        "KCC_PUBLIC_BASE_URL": f"http://127.0.0.1:{args.port}",
    }
    server = load.start_server(args, env, args.port)
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in args.workloads}
    load_before = os.getloadavg()
    try:
        load.preflight(args.port)
        # Interleaved: every workload warms up once, then each round runs each workload once,
        # so that ours and the standard's see the same machine within a few seconds.
        warmup, args.warmup = args.warmup, 0
        for name in args.workloads:
            if warmup:
                script = load.WORKLOADS[name]
                load.wrk(script, warmup, args.connections, args.wrk_threads, args.port)
        for _ in range(args.runs):
            for name in args.workloads:
                runs[name] += load.run_workload(name, args, server.pid, args.port, runs=1)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
    summaries = [load.summary(name, found) for name, found in runs.items()]
    record = {
        "options": vars(args),
        "load_average_before": load_before,
        "load_average_after": os.getloadavg(),
        "summary": summaries,
        "ratios": _ratios(summaries),
        "runs": runs,
    }
    out = DATA / f"load-{time.strftime('%Y%m%d-%H%M%S')}-klantinteracties.json"
    out.write_text(json.dumps(record, indent=2) + "\n")
    for row in summaries:
        print("MEDIAN " + json.dumps(row), flush=True)
    print("RATIOS " + json.dumps(record["ratios"]), flush=True)
    print(f"load average before {load_before}, after {record['load_average_after']}", flush=True)


if __name__ == "__main__":
    main()
