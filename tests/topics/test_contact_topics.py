"""Topics on contact moments: confirmed through the API, announced as a domain event, and
heard by journeys as an agent's registration would be."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask
from sqlalchemy import func, select

from kcc.contacts.models import ContactMoment
from kcc.db import db
from kcc.events.models import OutboxEvent
from tests.conftest import Caller
from tests.journeys.conftest import Resident, load, small_doc, to_yaml

UNKNOWN = "00000000-0000-4000-8000-000000000000"


def moment(resident: Resident, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "channel": "sms",
        "text": "Ik ben verhuisd, nieuwe adres Dorpsstraat 3",
        "parties": [{"party_id": str(resident.uuid), "role": "resident"}],
    }
    body.update(changes)
    return body


def _events(app: Flask, name: str) -> list[dict[str, Any]]:
    with app.app_context():
        rows = db.session().scalars(
            select(OutboxEvent.payload).where(OutboxEvent.name == name).order_by(OutboxEvent.id)
        )
        found = list(rows)
        db.remove()
    return found


def _moments(app: Flask) -> int:
    with app.app_context():
        found = db.session().scalar(select(func.count(ContactMoment.id)))
        db.remove()
    return int(found or 0)


def instances_of(agent: Caller, resident: Resident) -> list[str]:
    response = agent.get(f"/api/v1/journey-instances?party={resident.uuid}")
    assert response.status_code == 200, response.get_json()
    return [i["journey"] for i in response.get_json()["items"]]


def test_topics_given_at_registration_are_confirmed_and_announced(
    app: Flask,
    agent: Caller,
    catalogue: dict[str, str],
    make_resident: Callable[[], Resident],
) -> None:
    resident = make_resident()
    body = moment(resident, channel="phone", topics=[catalogue["verhuizen"]])
    created = agent.post("/api/v1/contact-moments", json=body)
    assert created.status_code == 201, created.get_json()
    moment_id = created.get_json()["id"]
    topics = agent.get(f"/api/v1/contact-moments/{moment_id}/topics").get_json()["topics"]
    assert [t["key"] for t in topics] == ["verhuizen"]
    [event] = _events(app, "contact_moment.topics_confirmed")
    assert event["topics"] == ["verhuizen"]
    assert event["topic_keys"] == ["verhuizen", "burgerzaken"]
    assert event["party_ids"] == [str(resident.uuid)] and event["channel"] == "phone"


def test_an_unknown_topic_refuses_the_whole_registration(
    app: Flask, agent: Caller, catalogue: dict[str, str], make_resident: Callable[[], Resident]
) -> None:
    resident = make_resident()
    refused = agent.post(
        "/api/v1/contact-moments", json=moment(resident, topics=[catalogue["woz"], UNKNOWN])
    )
    assert refused.status_code == 422
    assert refused.get_json()["invalid_params"] == [
        {"name": "topics", "reason": f"no topic with id {UNKNOWN}"}
    ]
    not_a_uuid = agent.post("/api/v1/contact-moments", json=moment(resident, topics=["woz"]))
    assert not_a_uuid.status_code == 422
    assert _moments(app) == 0
    assert _events(app, "contact_moment.topics_confirmed") == []


def test_an_agent_confirms_topics_later_and_replaces_them(
    app: Flask,
    admin: Caller,
    agent: Caller,
    catalogue: dict[str, str],
    make_resident: Callable[[], Resident],
) -> None:
    resident = make_resident()
    moment_id = agent.post("/api/v1/contact-moments", json=moment(resident)).get_json()["id"]
    path = f"/api/v1/contact-moments/{moment_id}/topics"
    first = agent.put(path, json={"topics": [catalogue["verhuizen"]], "source": "suggestion"})
    assert first.status_code == 200, first.get_json()
    both = {"topics": [catalogue["verhuizen"], catalogue["parkeervergunning"]]}
    assert agent.put(path, json=both).status_code == 200
    assert [t["key"] for t in agent.get(path).get_json()["topics"]] == [
        "verhuizen",
        "parkeervergunning",
    ]
    # Each newly confirmed topic is announced once; one already there is not announced again.
    announced = [e["topics"] for e in _events(app, "contact_moment.topics_confirmed")]
    assert announced == [["verhuizen"], ["parkeervergunning"]]
    assert admin.delete(f"/api/v1/topics/{catalogue['parkeervergunning']}").status_code == 204
    removed = agent.put(path, json={"topics": [catalogue["parkeervergunning"]]})
    assert removed.status_code == 422 and "not in use" in removed.get_json()["detail"]
    assert len(agent.get(path).get_json()["topics"]) == 2
    assert agent.put(f"/api/v1/contact-moments/{UNKNOWN}/topics", json=both).status_code == 404


def test_a_confirmed_topic_on_an_sms_starts_the_moving_journey(
    app: Flask,
    agent: Caller,
    system: Caller,
    builtins: list[str],
    catalogue: dict[str, str],
    make_resident: Callable[[], Resident],
    run_jobs: Callable[[], int],
) -> None:
    resident = make_resident()
    sms = system.post("/api/v1/contact-moments", json=moment(resident))
    assert sms.status_code == 201
    run_jobs()
    assert instances_of(agent, resident) == []  # free text alone starts nothing
    path = f"/api/v1/contact-moments/{sms.get_json()['id']}/topics"
    assert agent.put(path, json={"topics": [catalogue["verhuizen"]]}).status_code == 200
    run_jobs()
    assert instances_of(agent, resident) == ["moving"]
    started = agent.get(f"/api/v1/journey-instances?party={resident.uuid}").get_json()["items"][0]
    detail = agent.get(f"/api/v1/journey-instances/{started['id']}").get_json()
    assert "verhuizen" in str(detail)


def test_a_trigger_naming_a_broader_topic_hears_the_narrower_one(
    app: Flask,
    agent: Caller,
    catalogue: dict[str, str],
    make_resident: Callable[[], Resident],
    run_jobs: Callable[[], int],
) -> None:
    doc = small_doc(
        triggers=[{"on": "contact_moment.recorded", "topics": ["burgerzaken"], "start": True}]
    )
    load(app, to_yaml(doc))
    resident = make_resident()
    other = make_resident()
    passport = moment(resident, channel="chat", topics=[catalogue["paspoort"]])
    assert agent.post("/api/v1/contact-moments", json=passport).status_code == 201
    waste = moment(other, channel="chat", topics=[catalogue["grofvuil"]])
    assert agent.post("/api/v1/contact-moments", json=waste).status_code == 201
    run_jobs()
    assert instances_of(agent, resident) == ["small"]
    assert instances_of(agent, other) == []


def test_a_journey_naming_an_unknown_topic_is_refused(
    process_owner: Caller, catalogue: dict[str, str]
) -> None:
    doc = small_doc(
        triggers=[{"on": "contact_moment.recorded", "topics": ["verhuizen", "ufo"], "start": True}]
    )
    refused = process_owner.post("/api/v1/journeys", json={"document": to_yaml(doc)})
    assert refused.status_code == 422
    reasons = [p["reason"] for p in refused.get_json()["invalid_params"]]
    assert any("no topic with key 'ufo'" in r for r in reasons), reasons
    assert process_owner.get("/api/v1/journeys/small").status_code == 404
    wrong_event = small_doc(
        triggers=[{"on": "nl.test.started", "topics": ["verhuizen"], "start": True}]
    )
    refused = process_owner.post("/api/v1/journeys", json={"document": to_yaml(wrong_event)})
    assert refused.status_code == 422


def test_a_topic_a_published_journey_listens_for_is_not_removed(
    admin: Caller, builtins: list[str], catalogue: dict[str, str]
) -> None:
    refused = admin.delete(f"/api/v1/topics/{catalogue['verhuizen']}")
    assert refused.status_code == 409
    assert "published journey 'moving'" in refused.get_json()["detail"]
    assert admin.get(f"/api/v1/topics/{catalogue['verhuizen']}").get_json()["removed_at"] is None
