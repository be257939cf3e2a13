"""Privacy benchmarks on PostgreSQL: exporting a heavy party, and the added cost of consent checks
and explanations per journey event.

    .venv/bin/python bench/privacy/bench.py --database postgresql://postgres@127.0.0.1/kcc_bench_privacy

The database is dropped and created, migrated, and filled with one heavy party: 500 contact
moments, 3 journeys with steps, suggestions, consents, and 2,000 processing-log records.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from kcc.app import create_app  # noqa: E402
from kcc.config import Settings  # noqa: E402
from kcc.db import db, unit_of_work  # noqa: E402


def fresh(url: str) -> str:
    parsed = make_url(url.replace("postgresql://", "postgresql+psycopg://", 1))
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()
    return url


def fill(app) -> uuid.UUID:  # type: ignore[no-untyped-def]
    from journeys.constants import CauseType
    from journeys.engine import Cause, advance, start
    from journeys.versions import load_source
    from kcc.consent.services import ConsentInput, grant_consent
    from kcc.contacts.models import ContactMoment, Involvement
    from kcc.parties.services import AddressInput, PartyInput, register_party
    from kcc.privacy.services import log_processing

    with app.app_context():
        with unit_of_work():
            for path in sorted((ROOT / "journeys" / "definitions").glob("*.yaml")):
                load_source(path.read_text(encoding="utf-8"), "bench", True)
        with unit_of_work():
            party = register_party(
                PartyInput(
                    type="person",
                    given_names="Zware",
                    surname="Partij",
                    bsn="111222333",
                    digital_addresses=[
                        AddressInput(kind="phone", address="+31612340000", is_default=True)
                    ],
                )
            )
            party_uuid, party_id = party.uuid, party.id
            grant_consent(
                party_uuid, ConsentInput(purpose="proactive", channel="sms", method="counter")
            )
        with unit_of_work() as session:
            base = datetime(2025, 1, 1, tzinfo=UTC)
            moments = [
                {
                    "uuid": uuid.uuid4(),
                    "channel": "phone",
                    "direction": "inbound",
                    "subject": "vraag",
                    "text": f"Vraag nummer {i} over afval en parkeren",
                    "language": "nl",
                    "confidential": False,
                    "occurred_at": base + timedelta(hours=i),
                    "details": {},
                    "response": "",
                    "main_subject_type": "",
                    "further_action": False,
                    "created_at": base,
                }
                for i in range(500)
            ]
            ids = (
                session.execute(insert(ContactMoment).returning(ContactMoment.id), moments)
                .scalars()
                .all()
            )
            session.execute(
                insert(Involvement),
                [
                    {
                        "uuid": uuid.uuid4(),
                        "contact_moment_id": mid,
                        "party_id": party_id,
                        "role": "resident",
                        "occurred_at": base,
                        "initiator": True,
                        "details": {},
                    }
                    for mid in ids
                ],
            )
        for key in ("moving", "birth", "turning-18"):
            with unit_of_work():
                instance, _ = start(
                    party_id, key, Cause(CauseType.EVENT, None, "bench"), f"bench-{key}"
                )
                for n in range(5):
                    advance(
                        instance.id,
                        "reminder_due",
                        f"bench-{key}-{n}",
                        Cause(CauseType.TIMER, None, "bench"),
                    )
        for _ in range(20):
            with unit_of_work():
                log_processing([party_uuid] * 1, "read")
                for _ in range(99):
                    log_processing([party_uuid], "read")
        db.remove()
    return party_uuid


def timed(fn, runs: int) -> list[float]:  # type: ignore[no-untyped-def]
    out = []
    for _ in range(runs):
        began = time.perf_counter()
        fn()
        out.append((time.perf_counter() - began) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", default="postgresql://postgres@127.0.0.1/kcc_bench_privacy")
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    url = fresh(args.database)
    app = create_app(
        Settings(env="bench", database_url=url, data_key="bench-data-key-0123456789abcdef0123")
    )
    with app.app_context():
        from alembic import command

        from kcc.cli import alembic_config

        command.upgrade(alembic_config(), "head")
    party_uuid = fill(app)
    from kcc.privacy.export import export_party

    def export_once() -> None:
        with app.app_context(), unit_of_work():
            doc = export_party(party_uuid)
        assert len(doc["contact_moments"]) >= 500

    with app.app_context(), unit_of_work():
        doc = export_party(party_uuid)
        sizes = {k: len(v) for k, v in doc.items() if isinstance(v, list)}
    export_once()
    service = timed(export_once, args.runs)

    from kcc.auth.services import create_user

    with app.app_context(), unit_of_work():
        _, token = create_user("bench-agent", "agent", team="KCC")
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    http = timed(
        lambda: client.get(f"/api/v1/parties/{party_uuid}/export", headers=headers), args.runs
    )
    html = timed(
        lambda: client.get(f"/api/v1/parties/{party_uuid}/export?format=html", headers=headers),
        args.runs,
    )

    from sqlalchemy import select

    from journeys.models import JourneyInstance
    from journeys.suggestions.delivery import any_consent, purposes_for
    from journeys.suggestions.explain import explain, steps_leading_to
    from journeys.versions import definition_for
    from kcc.consent.services import history, lock_consents
    from kcc.parties.models import Party

    costs = []
    with app.app_context(), unit_of_work() as session:
        party = session.scalar(select(Party).where(Party.uuid == party_uuid))
        instance = session.scalars(
            select(JourneyInstance).where(JourneyInstance.journey_key == "moving")
        ).one()
        definition = definition_for(instance.version_id)
        offer = definition.suggestions("moved_in")[0]
        for _ in range(args.runs * 20):
            began = time.perf_counter()
            lock_consents(party.id)
            consent = any_consent(history(party.id), purposes_for("moving"))
            steps = steps_leading_to(instance, session)
            explain(definition, instance, "moved_in", offer, steps, "bench", consent)
            costs.append((time.perf_counter() - began) * 1e6)
    print(f"sections: {sizes}")
    for name, values in (
        ("export_party (service)", service),
        ("GET export JSON", http),
        ("GET export HTML", html),
    ):
        q = statistics.quantiles(values, n=20)
        print(
            f"{name}: median {statistics.median(values):.1f} ms, p95 {q[18]:.1f} ms, max {max(values):.1f} ms ({len(values)} runs)"
        )
    q = statistics.quantiles(costs, n=20)
    print(
        f"consent check + explanation per journey event: median {statistics.median(costs):.0f} µs, p95 {q[18]:.0f} µs ({len(costs)} runs)"
    )


if __name__ == "__main__":
    main()
