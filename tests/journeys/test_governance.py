"""Four eyes, version diffs, live triggers and migrations, and the emergency stop."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from flask import Flask
from sqlalchemy import update

from journeys.models import JourneyTimer
from kcc.db import db, utcnow
from tests.conftest import Caller
from tests.journeys.conftest import Resident, cloud_event, load, small_doc, to_yaml
from tests.journeys.test_triggers import instances_of, post_event

V = "/api/v1/journeys/small/versions"


def upload(owner: Caller, doc: dict) -> None:  # type: ignore[type-arg]
    response = owner.post(V, json={"document": to_yaml(doc)})
    assert response.status_code == 201, response.get_json()


def test_a_version_is_published_only_after_a_second_process_owner_approves(
    process_owner: Caller, make_caller: Callable[..., Caller], agent: Caller
) -> None:
    created = process_owner.post("/api/v1/journeys", json={"document": to_yaml(small_doc())})
    assert created.status_code == 201
    unapproved = process_owner.post(f"{V}/1/publish")
    assert unapproved.status_code == 409 and "not approved" in unapproved.get_json()["detail"]
    own = process_owner.post(f"{V}/1/approve")
    assert own.status_code == 403
    assert own.content_type == "application/problem+json"
    assert "four eyes" in own.get_json()["detail"]
    assert agent.post(f"{V}/1/approve").status_code == 403
    reviewer = make_caller("process_owner")
    approved = reviewer.post(f"{V}/1/approve").get_json()
    assert approved["approved_by"] == str(reviewer.user_id)
    assert process_owner.post(f"{V}/1/publish").status_code == 200
    assert reviewer.post(f"{V}/1/approve").status_code == 409  # published: nothing to approve

    # A changed draft needs a new approval.
    upload(process_owner, small_doc(version=2))
    reviewer.post(f"{V}/2/approve")
    upload(process_owner, small_doc(version=2, title={"nl": "Klein 2", "en": "Small 2"}))
    assert agent.get(f"{V}/2").get_json()["approved_by"] is None
    assert process_owner.post(f"{V}/2/publish").status_code == 409


def test_the_diff_between_versions_is_readable_text(process_owner: Caller, agent: Caller) -> None:
    process_owner.post("/api/v1/journeys", json={"document": to_yaml(small_doc())})
    upload(process_owner, small_doc(version=2, title={"nl": "Klein 2", "en": "Small 2"}))
    found = agent.get(f"{V}/2/diff").get_json()
    assert (found["from"], found["to"]) == (1, 2)
    assert "-  nl: Klein\n" in found["diff"] and "+  nl: Klein 2\n" in found["diff"]
    assert "--- small version 1" in found["diff"]
    assert agent.get(f"{V}/1/diff").status_code == 404
    assert agent.get(f"{V}/2/diff?against=9").status_code == 404


def dropped(version: int, **changes: object) -> dict:  # type: ignore[type-arg]
    """``small`` without its 'progress' trigger (running instances of version 1 listen to it)."""
    doc = small_doc(version=version, **changes)
    doc["triggers"] = [
        {"on": "nl.test.started", "start": True},
        {"on": "nl.test.go", "event": "progress"},
    ]
    return doc


def test_dropping_a_live_trigger_is_refused_unless_a_migration_is_stated(
    app: Flask,
    process_owner: Caller,
    make_caller: Callable[..., Caller],
    system: Caller,
    agent: Caller,
    make_resident: Callable[[], Resident],
    run_jobs: Callable[[], int],
) -> None:
    load(app, to_yaml(small_doc()))
    resident = make_resident()
    post_event(system, cloud_event("nl.test.started", resident.bsn))
    run_jobs()
    reviewer = make_caller("process_owner")
    upload(process_owner, dropped(2))
    reviewer.post(f"{V}/2/approve")
    refused = process_owner.post(f"{V}/2/publish")
    assert refused.status_code == 409
    detail = refused.get_json()["detail"]
    assert "'nl.test.progress' (event 'progress')" in detail and "1 running instance" in detail
    assert agent.get(f"{V}/2").get_json()["status"] == "draft"  # nothing changed

    # The old instance still hears the old trigger: its own version's.
    post_event(system, cloud_event("nl.test.progress", resident.bsn))
    run_jobs()
    [item] = instances_of(agent, resident)
    assert (item["version"], item["states"]) == (1, ["working"])

    upload(
        process_owner,
        dropped(3, migrations=[{"from_version": 1, "states": {"waiting": "waiting"}}]),
    )
    reviewer.post(f"{V}/3/approve")
    incomplete = process_owner.post(f"{V}/3/publish")
    assert incomplete.status_code == 409 and "working" in incomplete.get_json()["detail"]
    upload(
        process_owner,
        dropped(
            4,
            migrations=[
                {"from_version": 1, "states": {"waiting": "waiting", "working": "waiting"}}
            ],
        ),
    )
    reviewer.post(f"{V}/4/approve")
    assert process_owner.post(f"{V}/4/publish").status_code == 200
    [item] = instances_of(agent, resident)
    assert (item["version"], item["states"]) == (4, ["waiting"])
    steps = agent.get(f"/api/v1/journey-instances/{item['id']}").get_json()["steps"]
    assert steps[-1]["event"] == "migrated" and "version 1 to version 4" in steps[-1]["why"]
    post_event(system, cloud_event("nl.test.go", resident.bsn))
    run_jobs()
    assert instances_of(agent, resident)[0]["states"] == ["working"]


def test_suspend_holds_events_and_timers_and_resume_takes_them(
    app: Flask,
    process_owner: Caller,
    system: Caller,
    agent: Caller,
    make_resident: Callable[[], Resident],
    run_jobs: Callable[[], int],
) -> None:
    load(app, to_yaml(small_doc()))
    resident = make_resident()
    post_event(system, cloud_event("nl.test.started", resident.bsn))
    run_jobs()
    post_event(system, cloud_event("nl.test.progress", resident.bsn))
    run_jobs()
    [item] = instances_of(agent, resident)
    assert item["states"] == ["working"]
    assert (
        agent.post("/api/v1/journeys/small/suspend", json={"reason": "too many"}).status_code == 403
    )
    assert process_owner.post("/api/v1/journeys/small/suspend", json={}).status_code == 422
    stopped = process_owner.post("/api/v1/journeys/small/suspend", json={"reason": "wrong texts"})
    assert stopped.status_code == 200 and stopped.get_json()["suspended"] is True
    again = process_owner.post("/api/v1/journeys/small/suspend", json={"reason": "again"})
    assert again.status_code == 409

    from journeys.deliveries import retry_deliveries
    from journeys.timers import fire_due_timers

    with app.app_context():
        db.session().execute(update(JourneyTimer).values(due_at=utcnow() - timedelta(minutes=1)))
        db.session().commit()
        db.remove()
        assert fire_due_timers() == 0  # held
    other = make_resident()
    post_event(system, cloud_event("nl.test.started", other.bsn))
    run_jobs()
    assert instances_of(agent, other) == []
    held = process_owner.get("/api/v1/journeys/small/deliveries?status=held").get_json()["items"]
    assert [d["party_id"] for d in held] == [str(other.uuid)]
    sent = agent.post(f"/api/v1/journey-instances/{item['id']}/events", json={"event": "finish"})
    assert sent.status_code == 409 and "suspended" in sent.get_json()["detail"]

    assert process_owner.post("/api/v1/journeys/small/resume").get_json()["suspended"] is False
    with app.app_context():
        assert fire_due_timers() == 1
        assert retry_deliveries() == 1
    assert instances_of(agent, other)[0]["states"] == ["waiting"]
    assert instances_of(agent, resident)[0]["status"] == "completed"


def test_a_version_suspends_alone_and_running_instances_cancel_in_bulk(
    app: Flask,
    process_owner: Caller,
    system: Caller,
    agent: Caller,
    make_resident: Callable[[], Resident],
    run_jobs: Callable[[], int],
) -> None:
    load(app, to_yaml(small_doc()))
    residents = [make_resident() for _ in range(3)]
    for resident in residents:
        post_event(system, cloud_event("nl.test.started", resident.bsn))
    run_jobs()
    version = process_owner.post(f"{V}/1/suspend", json={"reason": "check the texts"})
    assert version.get_json() | {"suspended_at": None} == {
        "journey": "small",
        "version": 1,
        "suspended": True,
        "suspended_at": None,
        "suspended_by": str(process_owner.user_id),
        "reason": "check the texts",
    }
    assert agent.get(f"{V}/1").get_json()["suspended_reason"] == "check the texts"
    assert (
        agent.post("/api/v1/journeys/small/cancel-instances", json={"reason": "x y z"}).status_code
        == 403
    )
    cancelled = process_owner.post(
        "/api/v1/journeys/small/cancel-instances", json={"reason": "texts were wrong", "version": 1}
    )
    assert cancelled.get_json() == {"journey": "small", "version": 1, "cancelled": 3}
    for resident in residents:
        [item] = instances_of(agent, resident)
        assert item["status"] == "cancelled"
        detail = agent.get(f"/api/v1/journey-instances/{item['id']}").get_json()
        assert detail["steps"][-1]["event"] == "cancelled"
        assert "texts were wrong" in detail["steps"][-1]["why"]
        assert detail["steps"][-2]["event"] == "suspended"
        assert "check the texts" in detail["steps"][-2]["why"]
        assert all(t["cancelled_at"] for t in detail["timers"] if not t["fired_at"])
    again = process_owner.post("/api/v1/journeys/small/cancel-instances", json={"reason": "again"})
    assert again.get_json()["cancelled"] == 0
    assert process_owner.post(f"{V}/1/resume").status_code == 200
    assert process_owner.post(f"{V}/1/resume").status_code == 409
