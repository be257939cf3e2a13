"""A processing-log record commits with the answer it records, or neither is given."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import text

from kcc.db import db
from tests.statements import autocommit_of_statements

BSN = "111222333"


def records(app) -> list[tuple[str, str]]:
    """(action, operation) of every stored record, oldest first, seen by a new session."""
    with app.app_context():
        try:
            rows = db.session().execute(
                text("SELECT action, operation FROM processing_log ORDER BY id")
            )
            return [(r[0], r[1]) for r in rows]
        finally:
            db.remove()


def stored_moments(app) -> int:
    with app.app_context():
        try:
            return int(db.session().scalar(text("SELECT count(*) FROM contact_moments")))
        finally:
            db.remove()


@contextmanager
def refused(app, action: str) -> Iterator[None]:
    """The database refuses every new processing-log record of ``action``: a CHECK constraint
    on PostgreSQL (for new rows only), a trigger that aborts the insert as a constraint error on SQLite."""
    with app.app_context():
        engine = db.engine
        assert engine is not None
        postgres = engine.dialect.name == "postgresql"
        with engine.begin() as conn:
            if postgres:
                conn.execute(
                    text(
                        "ALTER TABLE processing_log ADD CONSTRAINT ck_processing_log_test_refused"
                        f" CHECK (action <> '{action}') NOT VALID"
                    )
                )
            else:
                conn.execute(
                    text(
                        "CREATE TRIGGER test_refused BEFORE INSERT ON processing_log"
                        f" WHEN NEW.action = '{action}'"
                        " BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
                    )
                )
        try:
            yield
        finally:
            with engine.begin() as conn:
                if postgres:
                    conn.execute(
                        text(
                            "ALTER TABLE processing_log"
                            " DROP CONSTRAINT ck_processing_log_test_refused"
                        )
                    )
                else:
                    conn.execute(text("DROP TRIGGER test_refused"))
            db.remove()


@pytest.fixture()
def party(agent) -> str:
    created = agent.post(
        "/api/v1/parties", json={"type": "person", "surname": "Jansen", "bsn": BSN}
    )
    assert created.status_code == 201, created.json
    return str(created.json["id"])


def test_each_answer_comes_with_its_committed_record(app, agent, party):
    assert records(app) == [("create", "POST /api/v1/parties")]

    moment = agent.post(
        "/api/v1/contact-moments", json={"channel": "phone", "parties": [{"party_id": party}]}
    )
    assert moment.status_code == 201, moment.json
    assert records(app)[1:] == [("create", "POST /api/v1/contact-moments")]

    view = agent.get(f"/api/v1/parties/{party}/view")
    assert view.status_code == 200, view.json
    assert records(app)[2:] == [("read", "GET /api/v1/parties/<uuid:party_id>/view")]

    read = agent.get(f"/api/v1/parties/{party}")
    assert read.status_code == 200, read.json
    assert records(app)[3:] == [("read", "GET /api/v1/parties/<uuid:party_id>")]

    found = agent.get(f"/api/v1/parties?bsn={BSN}")
    assert [p["id"] for p in found.json["items"]] == [party]
    assert records(app)[4:] == [("search", "GET /api/v1/parties")]


def test_a_moment_for_two_parties_logs_each_once(app, agent, party):
    other = agent.post("/api/v1/parties", json={"type": "person", "surname": "Bakker"}).json["id"]
    before = len(records(app))
    moment = agent.post(
        "/api/v1/contact-moments",
        json={
            "channel": "phone",
            "parties": [
                {"party_id": party, "role": "resident"},
                {"party_id": other, "role": "representative"},
            ],
        },
    )
    assert moment.status_code == 201, moment.json
    assert records(app)[before:] == [("create", "POST /api/v1/contact-moments")] * 2


def test_an_unknown_party_leaves_no_record(app, agent):
    missing = "00000000-0000-4000-8000-000000000000"
    assert agent.get(f"/api/v1/parties/{missing}/view").status_code == 404
    assert agent.get(f"/api/v1/parties/{missing}").status_code == 404
    moment = agent.post(
        "/api/v1/contact-moments", json={"channel": "phone", "parties": [{"party_id": missing}]}
    )
    assert moment.status_code == 422
    assert records(app) == []
    assert stored_moments(app) == 0


def test_a_refused_record_means_no_contact_moment(app, agent, party):
    with refused(app, "create"):
        moment = agent.post(
            "/api/v1/contact-moments",
            json={"channel": "phone", "subject": "Paspoort", "parties": [{"party_id": party}]},
        )
    assert moment.status_code == 409, moment.json
    assert moment.content_type == "application/problem+json"
    assert "id" not in moment.json
    assert stored_moments(app) == 0
    assert [action for action, _ in records(app)] == ["create"]  # the party's registration


@pytest.mark.parametrize("path", ["/api/v1/parties/{party}/view", "/api/v1/parties/{party}"])
def test_a_refused_record_means_no_personal_data_shown(app, agent, party, path):
    with refused(app, "read"):
        answer = agent.get(path.format(party=party))
    assert answer.status_code == 409, answer.json
    assert answer.content_type == "application/problem+json"
    assert "Jansen" not in answer.get_data(as_text=True)
    assert [action for action, _ in records(app)] == ["create"]


def test_a_refused_search_record_means_no_party_found(app, agent, party):
    with refused(app, "search"):
        answer = agent.get(f"/api/v1/parties?bsn={BSN}")
    assert answer.status_code == 409, answer.json
    assert "Jansen" not in answer.get_data(as_text=True)


def test_reads_without_a_transaction_leave_writes_in_one(app, agent, party):
    """A search and a view run their statements without a transaction on PostgreSQL; the
    connection they used goes back to the pool as it was, so the next write is still all or
    nothing."""
    with app.app_context():
        engine = db.engine
        assert engine is not None
        postgres = engine.dialect.name == "postgresql"
    with autocommit_of_statements() as seen:
        assert agent.get(f"/api/v1/parties?bsn={BSN}").status_code == 200
        assert agent.get(f"/api/v1/parties/{party}/view").status_code == 200
    autocommit = [alone for alone, _ in seen]
    assert autocommit and set(autocommit) == {postgres}
    with app.app_context():
        with engine.connect() as connection:  # the connection the reads used, from the pool
            assert connection.get_isolation_level() != "AUTOCOMMIT"
        db.remove()
    with refused(app, "create"):
        moment = agent.post(
            "/api/v1/contact-moments", json={"channel": "phone", "parties": [{"party_id": party}]}
        )
    assert moment.status_code == 409, moment.json
    assert stored_moments(app) == 0
    assert [action for action, _ in records(app)] == ["create", "search", "read"]
