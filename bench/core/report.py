"""Print the medians of one or more load records (bench/data/load-*.json) as a Markdown table.

.venv/bin/python bench/core/report.py bench/data/load-*.json
"""

from __future__ import annotations

import json
import statistics
import sys

TARGETS = {
    "W1": ("rps", 800, "p99_ms", 50),
    "W2": (None, None, "p95_ms", 10),
    "W3-bsn": (None, None, "p95_ms", 5),
    "W3-phone": (None, None, "p95_ms", 5),
}


def cpu_ms(run: dict[str, float]) -> float:
    if "worker_cpu_ms_per_request" in run:
        return run["worker_cpu_ms_per_request"]
    return run["workers_cpu_share"] * 2 * run["seconds"] * 1000 / max(1, run["requests"])


def main() -> None:
    print(
        "| Record | Workload | req/s | p50 ms | p95 ms | p99 ms | worker CPU ms/req | peak RSS MB |"
        " busy without us | target | vs target |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for path in sys.argv[1:]:
        record = json.loads(open(path).read())  # noqa: SIM115
        for name, runs in record["runs"].items():
            med = {
                k: statistics.median(r.get(k, 0.0) for r in runs)
                for k in (
                    "rps",
                    "p50_ms",
                    "p95_ms",
                    "p99_ms",
                    "worker_rss_peak_mb",
                    "background_busy",
                )
            }
            cpu = statistics.median(cpu_ms(r) for r in runs)
            # The floors (F-*) have no target of their own.
            rate_key, rate, lat_key, lat = TARGETS.get(name, (None, None, None, None))
            parts, ratios = [], []
            if rate_key and rate:
                parts.append(f"≥{rate} req/s")
                ratios.append(f"{med[rate_key] / rate:.2f}x rate")
            if lat_key and lat:
                parts.append(f"{lat_key[:3]} ≤{lat} ms")
                ratios.append(f"{med[lat_key] / lat:.1f}x latency")
            print(
                f"| {record['label']} | {name} | {med['rps']:.1f} | {med['p50_ms']:.1f} |"
                f" {med['p95_ms']:.1f} | {med['p99_ms']:.1f} | {cpu:.1f} |"
                f" {med['worker_rss_peak_mb']:.1f} |"
                f" {med['background_busy']:.0%} | {', '.join(parts) or '-'} | {', '.join(ratios) or '-'} |"
            )


if __name__ == "__main__":
    main()
