"""Topic suggestion speed and accuracy on the demo catalogue (71 topics) and the labelled set.

    .venv/bin/python bench/topics/suggest.py [--rounds 20]

Each message of ``tests/topics/messages.tsv`` is suggested ``rounds`` times (the index is
built once, as the running app keeps it); the median and p95 per message and the top-1 and
top-3 accuracy are printed.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from kcc.demo.topics import demo_index_terms  # noqa: E402
from kcc.topics.suggest import TopicIndex  # noqa: E402
from tests.topics.test_suggestions import labelled_messages  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    started = time.perf_counter()
    index = TopicIndex(demo_index_terms())
    built = time.perf_counter() - started
    rows = labelled_messages()
    top1 = top3 = 0
    for keys, message in rows:
        found = [s.key for s in index.suggest(message, 3)]
        top1 += bool(found) and found[0] in keys
        top3 += bool(keys & set(found))
    timings = []
    for _ in range(args.rounds):
        for _keys, message in rows:
            t = time.perf_counter()
            index.suggest(message, 3)
            timings.append((time.perf_counter() - t) * 1000)
    timings.sort()
    print(f"catalogue: {len(index.topics)} topics, index built in {built * 1000:.1f} ms")
    print(f"messages: {len(rows)}, suggestions timed: {len(timings)}")
    print(
        f"median {statistics.median(timings):.3f} ms, p95 {timings[int(len(timings) * 0.95)]:.3f} ms, max {timings[-1]:.3f} ms"
    )
    print(f"top-1 accuracy {top1 / len(rows):.1%}, top-3 accuracy {top3 / len(rows):.1%}")


if __name__ == "__main__":
    main()
