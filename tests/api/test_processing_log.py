"""The processing log: who processed whose personal data, when, why, in which trace."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from kcc.db import db

BSN = "111222333"
TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"


def log_of(caller, party: str) -> list[dict[str, str]]:
    response = caller.get("/api/v1/processing-log", query_string={"party": party, "limit": 500})
    assert response.status_code == 200, response.json
    return response.json["items"]


def raw_rows(app) -> list[dict[str, object]]:
    with app.app_context():
        try:
            return [
                dict(r)
                for r in db.session().execute(text("SELECT * FROM processing_log")).mappings()
            ]
        finally:
            db.remove()


def test_reads_and_writes_are_logged_with_actor_activity_and_trace(agent, supervisor):
    headers = {"traceparent": f"00-{TRACE}-00f067aa0ba902b7-01"}
    created = agent.post(
        "/api/v1/parties", json={"type": "person", "surname": "Jansen", "bsn": BSN}, headers=headers
    ).json
    party = created["id"]
    agent.get(f"/api/v1/parties/{party}")
    agent.get(f"/api/v1/parties?bsn={BSN}")
    agent.patch(f"/api/v1/parties/{party}", json={"given_names": "Anna"})
    agent.get(f"/api/v1/parties/{party}/view")
    agent.post(
        "/api/v1/contact-moments", json={"channel": "phone", "parties": [{"party_id": party}]}
    )
    agent.post(
        f"/api/v1/parties/{party}/digital-addresses",
        json={"kind": "email", "address": "a@example.nl"},
    )

    records = list(reversed(log_of(supervisor, party)))
    assert [r["action"] for r in records] == [
        "create",
        "read",
        "search",
        "update",
        "read",
        "create",
        "update",
    ]
    first = records[0]
    assert first["trace_id"] == TRACE
    assert first["actor_type"] == "agent"
    assert first["actor_id"] == str(agent.user_id)
    assert first["activity"] == "kcc.party-registration"
    assert first["operation"] == "POST /api/v1/parties"
    assert first["party_id"] == party
    assert {r["party_id"] for r in records} == {party}
    assert records[1]["activity"] == "kcc.customer-contact"
    assert records[1]["trace_id"] != TRACE
    assert len({r["trace_id"] for r in records[1:]}) == len(records) - 1


def test_a_malformed_traceparent_starts_a_new_trace(agent, supervisor):
    party = agent.post(
        "/api/v1/parties",
        json={"type": "person", "surname": "Jansen"},
        headers={"traceparent": "00-zz-yy-01"},
    ).json["id"]
    [record] = log_of(supervisor, party)
    assert len(record["trace_id"]) == 32
    assert record["trace_id"] != "zz"


def test_data_subject_is_stored_encrypted(app, agent):
    party = agent.post(
        "/api/v1/parties", json={"type": "person", "surname": "Jansen", "bsn": BSN}
    ).json["id"]
    agent.get(f"/api/v1/parties/{party}")
    rows = raw_rows(app)
    assert len(rows) == 2
    dump = " ".join(str(v) for row in rows for v in row.values())
    assert party not in dump
    assert party.replace("-", "") not in dump
    assert BSN not in dump


def test_search_logs_every_party_found_and_only_those(agent, supervisor):
    one = agent.post("/api/v1/parties", json={"type": "person", "surname": "Bakker"}).json["id"]
    two = agent.post("/api/v1/parties", json={"type": "person", "surname": "Bakker"}).json["id"]
    other = agent.post("/api/v1/parties", json={"type": "person", "surname": "Visser"}).json["id"]
    agent.get("/api/v1/parties?q=bakker")
    assert [r["action"] for r in log_of(supervisor, one)] == ["search", "create"]
    assert [r["action"] for r in log_of(supervisor, two)] == ["search", "create"]
    assert [r["action"] for r in log_of(supervisor, other)] == ["create"]


def test_failed_requests_leave_no_record(app, agent):
    agent.post("/api/v1/parties", json={"type": "person", "surname": "Jansen", "bsn": "123456789"})
    assert raw_rows(app) == []


def test_only_supervision_reads_the_log(agent, supervisor, make_caller):
    assert agent.get("/api/v1/processing-log").status_code == 403
    assert make_caller("system").get("/api/v1/processing-log").status_code == 403
    assert supervisor.get("/api/v1/processing-log").status_code == 200
    assert make_caller("admin").get("/api/v1/processing-log").status_code == 200


def test_log_pages_newest_first(agent, supervisor):
    party = agent.post("/api/v1/parties", json={"type": "person", "surname": "Jansen"}).json["id"]
    for _ in range(6):
        agent.get(f"/api/v1/parties/{party}")
    seen: list[str] = []
    cursor = None
    while True:
        query = {"party": party, "limit": 3, **({"cursor": cursor} if cursor else {})}
        page = supervisor.get("/api/v1/processing-log", query_string=query).json
        seen.extend(r["id"] for r in page["items"])
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == 7


def test_no_route_changes_or_deletes_records(supervisor):
    for method in ("PUT", "PATCH", "DELETE"):
        response = supervisor.client.open(
            "/api/v1/processing-log",
            method=method,
            headers={"Authorization": f"Bearer {supervisor.token}"},
        )
        assert response.status_code == 405
        assert response.headers["Allow"]


@pytest.mark.postgres
@pytest.mark.skipif(
    not os.environ.get("KCC_TEST_DATABASE_URL"), reason="needs PostgreSQL (KCC_TEST_DATABASE_URL)"
)
@pytest.mark.parametrize(
    "statement", ["UPDATE processing_log SET action = 'delete'", "DELETE FROM processing_log"]
)
def test_database_refuses_update_and_delete(app, agent, statement):
    agent.post("/api/v1/parties", json={"type": "person", "surname": "Jansen"})
    with app.app_context():
        session = db.session()
        with pytest.raises(DBAPIError, match="append-only"):
            session.execute(text(statement))
        db.rollback()
        db.remove()
    assert len(raw_rows(app)) == 1
