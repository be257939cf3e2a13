"""Load a benchmark dataset into PostgreSQL: 100,000 persons and 1,000,000 contact moments.

The schema is created with ``kcc db upgrade``; rows are streamed with COPY. BSNs are hashed
and encrypted by the app's own code (``kcc.parties.services``) with ``KCC_DATA_KEY``, so a
server started with the same key finds them. Users and API tokens for the load run and the
ids the load scripts need are written to ``bench/data/``.

    KCC_DATA_KEY=... .venv/bin/python bench/core/generate.py --database kcc_bench --recreate
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
import uuid
from array import array
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "bench" / "data"
# The code under test: a snapshot of a commit (run_core.sh exports one) or this checkout.
SOURCE = Path(os.environ.get("KCC_BENCH_SOURCE") or ROOT)
sys.path.insert(0, str(SOURCE))

from kcc.demo.people import GIVEN, SURNAMES  # noqa: E402

CHANNELS = (
    ["phone"] * 40 + ["counter"] * 15 + ["email"] * 20 + ["web"] * 10 + ["chat"] * 10 + ["sms"] * 5
)
OUTCOMES = ["answered"] * 6 + [
    "forwarded",
    "callback_requested",
    "task_created",
    "no_answer_needed",
]
SUBJECTS = [
    "Vraag over afvalinzameling",
    "Paspoort aanvragen",
    "Parkeervergunning",
    "Bezwaar WOZ",
    "Melding openbare ruimte",
    "Verhuizing doorgeven",
    "Bijstandsuitkering",
    "Rijbewijs verlengen",
]
TEXT = (
    "Inwoner belt over de status van de aanvraag; uitgelegd wat de vervolgstappen zijn en "
    "wanneer een besluit te verwachten is. Afgesproken dat de inwoner een bevestiging krijgt."
)
SAMPLE = 20_000
AGENTS = 8
# The server must run with the same keys: load.py uses these unless the environment sets them.
BENCH_DATA_KEY = "bench-data-key-0123456789abcdef0123456789"
BENCH_SECRET_KEY = "bench-secret-key-0123456789abcdef012345"


def valid_bsns(count: int, rng: random.Random) -> list[str]:
    """``count`` distinct numbers that pass the eleven-check, in an order given by ``rng`` only.

    The numbers are kept in the order they were drawn (a dict, not a set: a set's order
    depends on ``PYTHONHASHSEED``), so one ``--seed`` gives the same BSN to the same party on
    every run.
    """
    found: dict[str, None] = {}
    while len(found) < count:
        digits = [rng.randint(1, 6)] + [rng.randint(0, 9) for _ in range(7)]
        check = sum(d * w for d, w in zip(digits, range(9, 1, -1), strict=True)) % 11
        if check < 10:
            found["".join(map(str, digits)) + str(check)] = None
    ordered = list(found)
    rng.shuffle(ordered)
    return ordered


def recreate(admin_url: str, name: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def upgrade(url: str) -> None:
    env = {**os.environ, "KCC_DATABASE_URL": url, "PYTHONPATH": str(SOURCE)}
    subprocess.run(
        [str(ROOT / ".venv" / "bin" / "kcc"), "db", "upgrade"], check=True, env=env, cwd=SOURCE
    )


def create_users(url: str, existing: bool = False) -> tuple[list[str], list[int]]:
    """Agents for the load run, created by the app's own service (tokens hashed as in production).

    With ``existing`` the agents are there already and only get a new token each.
    """
    os.environ["KCC_DATABASE_URL"] = url
    from sqlalchemy import select

    from kcc.app import create_app
    from kcc.auth.models import User
    from kcc.auth.services import create_user, issue_token
    from kcc.db import db

    app = create_app()
    tokens, ids = [], []
    with app.app_context():
        for n in range(AGENTS):
            name = f"bench-agent-{n}"
            if existing:
                user = db.session().scalars(select(User).where(User.name == name)).one()
                token = issue_token(user, label="bench")
            else:
                user, token = create_user(name, "agent", team="bench")
            tokens.append(token)
            ids.append(user.id)
        db.commit()
        db.remove()
    return tokens, ids


def bsn_material(bsns: list[str]) -> list[tuple[str, str, str]]:
    """(lookup, display, encrypted) per BSN, computed exactly as registering a party does."""
    from kcc.app import create_app
    from kcc.parties import identifiers as ids
    from kcc.parties.services import BSN_CONTEXT, _cipher, bsn_lookup

    app = create_app()
    with app.app_context():
        cipher = _cipher()
        return [(bsn_lookup(b), ids.mask_bsn(b), cipher.encrypt(b, BSN_CONTEXT)) for b in bsns]


def party_rows(n: int, rng: random.Random, now: datetime, bsn: list[tuple[str, str, str]]):  # type: ignore[no-untyped-def]
    from kcc.parties.identifiers import search_key

    parties, identifiers, addresses, out = [], [], [], []
    address_id = 0
    for i in range(1, n + 1):
        given = GIVEN[rng.randrange(len(GIVEN))]
        prefix, surname = SURNAMES[rng.randrange(len(SURNAMES))]
        created = now - timedelta(days=rng.randint(30, 1500))
        party_uuid = uuid.uuid4()
        parties.append(
            (
                i,
                party_uuid,
                "person",
                given,
                prefix,
                surname,
                None,
                search_key(given, prefix, surname),
                None,
                "nl",
                rng.choice(["sms", "email", "phone", None]),
                True,
                created,
                created,
            )
        )
        lookup, display, encrypted = bsn[i - 1]
        identifiers.append((i, uuid.uuid4(), i, "bsn", lookup, display, encrypted, None, created))
        phone = f"+316{10000000 + i:08d}"
        address_id += 1
        addresses.append((address_id, uuid.uuid4(), i, "phone", phone, "", True, None, created))
        if i % 10 < 7:
            address_id += 1
            email = f"{search_key(given).replace(' ', '')}.{i}@example.nl"
            addresses.append(
                (address_id, uuid.uuid4(), i, "email", email, "", True, created, created)
            )
        out.append((party_uuid, phone))
    return parties, identifiers, addresses, out


def moment_owners(
    parties: int, moments: int, heavy: int, per_heavy: int, rng: random.Random
) -> Iterator[int]:
    """Party key per contact moment: the first ``heavy`` parties get ``per_heavy`` each."""
    for party in range(1, heavy + 1):
        for _ in range(per_heavy):
            yield party
    for _ in range(moments - heavy * per_heavy):
        yield rng.randint(heavy + 1, parties)


def copy_moments(
    conn: psycopg.Connection,
    args: argparse.Namespace,
    rng: random.Random,
    now: datetime,
    agents: list[int],
) -> dict[str, int]:
    """Three COPY streams: contact moments, their involvements (5% with a representative)
    and subject objects (20% about a case)."""
    owners = array(
        "i", moment_owners(args.parties, args.moments, args.heavy, args.heavy_moments, rng)
    )
    span = 730 * 24 * 3600
    offsets = array("i", (rng.randrange(span) for _ in range(len(owners))))
    base = now.timestamp()
    counts = {"contact_moments": len(owners), "involvements": 0, "subject_objects": 0}
    with conn.cursor() as cur:
        with cur.copy(
            "COPY contact_moments (id, uuid, channel, direction, subject, text, outcome, language,"
            " confidential, occurred_at, agent_id, external_id, details, created_at, created_by_id)"
            " FROM STDIN"
        ) as copy:
            for mid in range(1, len(owners) + 1):
                at = datetime.fromtimestamp(base - offsets[mid - 1], UTC)
                agent = agents[mid % len(agents)]
                copy.write_row(
                    (
                        mid,
                        uuid.uuid4(),
                        CHANNELS[mid % len(CHANNELS)],
                        "inbound",
                        SUBJECTS[mid % len(SUBJECTS)],
                        TEXT,
                        OUTCOMES[mid % len(OUTCOMES)],
                        "nl",
                        False,
                        at,
                        agent,
                        None,
                        "{}",
                        at,
                        agent,
                    )
                )
        print(f"  contact_moments: {len(owners)}", flush=True)
        with cur.copy(
            "COPY involvements (id, uuid, contact_moment_id, party_id, role, occurred_at)"
            " FROM STDIN"
        ) as copy:
            iid = 0
            for mid in range(1, len(owners) + 1):
                at = datetime.fromtimestamp(base - offsets[mid - 1], UTC)
                iid += 1
                copy.write_row((iid, uuid.uuid4(), mid, owners[mid - 1], "resident", at))
                if mid % 20 == 0:
                    iid += 1
                    other = owners[mid - 1] % args.parties + 1
                    copy.write_row((iid, uuid.uuid4(), mid, other, "representative", at))
            counts["involvements"] = iid
        print(f"  involvements: {iid}", flush=True)
        with cur.copy(
            "COPY subject_objects (id, uuid, contact_moment_id, object_type, object_id, register)"
            " FROM STDIN"
        ) as copy:
            oid = 0
            for mid in range(5, len(owners) + 1, 5):
                oid += 1
                copy.write_row((oid, uuid.uuid4(), mid, "case", f"Z-2025-{mid:07d}", "ZGW"))
            counts["subject_objects"] = oid
        print(f"  subject_objects: {oid}", flush=True)
    return counts


def copy_parties(
    conn: psycopg.Connection, parties: list, identifiers: list, addresses: list
) -> None:  # type: ignore[type-arg]
    with conn.cursor() as cur:
        for table, columns, rows in (
            (
                "parties",
                "id, uuid, type, given_names, surname_prefix, surname, name, search_name,"
                " organisation_id, preferred_language, preferred_channel, is_active, created_at,"
                " updated_at",
                parties,
            ),
            (
                "party_identifiers",
                "id, uuid, party_id, kind, lookup, display, value_encrypted, parent_id, created_at",
                identifiers,
            ),
            (
                "digital_addresses",
                "id, uuid, party_id, kind, address, label, is_default, verified_at, created_at",
                addresses,
            ),
        ):
            with cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            print(f"  {table}: {len(rows)}", flush=True)


def finish(conn: psycopg.Connection) -> None:
    """Move the id sequences past the loaded rows."""
    for table in (
        "parties",
        "party_identifiers",
        "digital_addresses",
        "contact_moments",
        "involvements",
        "subject_objects",
    ):
        top = f"(SELECT COALESCE(MAX(id), 1) FROM {table})"  # noqa: S608  (fixed table names)
        conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {top})")


def write_data(
    args: argparse.Namespace,
    rng: random.Random,
    tokens: list[str],
    bsns: list[str],
    out: list[tuple[uuid.UUID, str]],
    meta: dict[str, object],
) -> None:
    DATA.mkdir(parents=True, exist_ok=True)
    (DATA / "tokens.txt").write_text("\n".join(tokens) + "\n")
    (DATA / "heavy_parties.txt").write_text("".join(f"{out[i][0]}\n" for i in range(args.heavy)))
    ordinary = rng.sample(range(args.heavy, len(out)), min(SAMPLE, len(out) - args.heavy))
    (DATA / "parties.txt").write_text("".join(f"{out[i][0]}\n" for i in ordinary))
    (DATA / "bsns.txt").write_text("".join(f"{bsns[i]}\n" for i in ordinary))
    # As an agent types it: 06 and the eight digits, to exercise normalisation.
    (DATA / "phones.txt").write_text("".join(f"0{out[i][1][3:]}\n" for i in ordinary))
    (DATA / "meta.json").write_text(json.dumps(meta, indent=2) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--database", default="kcc_bench")
    parser.add_argument("--parties", type=int, default=100_000)
    parser.add_argument("--moments", type=int, default=1_000_000)
    parser.add_argument("--heavy", type=int, default=100)
    parser.add_argument("--heavy-moments", type=int, default=500)
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument(
        "--recreate", action="store_true", help="Drop and create the database first."
    )
    parser.add_argument(
        "--tokens-only",
        action="store_true",
        help="Only issue new tokens to the existing bench agents (e.g. after a key change).",
    )
    args = parser.parse_args()
    if args.host not in ("127.0.0.1", "localhost"):
        parser.error("the benchmark only targets 127.0.0.1")
    os.environ.setdefault("KCC_DATA_KEY", BENCH_DATA_KEY)
    os.environ.setdefault("KCC_SECRET_KEY", BENCH_SECRET_KEY)
    url = f"postgresql://postgres@{args.host}/{args.database}"
    if args.tokens_only:
        tokens, _ = create_users(url, existing=True)
        (DATA / "tokens.txt").write_text("\n".join(tokens) + "\n")
        print(f"issued {len(tokens)} new tokens", flush=True)
        return
    started = time.monotonic()
    if args.recreate:
        recreate(f"postgresql://postgres@{args.host}/postgres", args.database)
    upgrade(url)
    print("schema ready", flush=True)
    rng = random.Random(args.seed)
    now = datetime.now(UTC).replace(microsecond=0)
    tokens, agents = create_users(url)
    bsns = valid_bsns(args.parties, rng)
    material = bsn_material(bsns)
    parties, identifiers, addresses, out = party_rows(args.parties, rng, now, material)
    print(f"prepared {len(parties)} parties in {time.monotonic() - started:.1f}s", flush=True)
    with psycopg.connect(url) as conn:
        copy_parties(conn, parties, identifiers, addresses)
        counts = copy_moments(conn, args, rng, now, agents)
        finish(conn)
        conn.commit()
    loaded = time.monotonic() - started
    print(f"loaded in {loaded:.1f}s; vacuum analyze ...", flush=True)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")
    meta = {
        "database": args.database,
        "parties": len(parties),
        "digital_addresses": len(addresses),
        **counts,
        "heavy_parties": args.heavy,
        "heavy_moments_each": args.heavy_moments,
        "agents": len(tokens),
        "load_seconds": round(loaded, 1),
        "total_seconds": round(time.monotonic() - started, 1),
    }
    write_data(args, rng, tokens, bsns, out, meta)
    print(json.dumps(meta), flush=True)


if __name__ == "__main__":
    main()
