"""CPU per recorded contact moment: the ORM's unit of work against two Core INSERTs.

Inserts one contact moment with one involvement, many times, both ways, alternating, in one
process against ``kcc_bench`` (or ``KCC_BENCH_DATABASE_URL``), and rolls everything back.
Prints the process CPU time per moment for each way.

    .venv/bin/python bench/core/insert_cost.py --iterations 1500
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, os.environ.get("KCC_BENCH_SOURCE") or str(Path(__file__).resolve().parents[2]))

from cpu import SUBJECTS, TEXT
from generate import BENCH_DATA_KEY, BENCH_SECRET_KEY
from sqlalchemy import insert, select


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=1500)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    os.environ.setdefault(
        "KCC_DATABASE_URL",
        os.environ.get("KCC_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1/kcc_bench"),
    )
    os.environ.setdefault("KCC_SECRET_KEY", BENCH_SECRET_KEY)
    os.environ.setdefault("KCC_DATA_KEY", BENCH_DATA_KEY)

    from kcc.app import create_app
    from kcc.contacts.models import ContactMoment, Involvement
    from kcc.db import db
    from kcc.parties.models import Party

    app = create_app()
    moments, involvements = ContactMoment.__table__, Involvement.__table__
    insert_moment = insert(moments).returning(moments.c.id)  # type: ignore[arg-type]
    insert_involvement = insert(involvements)  # type: ignore[arg-type]

    with app.app_context():
        session = db.session()
        party_key = session.scalar(select(Party.id).limit(1))

        def orm() -> None:
            now = datetime.now(UTC)
            moment = ContactMoment(
                uuid=uuid.uuid4(),
                channel="phone",
                direction="inbound",
                subject=SUBJECTS[1],
                text=TEXT,
                outcome="answered",
                language="nl",
                confidential=False,
                occurred_at=now,
                details={},
            )
            moment.involvements.append(
                Involvement(party_id=party_key, role="resident", occurred_at=now)
            )
            session.add(moment)
            session.flush()

        def core() -> None:
            now = datetime.now(UTC)
            connection = session.connection()
            moment_key = connection.execute(
                insert_moment,
                {
                    "uuid": uuid.uuid4(),
                    "channel": "phone",
                    "direction": "inbound",
                    "subject": SUBJECTS[1],
                    "text": TEXT,
                    "outcome": "answered",
                    "language": "nl",
                    "confidential": False,
                    "occurred_at": now,
                    "details": {},
                    "created_at": now,
                },
            ).scalar_one()
            connection.execute(
                insert_involvement,
                {
                    "uuid": uuid.uuid4(),
                    "contact_moment_id": moment_key,
                    "party_id": party_key,
                    "role": "resident",
                    "occurred_at": now,
                },
            )

        ways: list[tuple[str, Callable[[], None]]] = [("ORM flush", orm), ("Core INSERTs", core)]
        for _ in range(args.rounds):
            for name, way in ways:
                for _ in range(100):
                    way()
                started = time.process_time()
                for _ in range(args.iterations):
                    way()
                per = (time.process_time() - started) / args.iterations * 1000
                print(f"{name}: {per:.3f} ms CPU per contact moment")
                session.rollback()


if __name__ == "__main__":
    main()
