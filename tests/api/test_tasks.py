"""Tasks: callbacks, follow-ups, complaints and objections with their deadlines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from kcc.db import db
from kcc.tasks import deadlines
from kcc.tasks.models import Task

AMS = ZoneInfo("Europe/Amsterdam")
MISSING = "00000000-0000-4000-8000-000000000000"


def count(app) -> int:
    with app.app_context():
        try:
            return db.session().scalar(select(func.count()).select_from(Task)) or 0
        finally:
            db.remove()


def task(caller, **fields: object):
    return caller.post(
        "/api/v1/tasks", json={"kind": "follow_up", "assigned_team": "KCC", **fields}
    )


def at(value: str) -> datetime:
    return datetime.fromisoformat(value)


def test_complaint_gets_its_statutory_deadline(agent):
    response = task(
        agent,
        kind="complaint",
        received_at="2026-01-05T10:00:00+01:00",
        description="Klacht over afval",
    )
    assert response.status_code == 201, response.json
    body = response.json
    assert body["status"] == "open"
    assert at(body["due_at"]) == datetime(2026, 2, 16, 23, 59, 59, tzinfo=AMS)
    assert body["extended_at"] is None
    assert body["party_id"] is None
    assert body["assigned_user_id"] is None
    assert body["contact_moment_id"] is None


def test_objection_with_advisory_committee(agent):
    body = task(
        agent, kind="objection", received_at="2026-01-05T10:00:00+01:00", advisory_committee=True
    ).json
    assert at(body["due_at"]) == datetime(2026, 3, 30, 23, 59, 59, tzinfo=AMS)
    assert body["advisory_committee"] is True


def test_extension_once(app, agent):
    body = task(agent, kind="complaint", received_at="2026-01-05T10:00:00+01:00").json
    path = f"/api/v1/tasks/{body['id']}"
    extended = agent.patch(path, json={"extend": True})
    assert extended.status_code == 200, extended.json
    assert at(extended.json["due_at"]) == datetime(2026, 3, 16, 23, 59, 59, tzinfo=AMS)
    assert extended.json["extended_at"] is not None
    again = agent.patch(path, json={"extend": True})
    assert again.status_code == 409
    assert at(agent.get(path).json["due_at"]) == datetime(2026, 3, 16, 23, 59, 59, tzinfo=AMS)
    objection = task(agent, kind="objection", received_at="2026-01-05T10:00:00+01:00").json
    moved = agent.patch(f"/api/v1/tasks/{objection['id']}", json={"extend": True}).json
    assert at(moved["due_at"]) == datetime(2026, 3, 30, 23, 59, 59, tzinfo=AMS)


def test_statutory_due_date_cannot_be_set_by_hand(app, agent):
    response = task(agent, kind="complaint", due_at="2030-01-01T00:00:00+00:00")
    assert response.status_code == 422
    assert response.json["invalid_params"][0]["name"] == "due_at"
    body = task(agent, kind="complaint").json
    patched = agent.patch(
        f"/api/v1/tasks/{body['id']}", json={"due_at": "2030-01-01T00:00:00+00:00"}
    )
    assert patched.status_code == 422
    callback = task(agent, kind="callback").json
    assert agent.patch(f"/api/v1/tasks/{callback['id']}", json={"extend": True}).status_code == 422
    assert count(app) == 2


def test_callback_is_due_in_two_working_days(agent):
    received = datetime(2026, 1, 9, 15, tzinfo=AMS)  # a Friday
    body = task(agent, kind="callback", received_at=received.isoformat()).json
    assert at(body["due_at"]) == datetime(2026, 1, 13, 23, 59, 59, tzinfo=AMS)
    own = task(agent, kind="callback", due_at="2026-01-09T17:00:00+01:00").json
    assert at(own["due_at"]) == datetime(2026, 1, 9, 16, tzinfo=UTC)


@pytest.mark.parametrize(
    ("fields", "name"),
    [
        ({"kind": "chore"}, "kind"),
        ({"assigned_team": None}, "assigned_team"),
        ({"assigned_team": ""}, "assigned_team"),
        ({"assigned_user_id": MISSING}, "assigned_user_id"),
        ({"party_id": MISSING}, "party_id"),
        ({"contact_moment_id": MISSING}, "contact_moment_id"),
        ({"advisory_committee": True}, "advisory_committee"),
        ({"description": "x" * 4001}, "description"),
        ({"received_at": "2099-01-01T00:00:00+00:00"}, "received_at"),
        ({"priority": "high"}, "priority"),
    ],
)
def test_bad_task_input(app, agent, fields, name):
    response = task(agent, **fields)
    assert response.status_code == 422, response.json
    assert name in [p["name"] for p in response.json["invalid_params"]]
    assert count(app) == 0


def test_links_party_contact_moment_and_user(agent):
    party = agent.post("/api/v1/parties", json={"type": "person", "surname": "Jansen"}).json
    moment = agent.post(
        "/api/v1/contact-moments", json={"channel": "phone", "parties": [{"party_id": party["id"]}]}
    ).json
    body = task(
        agent,
        kind="callback",
        party_id=party["id"],
        contact_moment_id=moment["id"],
        assigned_user_id=str(agent.user_id),
        assigned_team=None,
    )
    assert body.status_code == 201, body.json
    assert body.json["party_id"] == party["id"]
    assert body.json["contact_moment_id"] == moment["id"]
    assert body.json["assigned_user_id"] == str(agent.user_id)
    assert body.json["assigned_team"] is None


def test_status_changes_and_completed_at(agent):
    body = task(agent).json
    path = f"/api/v1/tasks/{body['id']}"
    assert agent.patch(path, json={"status": "in_progress"}).json["completed_at"] is None
    done = agent.patch(path, json={"status": "done", "note": "Teruggebeld"})
    assert done.status_code == 200
    assert done.json["completed_at"] is not None
    assert done.json["note"] == "Teruggebeld"
    assert agent.patch(path, json={"status": "cancelled"}).status_code == 409
    assert agent.patch(path, json={"note": "nog iets"}).status_code == 409
    reopened = agent.patch(path, json={"status": "open"})
    assert reopened.status_code == 200
    assert reopened.json["completed_at"] is None
    assert agent.patch(path, json={"status": "waiting"}).status_code == 422
    assert agent.patch(f"/api/v1/tasks/{MISSING}", json={"status": "done"}).status_code == 404
    assert agent.get(f"/api/v1/tasks/{MISSING}").status_code == 404


def test_assignment_rules(agent, make_caller):
    colleague = make_caller("agent")
    body = task(agent).json
    path = f"/api/v1/tasks/{body['id']}"
    moved = agent.patch(
        path, json={"assigned_user_id": str(colleague.user_id), "assigned_team": None}
    )
    assert moved.status_code == 200, moved.json
    assert moved.json["assigned_user_id"] == str(colleague.user_id)
    unassigned = agent.patch(path, json={"assigned_user_id": None})
    assert unassigned.status_code == 422
    assert agent.get(path).json["assigned_user_id"] == str(colleague.user_id)
    assert agent.patch(path, json={"assigned_user_id": MISSING}).status_code == 422
    team = agent.patch(path, json={"assigned_user_id": None, "assigned_team": "Burgerzaken"})
    assert team.status_code == 200
    assert team.json["assigned_team"] == "Burgerzaken"
    assert team.json["assigned_user_id"] is None
    unknown = agent.patch(path, json={"assigned_team": "Nergens"})
    assert unknown.status_code == 422
    assert unknown.json["invalid_params"] == [
        {"name": "assigned_team", "reason": "no team 'Nergens' in the directory"}
    ]
    assert agent.get(path).json["assigned_team"] == "Burgerzaken"


def test_systems_create_but_do_not_change_tasks(system):
    body = task(system)
    assert body.status_code == 201
    assert (
        system.patch(f"/api/v1/tasks/{body.json['id']}", json={"status": "done"}).status_code == 403
    )


def test_overdue_and_due_soon(agent):
    now = datetime.now(UTC)
    overdue = task(
        agent,
        kind="complaint",
        received_at=(now - timedelta(weeks=8)).isoformat(),
        description="late",
    ).json
    soon = task(agent, due_at=(now + timedelta(days=1)).isoformat(), description="soon").json
    later = task(agent, due_at=(now + timedelta(days=20)).isoformat(), description="later").json
    task(agent, description="undated")
    closed = task(agent, due_at=(now - timedelta(days=3)).isoformat(), description="closed").json
    agent.patch(f"/api/v1/tasks/{closed['id']}", json={"status": "done"})

    def listed(query: str) -> list[str]:
        response = agent.get(f"/api/v1/tasks{query}")
        assert response.status_code == 200, response.json
        return [t["description"] for t in response.json["items"]]

    assert listed("?overdue=true") == ["late"]
    assert listed("?due_within_days=2") == ["late", "soon"]
    assert listed("?open=true") == ["late", "soon", "later", "undated"]
    assert listed("") == ["late", "closed", "soon", "later", "undated"]
    assert listed("?status=done") == ["closed"]
    assert listed("?kind=complaint") == ["late"]
    assert listed("?assigned_team=KCC&due_within_days=30") == ["late", "soon", "later"]
    assert {overdue["id"], soon["id"], later["id"]} <= {
        t["id"] for t in agent.get("/api/v1/tasks").json["items"]
    }
    assert agent.get("/api/v1/tasks?due_within_days=-1").status_code == 422


def test_task_list_pages_undated_last(agent):
    now = datetime.now(UTC)
    for i in range(5):
        task(agent, due_at=(now + timedelta(days=5 - i)).isoformat(), description=f"d{5 - i}")
    for i in range(3):
        task(agent, description=f"u{i}")
    seen: list[str] = []
    cursor = None
    while True:
        query = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = agent.get("/api/v1/tasks", query_string=query).json
        seen.extend(t["description"] for t in page["items"])
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == ["d1", "d2", "d3", "d4", "d5", "u0", "u1", "u2"]


def test_filter_by_party_and_user(agent):
    party = agent.post("/api/v1/parties", json={"type": "person", "surname": "Jansen"}).json
    task(agent, party_id=party["id"], description="for party")
    task(agent, assigned_user_id=str(agent.user_id), description="for me")
    assert [
        t["description"] for t in agent.get(f"/api/v1/tasks?party={party['id']}").json["items"]
    ] == ["for party"]
    mine = agent.get(f"/api/v1/tasks?assigned_user={agent.user_id}").json["items"]
    assert [t["description"] for t in mine] == ["for me"]


def test_statutory_helper_matches_api(agent):
    received = datetime(2026, 3, 16, 9, tzinfo=AMS)
    body = task(agent, kind="complaint", received_at=received.isoformat()).json
    assert at(body["due_at"]) == deadlines.statutory_due("complaint", received, False, False)
