"""Privacy benchmarks on PostgreSQL: exporting a heavy party, and the added cost of consent checks
and explanations per journey event.

    .venv/bin/python bench/privacy/bench.py --database postgresql://postgres@127.0.0.1/kcc_bench_privacy

The database is dropped and created, migrated, and filled with one heavy party: 500 contact
moments, 3 journeys with steps, suggestions, consents, and 2,000 processing-log records.

Wall-clock times depend on how busy the machine is; CPU time of this process per export
(``time.process_time``) and SQL statements per export do not, and guide optimisation.
``--sections`` adds CPU and wall time per export section, ``--profile N`` prints the
functions that take the most time over N exports (cProfile).
"""

from __future__ import annotations

import argparse
import gc
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


def timed(fn, runs: int) -> tuple[list[float], list[float]]:  # type: ignore[no-untyped-def]
    """Wall and CPU milliseconds of ``runs`` calls."""
    wall, cpu = [], []
    for _ in range(runs):
        began, began_cpu = time.perf_counter(), time.process_time()
        fn()
        cpu.append((time.process_time() - began_cpu) * 1000)
        wall.append((time.perf_counter() - began) * 1000)
    return wall, cpu


def summary(values: list[float], unit: str = "ms") -> str:
    q = statistics.quantiles(values, n=20)
    return (
        f"median {statistics.median(values):.1f} {unit}, p95 {q[18]:.1f} {unit}, "
        f"max {max(values):.1f} {unit}"
    )


def statements_per_call(app, fn) -> int:  # type: ignore[no-untyped-def]
    from sqlalchemy import event

    found: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        found.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        fn()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(found)


def section_times(app, party_uuid, runs: int) -> None:  # type: ignore[no-untyped-def]
    """CPU and wall milliseconds per export section (median over ``runs``)."""
    from kcc.rights import export

    found: dict[str, list[tuple[float, float]]] = {}
    for _ in range(runs):
        with app.app_context(), unit_of_work() as session:
            began, began_cpu = time.perf_counter(), time.process_time()
            _, parties = export.merge_group(party_uuid)
            found.setdefault("merge_group", []).append(
                ((time.process_time() - began_cpu) * 1000, (time.perf_counter() - began) * 1000)
            )
            for name, provider in export.section_providers().items():
                began, began_cpu = time.perf_counter(), time.process_time()
                provider(parties)
                found.setdefault(name, []).append(
                    ((time.process_time() - began_cpu) * 1000, (time.perf_counter() - began) * 1000)
                )
            session.rollback()
    for name, values in found.items():
        cpu = statistics.median(c for c, _ in values)
        wall = statistics.median(w for _, w in values)
        print(f"  section {name}: CPU {cpu:.2f} ms, wall {wall:.2f} ms")


def consent_and_explanation(
    app, party_uuid: uuid.UUID, runs: int
) -> tuple[list[float], list[float]]:  # type: ignore[no-untyped-def]
    """Wall µs per journey event for what a suggestion adds: the party's consent lock, its
    objection, its history checked for the offer's own purpose, the instance's last steps, the
    explanation and its plain words with the signed withdrawal link, and the cap check."""
    from sqlalchemy import select

    from journeys.models import JourneyInstance
    from journeys.suggestions.delivery import any_consent, held_back
    from journeys.suggestions.explain import explain, plain_words, steps_leading_to
    from journeys.suggestions.models import Suggestion
    from journeys.suggestions.withdrawal import withdrawal_link
    from journeys.versions import definition_for
    from kcc.consent.services import history, lock_consents
    from kcc.consent.withdrawals import objected
    from kcc.parties.models import Party

    costs: list[float] = []
    cpu: list[float] = []
    with app.test_request_context(), unit_of_work() as session:
        party = session.scalar(select(Party).where(Party.uuid == party_uuid))
        instance = session.scalars(
            select(JourneyInstance).where(JourneyInstance.journey_key == "moving")
        ).one()
        definition = definition_for(instance.version_id)
        offer = definition.suggestions("moved_in")[0]
        for _ in range(runs):
            began, began_cpu = time.perf_counter(), time.process_time()
            lock_consents(party.id)
            records = history(party.id)
            assert not objected(party.id, records)
            consent = any_consent(records, offer["consent_purpose"])
            assert consent is not None
            steps = steps_leading_to(instance, session)
            explanation = explain(definition, instance, "moved_in", offer, steps, "bench", consent)
            suggestion = Suggestion(
                uuid=uuid.uuid4(), party_id=party.id, service=offer["service"], texts=offer["text"]
            )
            plain_words(explanation, "nl", withdrawal_link(suggestion.uuid, "nl"))
            held_back(suggestion)
            costs.append((time.perf_counter() - began) * 1e6)
            cpu.append((time.process_time() - began_cpu) * 1e6)
    return costs, cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", default="postgresql://postgres@127.0.0.1/kcc_bench_privacy")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--sections", action="store_true", help="CPU and wall time per section")
    parser.add_argument("--profile", type=int, default=0, help="cProfile N exports")
    parser.add_argument(
        "--no-freeze",
        action="store_true",
        help="leave start-up objects to the garbage collector (gunicorn.conf.py freezes them)",
    )
    parser.add_argument(
        "--consent-only", action="store_true", help="only the consent check + explanation"
    )
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
    if args.consent_only:
        costs, cpu = consent_and_explanation(app, party_uuid, args.runs * 20)
        q = statistics.quantiles(costs, n=20)
        print(
            f"consent check + explanation per journey event: median {statistics.median(costs):.0f} µs, p95 {q[18]:.0f} µs, CPU median {statistics.median(cpu):.0f} µs ({len(costs)} runs)"
        )
        return
    from kcc.rights.export import export_party

    if not args.no_freeze:  # as gunicorn's post_worker_init does in production
        gc.collect()
        gc.freeze()

    def export_once() -> None:
        with app.app_context(), unit_of_work():
            doc = export_party(party_uuid)
        assert len(doc["contact_moments"]) >= 500

    with app.app_context(), unit_of_work():
        doc = export_party(party_uuid)
        sizes = {k: len(v) for k, v in doc.items() if isinstance(v, list)}
    export_once()
    service, service_cpu = timed(export_once, args.runs)

    from kcc.auth.services import create_user

    with app.app_context(), unit_of_work():
        _, token = create_user("bench-agent", "agent", team="KCC")
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}

    def get_json() -> None:
        assert (
            client.get(f"/api/v1/parties/{party_uuid}/export", headers=headers).status_code == 200
        )

    def get_html() -> None:
        response = client.get(f"/api/v1/parties/{party_uuid}/export?format=html", headers=headers)
        assert response.status_code == 200

    http, http_cpu = timed(get_json, args.runs)
    html, html_cpu = timed(get_html, args.runs)
    statements = statements_per_call(app, export_once)

    costs, cpu = consent_and_explanation(app, party_uuid, args.runs * 20)
    print(f"sections: {sizes}")
    print(f"SQL statements per export: {statements}")
    for name, wall, cpu in (
        ("export_party (service)", service, service_cpu),
        ("GET export JSON", http, http_cpu),
        ("GET export HTML", html, html_cpu),
    ):
        print(f"{name}: wall {summary(wall)}; CPU {summary(cpu)} ({len(wall)} runs)")
    q = statistics.quantiles(costs, n=20)
    print(
        f"consent check + explanation per journey event: median {statistics.median(costs):.0f} µs, p95 {q[18]:.0f} µs, CPU median {statistics.median(cpu):.0f} µs ({len(costs)} runs)"
    )
    if args.sections:
        section_times(app, party_uuid, args.runs)
    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.profile):
            export_once()
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)


if __name__ == "__main__":
    main()
