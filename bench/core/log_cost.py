"""CPU per logged read of a party: the read and its processing-log record in one statement
(a data-modifying WITH) against the read and a separate INSERT.

Reads one party by id with its identifiers and addresses, as ``GET /api/v1/parties/{id}`` and
the customer view do, many times both ways, alternating, in one process against ``kcc_bench``
(or ``KCC_BENCH_DATABASE_URL``), and rolls everything back. Prints the process CPU time and
the PostgreSQL backend's CPU time per read for each way.

    .venv/bin/python bench/core/log_cost.py --iterations 1500
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, os.environ.get("KCC_BENCH_SOURCE") or str(Path(__file__).resolve().parents[2]))

from cpu import DATA
from generate import BENCH_DATA_KEY, BENCH_SECRET_KEY


def _backend_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=1500)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault(
        "KCC_DATABASE_URL",
        os.environ.get("KCC_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1/kcc_bench"),
    )
    os.environ.setdefault("KCC_SECRET_KEY", BENCH_SECRET_KEY)
    os.environ.setdefault("KCC_DATA_KEY", BENCH_DATA_KEY)

    import uuid

    from sqlalchemy import bindparam, insert, text
    from sqlalchemy.orm import joinedload

    from kcc.app import create_app
    from kcc.constants import Action
    from kcc.db import db
    from kcc.parties.models import Party
    from kcc.parties.records import live_parties
    from kcc.privacy.context import ProcessingContext, current, processing
    from kcc.privacy.models import ProcessingRecord
    from kcc.privacy.services import SUBJECT_CONTEXT, cipher, log_processing

    app = create_app()
    parties = [uuid.UUID(p) for p in (DATA / "parties.txt").read_text().split()]
    options = (joinedload(Party.identifiers), joinedload(Party.addresses))
    ctx = ProcessingContext(
        "agent", "bench", "kcc.customer-contact", "GET bench", "0" * 32, "0" * 16
    )

    log = ProcessingRecord.__table__
    record = (
        insert(log)
        .values(
            {c: bindparam(f"log_{c.key}", type_=c.type) for c in log.columns if not c.primary_key}
        )
        .cte("processing_log_record")
    )

    def record_params(party_uuid: uuid.UUID) -> dict[str, object]:
        """What ``log_processing`` writes for one party, as the CTE's parameters."""
        now, c, pc = datetime.now(UTC), cipher(), current()
        return {
            "log_uuid": uuid.uuid4(),
            "log_occurred_at": now,
            "log_trace_id": pc.trace_id,
            "log_span_id": pc.span_id,
            "log_operation": pc.operation[:100],
            "log_action": Action.READ,
            "log_activity": pc.activity,
            "log_status": "ok",
            "log_actor_type": pc.actor_type,
            "log_actor_id": pc.actor_id,
            "log_subject_type": "party",
            "log_subject_lookup": c.lookup_hash(str(party_uuid), SUBJECT_CONTEXT),
            "log_subject_encrypted": c.encrypt(str(party_uuid), SUBJECT_CONTEXT),
        }

    with app.app_context(), processing(ctx):
        session = db.session()
        backend = int(session.scalar(text("SELECT pg_backend_pid()")))

        def separate(party_uuid: uuid.UUID) -> None:
            statement = live_parties().where(Party.uuid == party_uuid).options(*options)
            session.scalars(statement).unique().one()
            log_processing([party_uuid], Action.READ)

        def one_statement(party_uuid: uuid.UUID) -> None:
            statement = live_parties().where(Party.uuid == party_uuid).options(*options)
            statement = statement.add_cte(record)
            session.scalars(statement, record_params(party_uuid)).unique().one()

        ways: list[tuple[str, Callable[[uuid.UUID], None]]] = [
            ("read + INSERT", separate),
            ("read WITH INSERT", one_statement),
        ]
        for _ in range(args.rounds):
            for name, way in ways:
                for i in range(100):
                    way(parties[i % len(parties)])
                server, started = _backend_seconds(backend), time.process_time()
                for i in range(args.iterations):
                    way(parties[i % len(parties)])
                per = (time.process_time() - started) / args.iterations * 1000
                per_server = (_backend_seconds(backend) - server) / args.iterations * 1000
                print(
                    f"{name}: {per:.3f} ms CPU per logged read, "
                    f"{per_server:.3f} ms PostgreSQL backend CPU",
                    flush=True,
                )
                session.rollback()


if __name__ == "__main__":
    main()
