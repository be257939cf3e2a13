"""Statements and CPU per request of W1, W1-KI, W2 and W2-KI, in-process on SQLite.

Beside ``load.py``, or instead of it where the machine is too busy for gunicorn and wrk to say
much: the same four requests through the Flask test client, as an agent like the load's tokens,
with the database statements counted by a SQLAlchemy ``before_cursor_execute`` listener and the
process CPU time per request; medians of ``--n``. Then
20 more requests of each under cProfile give the Python function calls per request, which stay
the same on a busy machine where CPU time does not; ``--profile W1-KI`` prints that workload's
profile (``--sort``, ``--filter``, ``--dump`` a pstats file) over ``--n`` requests instead.

    .venv/bin/python bench/klantinteracties/per_request.py --n 60
    .venv/bin/python bench/klantinteracties/per_request.py --n 200 \
        --database-url postgresql+psycopg://postgres@127.0.0.1/kcc_ki_ab   # an empty database
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import event

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from in_process import bench_app, migrated_with_users

BASE = "/klantinteracties/api/v1"
CALLS_SAMPLE = 20  # requests profiled to count Python calls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=60)
    parser.add_argument(
        "--profile",
        metavar="WORKLOAD",
        help="print a cProfile of --n more requests of the workload as well",
    )
    parser.add_argument("--dump", help="a file to write the profile to (pstats)")
    parser.add_argument("--sort", default="cumulative", help="the profile's order")
    parser.add_argument("--filter", default="", help="a regular expression on the profile's lines")
    parser.add_argument(
        "--database-url",
        help="an empty database to use instead of a new SQLite file (e.g. PostgreSQL)",
    )
    args = parser.parse_args()
    folder = tempfile.mkdtemp()
    app = bench_app(args.database_url or f"sqlite:///{folder}/bench.sqlite3")
    (_, system), (_, agent) = migrated_with_users(
        app, ("bench-system", "system"), ("bench-agent", "agent")
    )
    with app.app_context():
        from kcc.db import db

        engine = db.engine
    client = app.test_client()
    standard = {"Authorization": f"Token {system}"}
    partij = client.post(
        BASE + "/partijen",
        json={
            "soortPartij": "persoon",
            "indicatieActief": True,
            "voorkeurstaal": "nld",
            "partijIdentificatie": {"contactnaam": {"voornaam": "Anna", "achternaam": "Jansen"}},
        },
        headers=standard,
    ).get_json()["uuid"]
    statements = [0]

    def counted(*_: Any) -> None:
        statements[0] += 1

    event.listen(engine, "before_cursor_execute", counted)

    def measure(request: Callable[[], Any], name: str) -> dict[str, float]:
        counts, cpu = [], []
        for _ in range(args.n):
            statements[0] = 0
            started = time.process_time()
            response = request()
            cpu.append((time.process_time() - started) * 1000)
            counts.append(statements[0])
            assert response.status_code in (200, 201), response.get_json()
        # Python function calls per request: steady where CPU time is not (a busy machine).
        profiler = cProfile.Profile(time.process_time)
        profiled = args.n if name == args.profile else CALLS_SAMPLE
        for _ in range(profiled):
            profiler.runcall(request)
        stats = pstats.Stats(profiler, stream=sys.stderr)
        if name == args.profile:
            stats.sort_stats(args.sort).print_stats(args.filter, 80)
            if args.dump:
                stats.dump_stats(args.dump)
        return {
            "statements": statistics.median(counts),
            "cpu_ms": round(statistics.median(cpu), 2),
            "calls": round(stats.total_calls / profiled),  # type: ignore[attr-defined]
        }

    # As an agent, like the load harness's tokens: a contact then records its employee.
    ours = {"Authorization": f"Bearer {agent}"}
    standard = {"Authorization": f"Token {agent}"}
    found = {
        "W1": measure(
            lambda: client.post(
                "/api/v1/contact-moments",
                json={
                    "channel": "phone",
                    "subject": "Afval",
                    "parties": [{"party_id": partij, "role": "resident"}],
                },
                headers=ours,
            ),
            "W1",
        ),
        "W1-KI": measure(
            lambda: client.post(
                BASE + "/maak-klantcontact",
                json={
                    "klantcontact": {
                        "kanaal": "telefoon",
                        "onderwerp": "Afval",
                        "taal": "nld",
                        "vertrouwelijk": False,
                    },
                    "betrokkene": {
                        "wasPartij": {"uuid": partij},
                        "rol": "klant",
                        "initiator": True,
                    },
                },
                headers=standard,
            ),
            "W1-KI",
        ),
        "W2": measure(
            lambda: client.get(f"/api/v1/parties/{partij}/view", headers=ours),
            "W2",
        ),
        "W2-KI": measure(
            lambda: client.get(
                f"{BASE}/klantcontacten?pageSize=20&hadBetrokkene__wasPartij__uuid={partij}",
                headers=standard,
            ),
            "W2-KI",
        ),
    }
    print(json.dumps(found))


if __name__ == "__main__":
    main()
