"""Print the workloads of load records (bench/data/load-*.json) beside their floors, as ratios.

Each record is one run of ``load.py`` (best ``--interleave``, where every workload and its
floor were measured back to back, round by round). For each workload it prints the medians
of its runs and of its floor's runs in the same record, and the ratios the targets are set in:

- W1: throughput ≥ 0.67 x F-w1's, p99 ≤ 1.5 x F-w1's;
- W2 (and W2-light): p95 ≤ 2 x F-w2's (F-w2-light's);
- W3-bsn and W3-phone: p95 ≤ 1.5 x F-w3's (F-w3-phone's);
- memory: peak RSS per worker ≤ 120 MB (PSS is printed beside it).

    .venv/bin/python bench/core/report.py bench/data/load-*.json
"""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path
from typing import Any

PAIRS = {
    "W1": "F-w1",
    "W2": "F-w2",
    "W2-light": "F-w2-light",
    "W3-bsn": "F-w3",
    "W3-phone": "F-w3-phone",
}
# workload: (figure, bound on app / floor, "min" or "max")
TARGETS: dict[str, list[tuple[str, float, str]]] = {
    "W1": [("rps", 0.67, "min"), ("p99_ms", 1.5, "max")],
    "W2": [("p95_ms", 2.0, "max")],
    "W2-light": [("p95_ms", 2.0, "max")],
    "W3-bsn": [("p95_ms", 1.5, "max")],
    "W3-phone": [("p95_ms", 1.5, "max")],
}
RSS_LIMIT_MB = 120.0
FIGURES = ("rps", "p50_ms", "p95_ms", "p99_ms", "worker_rss_peak_mb", "worker_pss_peak_mb")


def cpu_ms(run: dict[str, float]) -> float:
    if "worker_cpu_ms_per_request" in run:
        return run["worker_cpu_ms_per_request"]
    return run["workers_cpu_share"] * 2 * run["seconds"] * 1000 / max(1, run["requests"])


def medians(runs: list[dict[str, float]]) -> dict[str, float]:
    found = {k: statistics.median(r.get(k, 0.0) for r in runs) for k in FIGURES}
    found["cpu_ms"] = statistics.median(cpu_ms(r) for r in runs)
    found["runs"] = len(runs)
    return found


def verdict(name: str, app: dict[str, float], floor: dict[str, float]) -> list[str]:
    out = []
    for key, bound, kind in TARGETS.get(name, []):
        ratio = app[key] / floor[key] if floor[key] else float("inf")
        met = ratio >= bound if kind == "min" else ratio <= bound
        sign = "≥" if kind == "min" else "≤"
        out.append(f"{key} {ratio:.2f}x (target {sign}{bound}x: {'met' if met else 'NOT met'})")
    return out


def report(record: dict[str, Any]) -> None:
    runs = record["runs"]
    print(f"\n### {record.get('label') or record.get('started')}\n")
    print(
        "| Workload | runs | req/s | p50 ms | p95 ms | p99 ms | worker CPU ms/req |"
        " peak RSS MB | peak PSS MB | vs floor |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for name in [n for n in PAIRS if n in runs] + [n for n in runs if n not in PAIRS]:
        if name in PAIRS.values() and any(runs.get(w) for w, f in PAIRS.items() if f == name):
            continue  # printed below its workload
        rows = [(name, medians(runs[name]))]
        floor_name = PAIRS.get(name)
        if floor_name in runs:
            rows.append((floor_name, medians(runs[floor_name])))
        for label, med in rows:
            judged = ""
            if label == name and len(rows) == 2:
                judged = "; ".join(verdict(name, med, rows[1][1]))
            rss = med["worker_rss_peak_mb"]
            flag = "" if rss <= RSS_LIMIT_MB else " (over 120)"
            print(
                f"| {label} | {med['runs']} | {med['rps']:.0f} | {med['p50_ms']:.1f} |"
                f" {med['p95_ms']:.1f} | {med['p99_ms']:.1f} | {med['cpu_ms']:.2f} |"
                f" {rss:.1f}{flag} | {med['worker_pss_peak_mb']:.1f} | {judged or '-'} |"
            )


def main() -> None:
    for path in sys.argv[1:]:
        report(json.loads(Path(path).read_text()))


if __name__ == "__main__":
    main()
