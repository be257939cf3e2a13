"""Run the core workloads with wrk against gunicorn on 127.0.0.1 and summarise the medians.

Starts gunicorn (bench/core/wsgi.py), waits for it, warms each workload up, runs each one
``--runs`` times for ``--duration`` seconds with 8 connections, samples the RSS and PSS of
every worker during the runs, stops gunicorn, and writes a JSON record to bench/data/.

With ``--interleave`` it serves the app on ``--port`` and the floors (``floor_wsgi.py``) on
``--port + 1`` at once, with the same gunicorn settings, and alternates floor and app run by
run (W1 beside F-w1, W2 beside F-w2, W3 beside F-w3), so that both sides see the same machine;
``report.py`` prints the ratios from that one record.

The database and Redis come from ``--database-url`` and ``--redis``, else from
``KCC_BENCH_DATABASE_URL`` and ``KCC_BENCH_REDIS``, else ``kcc_bench`` on 127.0.0.1 and Redis
database 15, so a run can sit beside other servers and other databases.

    .venv/bin/python bench/core/load.py --workers 4 --worker-class sync --runs 3 --duration 20
    .venv/bin/python bench/core/load.py --interleave --runs 5 --duration 10 --port 8771
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from generate import BENCH_DATA_KEY, BENCH_SECRET_KEY

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "bench" / "data"
WRK = ROOT / "bench" / "core" / "wrk"
SOURCE = Path(os.environ.get("KCC_BENCH_SOURCE") or ROOT)
WORKLOADS = {
    "W1": "w1_record_contact.lua",
    "W2": "w2_customer_view.lua",
    "W2-light": "w2_customer_view_light.lua",
    "W3-bsn": "w3_search_bsn.lua",
    "W3-phone": "w3_search_phone.lua",
}
# The floor (``--floor``): Flask on the same gunicorn, without the app (``floor_wsgi.py``).
FLOOR = {
    "F-json": "floor_json.lua",
    "F-pg": "floor_pg.lua",
    "F-w3": "floor_w3.lua",
    "F-w1": "floor_w1.lua",
    "F-w2": "floor_w2.lua",
    "F-w2-light": "floor_w2_light.lua",
    "F-w3-phone": "floor_w3_phone.lua",
}
# Each workload beside the floor it is measured against (``--interleave``, ``report.py``).
PAIRS = {
    "W1": "F-w1",
    "W2": "F-w2",
    "W2-light": "F-w2-light",
    "W3-bsn": "F-w3",
    "W3-phone": "F-w3-phone",
}


def database_url(host: str, database: str) -> str:
    """A TCP address, or a directory holding PostgreSQL's Unix socket."""
    if host.startswith("/"):
        return f"postgresql://postgres@/{database}?host={host}"
    return f"postgresql://postgres@{host}/{database}"


def children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def pss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) / 1024
    return 0.0


def background_busy(seconds: float = 3.0) -> float:
    """How busy the machine is without our load (others share it)."""
    busy_before, total_before = machine_busy()
    time.sleep(seconds)
    busy_after, total_after = machine_busy()
    return round((busy_after - busy_before) / max(1, total_after - total_before), 3)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_busy() -> tuple[float, float]:
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


class RssSampler(threading.Thread):
    """Peak RSS per worker pid while a run lasts."""

    def __init__(self, master: int) -> None:
        super().__init__(daemon=True)
        self.master = master
        self.peak: dict[int, float] = {}
        self.pss: dict[int, float] = {}
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            for pid in children(self.master):
                with contextlib.suppress(OSError):
                    self.peak[pid] = max(self.peak.get(pid, 0.0), rss_mb(pid))
                    self.pss[pid] = max(self.pss.get(pid, 0.0), pss_mb(pid))
            self.stop.wait(0.5)


def port_free(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def start_server(
    args: argparse.Namespace, env: dict[str, str], port: int, app: str = "wsgi:app"
) -> subprocess.Popen[bytes]:
    if not port_free(port):
        raise SystemExit(f"127.0.0.1:{port} is taken (another run?); not measuring it")
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "--config",
        str(SOURCE / "gunicorn.conf.py"),
        "--chdir",
        str(ROOT / "bench" / "core"),
        "--pythonpath",
        str(SOURCE),
        "-b",
        f"127.0.0.1:{port}",
        "-w",
        str(args.workers),
        "-k",
        args.worker_class,
        "--threads",
        str(args.threads),
        "--backlog",
        "256",
        "--graceful-timeout",
        "5",
        *(["--preload"] if args.preload else []),
        app,
    ]
    server = subprocess.Popen(
        command,
        env=env,
        cwd=SOURCE,
        stdout=subprocess.DEVNULL,
        stderr=open(DATA / "gunicorn.log", "ab"),  # noqa: SIM115  (kept open while it runs)
    )
    # A busy machine may take a minute to boot four workers that each import the app.
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(
                f"http://127.0.0.1:{port}/api/v1/health", timeout=2
            ) as response:
                if response.status == 200 and server.poll() is None:
                    return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit("gunicorn did not become healthy within 120 s; see bench/data/gunicorn.log")


def preflight(port: int) -> None:
    """One authenticated search must succeed, or the tokens and keys do not match the server."""
    token = (DATA / "tokens.txt").read_text().split()[0]
    bsn = (DATA / "bsns.txt").read_text().split()[0]
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/parties?bsn={bsn}",
        headers={"Authorization": f"Bearer {token}"},
    )
    try:
        # The first authenticated request of a worker may be slow on a busy machine.
        with urllib.request.urlopen(request, timeout=60) as response:
            found = json.load(response)["items"]
    except urllib.error.HTTPError as exc:
        raise SystemExit(f"preflight failed with {exc.code}: keys or tokens do not match") from None
    if len(found) != 1:
        raise SystemExit(
            "preflight: the BSN search found nothing; KCC_DATA_KEY differs from the generator's"
        )


def wrk(
    script: str, seconds: int, connections: int, threads: int, port: int
) -> tuple[dict[str, float], float]:
    command = [
        "wrk",
        "-t",
        str(threads),
        "-c",
        str(connections),
        "-d",
        f"{seconds}s",
        "--timeout",
        "5s",
        "-s",
        str(WRK / script),
        f"http://127.0.0.1:{port}",
    ]
    env = {**os.environ, "KCC_BENCH_DATA": str(DATA), "KCC_BENCH_LUA": str(WRK)}
    proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)
    out, _ = proc.communicate(timeout=seconds + 30)
    line = next((ln for ln in out.splitlines() if ln.startswith("RESULT ")), None)
    if line is None:
        raise SystemExit(f"wrk printed no result:\n{out}")
    return json.loads(line.removeprefix("RESULT ")), 0.0


def run_workload(
    name: str, args: argparse.Namespace, master: int, port: int, runs: int | None = None
) -> list[dict[str, float]]:
    """Warm ``name`` up, then measure it ``runs`` times (default ``--runs``)."""
    script = {**WORKLOADS, **FLOOR}[name]
    if args.warmup:
        wrk(script, args.warmup, args.connections, args.wrk_threads, port)
    results = []
    for n in range(args.runs if runs is None else runs):
        idle = background_busy()
        sampler = RssSampler(master)
        sampler.start()
        workers = children(master)
        cpu_before = sum(cpu_seconds(p) for p in workers)
        busy_before, total_before = machine_busy()
        result, _ = wrk(script, args.duration, args.connections, args.wrk_threads, port)
        busy_after, total_after = machine_busy()
        cpu_after = sum(cpu_seconds(p) for p in workers if Path(f"/proc/{p}").exists())
        sampler.stop.set()
        sampler.join()
        result["worker_rss_peak_mb"] = round(max(sampler.peak.values(), default=0.0), 1)
        result["worker_pss_peak_mb"] = round(max(sampler.pss.values(), default=0.0), 1)
        result["background_busy"] = idle
        result["workers_cpu_share"] = round((cpu_after - cpu_before) / result["seconds"] / 2, 3)
        result["worker_cpu_ms_per_request"] = round(
            (cpu_after - cpu_before) * 1000 / max(1, result["requests"]), 2
        )
        result["machine_busy"] = round(
            (busy_after - busy_before) / max(1, total_after - total_before), 3
        )
        print(f"{name} run {n + 1}: {json.dumps(result)}", flush=True)
        results.append(result)
    return results


def summary(name: str, runs: list[dict[str, float]]) -> dict[str, float]:
    keys = (
        "rps",
        "p50_ms",
        "p95_ms",
        "p99_ms",
        "worker_rss_peak_mb",
        "worker_pss_peak_mb",
        "worker_cpu_ms_per_request",
        "workers_cpu_share",
        "machine_busy",
    )
    return {
        "workload": name,
        **{k: round(statistics.median(r.get(k, 0.0) for r in runs), 2) for k in keys},  # type: ignore[dict-item]
        "non_2xx": sum(r["non_2xx"] for r in runs),
        "socket_errors": sum(r["socket_errors"] for r in runs),
    }


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("KCC_BENCH_PORT", 8765)))
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--worker-class", default="sync")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--preload", action="store_true", help="gunicorn --preload (shared pages).")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--wrk-threads", type=int, default=1)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("KCC_BENCH_DATABASE_URL", ""),
        help="PostgreSQL URL (default: KCC_BENCH_DATABASE_URL, else --database on --db-host).",
    )
    parser.add_argument("--database", default="kcc_bench")
    parser.add_argument(
        "--db-host",
        default="127.0.0.1",
        help="PostgreSQL host: an address (TCP) or a socket directory such as /var/run/postgresql.",
    )
    parser.add_argument(
        "--redis",
        default=os.environ.get("KCC_BENCH_REDIS", "redis://127.0.0.1:6379/15"),
        help="Redis URL (default: KCC_BENCH_REDIS, else database 15); '' for inline jobs.",
    )
    parser.add_argument(
        "--subscriber", action="store_true", help="Register a no-op contact_moment subscriber."
    )
    parser.add_argument("--label", default="")
    parser.add_argument(
        "--floor",
        action="store_true",
        help="Serve bench/core/floor_wsgi.py instead of the app and run the floors.",
    )
    parser.add_argument(
        "--interleave",
        action="store_true",
        help="Serve app and floors side by side; alternate each workload with its floor.",
    )
    parser.add_argument("workloads", nargs="*")
    args = parser.parse_args()
    args.workloads = args.workloads or list(FLOOR if args.floor else WORKLOADS)
    args.database_url = args.database_url or database_url(args.db_host, args.database)
    return args


def server_env(args: argparse.Namespace) -> dict[str, str]:
    return {
        **os.environ,
        "KCC_ENV": "production",
        "KCC_DATABASE_URL": args.database_url,
        "KCC_REDIS_URL": args.redis,
        "KCC_SECRET_KEY": os.environ.get("KCC_SECRET_KEY", BENCH_SECRET_KEY),
        "KCC_DATA_KEY": os.environ.get("KCC_DATA_KEY", BENCH_DATA_KEY),
        "KCC_PUBLIC_BASE_URL": f"http://127.0.0.1:{args.port}",
        "KCC_BENCH_SUBSCRIBER": "1" if args.subscriber else "0",
        "PYTHONPATH": str(SOURCE),
    }


def stop(server: subprocess.Popen[bytes]) -> None:
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()


def measure(args: argparse.Namespace, record: dict) -> None:  # type: ignore[type-arg]
    """One server (the app, or the floors with ``--floor``), each workload in turn."""
    server = start_server(
        args, server_env(args), args.port, "floor_wsgi:app" if args.floor else "wsgi:app"
    )
    try:
        if not args.floor:
            preflight(args.port)
        for name in args.workloads:
            record["runs"][name] = run_workload(name, args, server.pid, args.port)
    finally:
        stop(server)


def measure_interleaved(args: argparse.Namespace, record: dict) -> None:  # type: ignore[type-arg]
    """App and floors served at once; per round, each workload and its floor back to back,
    the floor first in even rounds and second in odd ones."""
    env = server_env(args)
    app = start_server(args, env, args.port, "wsgi:app")
    try:
        floor = start_server(args, env, args.port + 1, "floor_wsgi:app")
        try:
            preflight(args.port)
            sides = {"app": (app.pid, args.port), "floor": (floor.pid, args.port + 1)}
            for name in args.workloads:  # warm-up, once per side
                for side, workload in (("floor", PAIRS[name]), ("app", name)):
                    wrk(
                        {**WORKLOADS, **FLOOR}[workload],
                        args.warmup,
                        args.connections,
                        args.wrk_threads,
                        sides[side][1],
                    )
            no_warmup = argparse.Namespace(**{**vars(args), "warmup": 0})
            for round_ in range(args.runs):
                for name in args.workloads:
                    order = [("floor", PAIRS[name]), ("app", name)]
                    for side, workload in order if round_ % 2 == 0 else order[::-1]:
                        pid, port = sides[side]
                        result = run_workload(workload, no_warmup, pid, port, runs=1)
                        record["runs"].setdefault(workload, []).extend(result)
        finally:
            stop(floor)
    finally:
        stop(app)


def main() -> None:
    args = parse_args()
    subprocess.run(
        [str(ROOT / ".venv" / "bin" / "kcc"), "db", "upgrade"],
        env=server_env(args),
        cwd=SOURCE,
        check=True,
        stdout=subprocess.DEVNULL,
        timeout=300,
    )
    record: dict = {  # type: ignore[type-arg]
        "label": args.label,
        "started": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "options": vars(args),
        "runs": {},
        "summary": [],
    }
    if args.interleave:
        measure_interleaved(args, record)
    else:
        measure(args, record)
    record["summary"] = [summary(name, runs) for name, runs in record["runs"].items()]
    out = (
        DATA / f"load-{time.strftime('%Y%m%d-%H%M%S')}{'-' + args.label if args.label else ''}.json"
    )
    out.write_text(json.dumps(record, indent=2) + "\n")
    for row in record["summary"]:
        print("MEDIAN " + json.dumps(row), flush=True)
    print(f"written {out.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
