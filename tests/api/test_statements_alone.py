"""Requests whose statements each commit alone (the search, the customer view, a contact
moment without topics) run them on the autocommit engine's connection on PostgreSQL, without
an ORM session where Core statements do, and give every connection back, however they end."""

from __future__ import annotations

import uuid

from sqlalchemy import Connection, event
from sqlalchemy.orm import Session

from kcc.auth.token_cache import clear_all
from kcc.db import db
from tests.api.test_processing_log_commit import BSN, party, refused

__all__ = ["party"]  # fixtures


def autocommit(connection: Connection) -> bool:
    return bool(getattr(connection.connection.dbapi_connection, "autocommit", False))


def checked_out(app) -> list[int]:
    """Connections checked out of each engine's pool (the autocommit one on PostgreSQL)."""
    with app.app_context():
        return [engine.pool.checkedout() for engine in db.engines()]


def test_every_connection_goes_back_whatever_the_answer(app, agent, client, party):
    unknown = uuid.uuid4()
    answers = {
        "search": agent.get(f"/api/v1/parties?bsn={BSN}"),
        "view": agent.get(f"/api/v1/parties/{party}/view"),
        "moment": agent.post(
            "/api/v1/contact-moments", json={"channel": "phone", "parties": [{"party_id": party}]}
        ),
        "bad BSN": agent.get("/api/v1/parties?bsn=123"),
        "unknown parameter": agent.get("/api/v1/parties?colour=blue"),
        "unknown party": agent.get(f"/api/v1/parties/{unknown}/view"),
        "unknown token": client.get(
            f"/api/v1/parties?bsn={BSN}", headers={"Authorization": "Bearer not-a-token"}
        ),
    }
    with refused(app, "search"):
        answers["refused record"] = agent.get(f"/api/v1/parties?bsn={BSN}")
    statuses = {name: answer.status_code for name, answer in answers.items()}
    assert statuses == {
        "search": 200,
        "view": 200,
        "moment": 201,
        "bad BSN": 422,
        "unknown parameter": 422,
        "unknown party": 404,
        "unknown token": 401,
        "refused record": 409,
    }
    assert set(checked_out(app)) == {0}


def test_a_search_needs_no_orm_session_on_postgresql(app, agent, party):
    """Its token check, search and log record are Core statements on the scope's autocommit
    connection: no session is begun. SQLite has no autocommit engine, and a session's
    transaction holds them."""
    with app.app_context():
        postgres = db.dialect == "postgresql"
    begun: list[Session] = []

    def note(session: Session, *_args: object) -> None:
        begun.append(session)

    clear_all()  # the token is checked in the database too
    event.listen(Session, "after_begin", note)
    try:
        answer = agent.get(f"/api/v1/parties?bsn={BSN}")
    finally:
        event.remove(Session, "after_begin", note)
    assert answer.status_code == 200, answer.json
    assert [item["id"] for item in answer.json["items"]] == [party]
    assert bool(begun) is not postgres


def test_an_orm_read_in_a_scope_alone_runs_on_its_connection(app, party):
    """A session made after the scope went alone is bound to the scope's autocommit
    connection, so its reads take no transaction block and no second connection."""
    with app.test_request_context():
        try:
            db.statements_alone()
            if db.dialect != "postgresql":
                assert not db.alone()
                return
            assert db.alone()
            connection = db.session().connection()
            assert connection is db.connection()
            assert autocommit(connection)
            assert checked_out(app) == [0, 1]
        finally:
            db.commit()
            db.remove()
    assert checked_out(app) == [0, 0]


def test_a_scope_in_a_transaction_keeps_it(app, party):
    """A session that began a transaction before the scope asked to go alone keeps it: its
    statements still commit together."""
    with app.test_request_context():
        try:
            session = db.session()
            before = session.connection()
            db.statements_alone()
            assert not db.alone()
            assert db.connection() is before
            assert not autocommit(before)
        finally:
            db.rollback()
            db.remove()
