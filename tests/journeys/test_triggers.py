"""Life events, contact moments and agents start and move journeys; the customer view shows them."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from sqlalchemy import select

from kcc.db import db
from kcc.events.models import OutboxEvent
from tests.conftest import Caller
from tests.journeys.conftest import DEFINITIONS, Resident, cloud_event, load, small_doc, to_yaml

NIJMEGEN = "0268"


def post_event(system: Caller, body: object, content_type: str = "application/cloudevents+json"):  # type: ignore[no-untyped-def]
    import json

    return system.client.post(
        "/api/v1/events",
        data=json.dumps(body),
        headers={**system._headers(None), "Content-Type": content_type},
    )


def instances_of(agent: Caller, resident: Resident) -> list[dict]:  # type: ignore[type-arg]
    response = agent.get(f"/api/v1/journey-instances?party={resident.uuid}")
    assert response.status_code == 200, response.get_json()
    return response.get_json()["items"]  # type: ignore[no-any-return]


def test_an_address_change_starts_the_moving_journey(
    builtins: list[str],
    system: Caller,
    agent: Caller,
    make_resident: Callable[[], Resident],
    run_jobs: Callable[[], int],
) -> None:
    resident = make_resident()
    body = cloud_event("nl.brp.address-changed", resident.bsn, municipality_code=NIJMEGEN)
    response = post_event(system, body)
    assert response.status_code == 202, response.get_json()
    assert response.get_json()["status"] == "matched"
    run_jobs()
    items = instances_of(agent, resident)
    assert [(i["journey"], i["states"], i["status"], i["version"]) for i in items] == [
        ("moving", ["active", "moved_in"], "active", 1)
    ]
    detail = agent.get(f"/api/v1/journey-instances/{items[0]['id']}").get_json()
    assert detail["steps"][0]["cause"] == "event"
    assert "nl.brp.address-changed from urn:nl:brp:test" in detail["steps"][0]["why"]
    assert detail["timers"][0]["event"] == "reminder_due"
    again = post_event(system, body)
    assert again.status_code == 202
    assert again.get_json()["duplicate"] is True
    run_jobs()
    assert len(instances_of(agent, resident)) == 1


def test_a_later_event_moves_the_journey_and_a_non_matching_one_does_not(
    builtins: list[str],
    system: Caller,
    agent: Caller,
    make_resident: Callable[[], Resident],
    run_jobs: Callable[[], int],
) -> None:
    resident = make_resident()
    elsewhere = post_event(
        system, cloud_event("nl.brp.address-changed", resident.bsn, municipality_code="0363")
    )
    assert elsewhere.status_code == 202
    run_jobs()
    assert instances_of(agent, resident) == []
    post_event(
        system, cloud_event("nl.brp.address-changed", resident.bsn, municipality_code=NIJMEGEN)
    )
    run_jobs()
    post_event(
        system, cloud_event("nl.nijmegen.service-arranged", resident.bsn, service="Waste-Pass ")
    )
    run_jobs()
    assert instances_of(agent, resident)[0]["states"] == ["active", "check_allowances"]


def test_malformed_cloud_events_are_422_listing_what_is_wrong(
    builtins: list[str], system: Caller
) -> None:
    response = post_event(system, {"specversion": "0.3", "data": "text", "time": "yesterday"})
    assert response.status_code == 422
    names = {p["name"]: p["reason"] for p in response.get_json()["invalid_params"]}
    assert {"id", "source", "type", "specversion", "data", "time"} <= set(names)
    assert names["id"] == "required CloudEvents attribute is missing"
    assert post_event(system, ["not", "an", "object"]).status_code == 422
    response = system.client.post(
        "/api/v1/events",
        data="{broken",
        headers={**system._headers(None), "Content-Type": "application/json"},
    )
    assert response.status_code == 422
    no_bsn = post_event(
        system, cloud_event("nl.brp.address-changed", None, municipality_code=NIJMEGEN)
    )
    assert no_bsn.status_code == 422
    assert no_bsn.get_json()["invalid_params"][0]["name"] == "data.bsn"
    bad_bsn = post_event(system, cloud_event("nl.brp.address-changed", "123456789"))
    assert bad_bsn.status_code == 422


def test_unknown_types_and_unknown_residents_are_accepted_and_recorded(
    builtins: list[str], system: Caller, run_jobs: Callable[[], int], app
) -> None:  # type: ignore[no-untyped-def]
    unknown = post_event(
        system, cloud_event("nl.example.weather-changed", None), "application/json"
    )
    assert unknown.status_code == 202
    assert unknown.get_json()["status"] == "ignored"
    stranger = post_event(
        system,
        cloud_event(
            "nl.brp.birth-registered",
            "111222333",
            municipality_code=NIJMEGEN,
            child={"born": "2026-11-20"},
        ),
    )
    assert stranger.status_code == 202
    assert stranger.get_json()["status"] == "unmatched"
    assert "no party with this BSN" in stranger.get_json()["detail"]
    run_jobs()
    from journeys.models import LifeEvent
    from kcc.db import db

    with app.app_context():
        rows = {row.type: row for row in db.session().query(LifeEvent)}
        assert rows["nl.brp.birth-registered"].data == {
            "municipality_code": NIJMEGEN,
            "child": {"born": "2026-11-20"},
        }
        assert "111222333" not in str(rows["nl.brp.birth-registered"].data)
        db.remove()


def test_only_the_system_role_posts_events(builtins: list[str], agent: Caller) -> None:
    assert post_event(agent, cloud_event("nl.brp.address-changed", "111222333")).status_code == 403


def test_a_contact_moment_about_moving_starts_the_journey(
    builtins: list[str],
    agent: Caller,
    make_resident: Callable[[], Resident],
    run_jobs: Callable[[], int],
) -> None:
    resident = make_resident()
    response = agent.post(
        "/api/v1/contact-moments",
        json={
            "channel": "phone",
            "subject": "Verhuizing",
            "text": "Bewoner is verhuisd naar Lent",
            "parties": [{"party_id": str(resident.uuid), "role": "resident"}],
        },
    )
    assert response.status_code == 201, response.get_json()
    run_jobs()
    items = instances_of(agent, resident)
    assert [i["journey"] for i in items] == ["moving"]
    step = agent.get(f"/api/v1/journey-instances/{items[0]['id']}").get_json()["steps"][0]
    assert step["cause"] == "contact_moment" and step["cause_ref"] == response.get_json()["id"]


def test_a_contact_moment_no_journey_listens_for_is_never_queued(
    app: Flask,
    builtins: list[str],
    agent: Caller,
    make_resident: Callable[[], Resident],
    run_jobs: Callable[[], int],
) -> None:
    resident = make_resident()
    subjects = ["Afvalpas kwijt", "Verhuizing"]
    for subject in subjects:
        response = agent.post(
            "/api/v1/contact-moments",
            json={
                "channel": "phone",
                "subject": subject,
                "parties": [{"party_id": str(resident.uuid), "role": "resident"}],
            },
        )
        assert response.status_code == 201, response.get_json()
    with app.app_context():
        rows = db.session().execute(
            select(OutboxEvent.payload, OutboxEvent.handled_at, OutboxEvent.attempts)
            .where(OutboxEvent.name == "contact_moment.recorded")
            .order_by(OutboxEvent.id)
        )
        # Recorded as handled at once, never delivered: no subscriber wanted it.
        waste, moving = list(rows)
        db.remove()
    assert waste[0]["subject"] == "Afvalpas kwijt" and waste[1] is not None and waste[2] == 0
    assert moving[0]["subject"] == "Verhuizing"
    run_jobs()
    assert [i["journey"] for i in instances_of(agent, resident)] == ["moving"]


def test_a_journey_published_in_this_process_counts_at_once(
    app: Flask,
    agent: Caller,
    make_resident: Callable[[], Resident],
    run_jobs: Callable[[], int],
) -> None:
    from journeys.versions import recently_listening

    resident = make_resident()
    moment = {
        "channel": "phone",
        "subject": "Verhuizing",
        "parties": [{"party_id": str(resident.uuid), "role": "resident"}],
    }
    with app.app_context():
        assert recently_listening() == []  # read, and kept for a second
        db.remove()
    assert agent.post("/api/v1/contact-moments", json=moment).status_code == 201
    run_jobs()
    assert instances_of(agent, resident) == []  # nothing listened yet
    load(app, (DEFINITIONS / "moving.yaml").read_text(encoding="utf-8"))
    assert agent.post("/api/v1/contact-moments", json=moment).status_code == 201
    run_jobs()
    assert [i["journey"] for i in instances_of(agent, resident)] == ["moving"]


def test_an_agent_starts_and_moves_a_journey_and_the_view_shows_it(
    builtins: list[str], agent: Caller, make_resident: Callable[[], Resident]
) -> None:
    resident = make_resident()
    started = agent.post(
        "/api/v1/journey-instances",
        json={
            "party_id": str(resident.uuid),
            "journey": "turning-18",
            "reason": "asked at the counter",
        },
    )
    assert started.status_code == 201, started.get_json()
    instance = started.get_json()
    assert instance["states"] == ["active", "insurance"]
    twice = agent.post(
        "/api/v1/journey-instances", json={"party_id": str(resident.uuid), "journey": "turning-18"}
    )
    assert twice.status_code == 409
    moved = agent.post(
        f"/api/v1/journey-instances/{instance['id']}/events",
        json={"event": "insurance_arranged", "event_id": "k1"},
    )
    assert moved.status_code == 200
    assert moved.get_json()["instance"]["states"] == ["active", "digital"]
    repeat = agent.post(
        f"/api/v1/journey-instances/{instance['id']}/events",
        json={"event": "insurance_arranged", "event_id": "k1"},
    )
    assert repeat.get_json()["duplicate"] is True
    unknown = agent.post(
        f"/api/v1/journey-instances/{instance['id']}/events", json={"event": "fly"}
    )
    assert unknown.status_code == 422
    view = agent.get(f"/api/v1/parties/{resident.uuid}/view").get_json()
    section = view["journeys"]
    assert len(section) == 1
    item = section[0]
    assert (item["journey"], item["version"], item["states"], item["status"]) == (
        "turning-18",
        1,
        ["active", "digital"],
        "active",
    )
    assert item["title"]["en"] == "Turning 18"
    assert (
        item["last_step"]["event"] == "insurance_arranged" and item["last_step"]["cause"] == "agent"
    )
    assert item["next_timer"]["event"] == "money_due"
    missing = agent.post(
        "/api/v1/journey-instances", json={"party_id": str(resident.uuid), "journey": "nope"}
    )
    assert missing.status_code == 404


def test_stats_per_version(
    builtins: list[str], agent: Caller, make_caller, make_resident: Callable[[], Resident]
) -> None:  # type: ignore[no-untyped-def]
    ids = []
    for _ in range(3):
        resident = make_resident()
        ids.append(
            agent.post(
                "/api/v1/journey-instances",
                json={"party_id": str(resident.uuid), "journey": "birth"},
            ).get_json()["id"]
        )
    agent.post(f"/api/v1/journey-instances/{ids[0]}/events", json={"event": "opted_out"})
    owner = make_caller("process_owner")
    stats = owner.get("/api/v1/journeys/birth/versions/1/stats").get_json()
    assert stats["instances"] == 3 and stats["completed"] == 1
    assert stats["completion_rate"] == round(1 / 3, 4)
    assert stats["by_state"] == {"active": 2, "born": 2, "closed": 1}
    assert agent.get("/api/v1/journeys/birth/versions/1/stats").status_code == 403


def test_a_life_event_whose_data_breaks_a_guard_is_recorded_not_lost(
    app: Flask,
    system: Caller,
    agent: Caller,
    make_resident: Callable[[], Resident],
    run_jobs: Callable[[], int],
) -> None:
    doc = small_doc(key="paying", data_used=[{"field": "data.amount"}])
    doc["triggers"].append({"on": "nl.test.payment", "event": "pay"})
    doc["statechart"]["states"]["waiting"]["transitions"] += [
        {"event": "pay", "target": "working", "cond": "amount > 100"},
        {"event": "pay", "target": "done"},
    ]
    load(app, to_yaml(doc))
    resident = make_resident()
    assert post_event(system, cloud_event("nl.test.started", resident.bsn)).status_code == 202
    run_jobs()
    paid = post_event(system, cloud_event("nl.test.payment", resident.bsn, amount="a lot"))
    assert paid.status_code == 202 and paid.get_json()["status"] == "matched"
    run_jobs()  # with rq: the job must not fail; inline: the request did not fail
    [item] = instances_of(agent, resident)
    assert (item["states"], item["status"]) == (["waiting"], "active")
    steps = agent.get(f"/api/v1/journey-instances/{item['id']}").get_json()["steps"]
    assert [(s["event"], s["moved"], s["cause"]) for s in steps] == [
        ("start", True, "event"),
        ("pay", False, "event"),
    ]
    assert "the condition 'amount > 100'" in steps[-1]["why"]
    assert "could not be evaluated" in steps[-1]["why"] and "(TypeError)" in steps[-1]["why"]
    with app.app_context():
        rows = (
            db.session()
            .execute(
                select(OutboxEvent.handled_at, OutboxEvent.last_error).where(
                    OutboxEvent.name == "life_event.received"
                )
            )
            .all()
        )
        db.remove()
    assert len(rows) == 2 and all(h is not None and e is None for h, e in rows)
