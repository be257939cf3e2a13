"""A new contact moment, its involvements and objects, its outbox event and its processing-log
records go in together: on PostgreSQL as one statement, elsewhere one statement each; a
repeat of a channel's message writes none of them again."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Flask
from sqlalchemy import select, text

from kcc.contacts.models import ContactMoment
from kcc.db import db
from tests.conftest import Caller
from tests.statements import autocommit_of_statements, counted_statements


def _count(app: Flask, table: str) -> int:
    with app.app_context():
        try:
            return int(db.session().scalar(text(f"SELECT count(*) FROM {table}")))  # noqa: S608
        finally:
            db.remove()


def _register(agent: Caller, surname: str) -> str:
    made = agent.post("/api/v1/parties", json={"type": "person", "surname": surname})
    assert made.status_code == 201, made.json
    return str(made.json["id"])


def _moment(
    agent: Caller, parties: list[str], headers: dict[str, str] | None = None, **extra: Any
) -> Any:
    return agent.post(
        "/api/v1/contact-moments",
        json={
            "channel": "phone",
            "subject": "Afval",
            "parties": [
                {"party_id": parties[0], "role": "resident"},
                {"party_id": parties[1], "role": "representative"},
            ],
            "objects": [{"type": "zaak", "id": "Z-1"}, {"type": "zaak", "id": "Z-2"}],
            **extra,
        },
        headers=headers,
    )


def test_everything_a_moment_writes_goes_in_together(app: Flask, agent: Caller) -> None:
    parties = [_register(agent, "Jansen"), _register(agent, "Bakker")]
    before = {t: _count(app, t) for t in ("outbox", "processing_log")}
    with counted_statements() as asked:
        made = _moment(agent, parties)
    assert made.status_code == 201, made.json
    writes = [s for s in asked if not s.lstrip().upper().startswith("SELECT")]
    with app.app_context():
        postgres = db.dialect == "postgresql"
        moment = (
            db.session()
            .scalars(select(ContactMoment).where(ContactMoment.uuid == uuid.UUID(made.json["id"])))
            .one()
        )
        linked = [(str(i.party.uuid), i.role, i.contact_moment_id) for i in moment.involvements]
        objects = [(o.object_id, o.contact_moment_id) for o in moment.objects]
        ids = [i.id for i in moment.involvements] + [o.id for o in moment.objects]
        db.remove()
    if postgres:
        assert len(writes) == 1 and writes[0].lstrip().startswith("WITH"), writes
    else:
        tables = {w.split()[2] for w in writes if w.lstrip().upper().startswith("INSERT INTO")}
        assert tables == {
            "contact_moments",
            "involvements",
            "subject_objects",
            "outbox",
            "processing_log",
        }, writes
    assert linked == [
        (parties[0], "resident", moment.id),
        (parties[1], "representative", moment.id),
    ]
    assert objects == [("Z-1", moment.id), ("Z-2", moment.id)]
    assert all(ids)
    assert made.json["parties"] == [
        {"party_id": parties[0], "role": "resident", "contact_name": None},
        {"party_id": parties[1], "role": "representative", "contact_name": None},
    ]
    assert _count(app, "outbox") == before["outbox"] + 1
    assert _count(app, "processing_log") == before["processing_log"] + 2


def test_a_repeated_message_writes_nothing_again(app: Flask, agent: Caller) -> None:
    parties = [_register(agent, "Jansen"), _register(agent, "Bakker")]
    first = _moment(agent, parties, external_id="SM-1")
    assert first.status_code == 201, first.json
    counts = {t: _count(app, t) for t in ("contact_moments", "involvements", "outbox")}
    logged = _count(app, "processing_log")
    again = _moment(agent, parties, external_id="SM-1")
    assert again.status_code in (200, 201), again.json
    assert again.json["id"] == first.json["id"]
    assert {t: _count(app, t) for t in counts} == counts
    assert _count(app, "processing_log") == logged  # nothing created, nothing logged as such


def test_written_at_once_without_a_transaction_unless_a_key_began_one(
    app: Flask, agent: Caller
) -> None:
    """On PostgreSQL a moment written at once needs no transaction around its statements; with
    an Idempotency-Key the claim and the stored answer commit with the moment, in one."""
    parties = [_register(agent, "Jansen"), _register(agent, "Bakker")]
    with app.app_context():
        engine = db.engine
        assert engine is not None
        postgres = engine.dialect.name == "postgresql"
    with autocommit_of_statements() as seen:
        assert _moment(agent, parties).status_code == 201
    alone = [a for a, _ in seen]
    with autocommit_of_statements() as seen:
        keyed = _moment(agent, parties, headers={"Idempotency-Key": "k-1"})
        assert keyed.status_code == 201, keyed.json
        assert _moment(agent, parties, headers={"Idempotency-Key": "k-1"}).json == keyed.json
    autocommit = [a for a, _ in seen]
    assert alone and set(alone) == {postgres}
    assert autocommit and set(autocommit) == {False}
    assert _count(app, "contact_moments") == 2
