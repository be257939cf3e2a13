"""Publishes live events from a process of its own, as an rq job would: one transaction each.

Reads the party ids from a file, then commits ``notify("party:<id>", "bench.ping",
{"sent_at": <time>})`` at ``--rate`` per second for ``--seconds`` seconds, to the residents in
turn. Run by ``streams.py --source notify`` with the app's environment.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from kcc.app import create_app
from kcc.db import db
from kcc.live import notify


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--parties", type=Path, required=True)
    parser.add_argument("--rate", type=float, required=True)
    parser.add_argument("--seconds", type=float, required=True)
    args = parser.parse_args()
    parties = args.parties.read_text().split()
    app = create_app(plugins=())
    count = int(args.rate * args.seconds)
    with app.app_context():
        start = time.perf_counter() + 0.2
        for n in range(count):
            due = start + n / args.rate
            time.sleep(max(0.0, due - time.perf_counter()))
            notify(f"party:{parties[n % len(parties)]}", "bench.ping", {"sent_at": time.time()})
            db.commit()
        db.remove()


if __name__ == "__main__":
    main()
