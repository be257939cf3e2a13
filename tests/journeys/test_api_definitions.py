"""Process owners upload, check, simulate and publish journeys over the API."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable

from tests.conftest import Caller
from tests.journeys.conftest import DEFINITIONS, small_doc, to_yaml

YAML = {"Content-Type": "application/yaml"}


def upload_new(caller: Caller, source: str, yaml_body: bool = True):  # type: ignore[no-untyped-def]
    if yaml_body:
        return caller.client.post(
            "/api/v1/journeys", data=source, headers={**caller._headers(None), **YAML}
        )
    return caller.post("/api/v1/journeys", json={"document": source})


def test_create_upload_publish_and_read(
    process_owner: Caller, agent: Caller, make_caller: Callable[..., Caller]
) -> None:
    created = upload_new(process_owner, to_yaml(small_doc()))
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["status"] == "draft"
    again = upload_new(process_owner, to_yaml(small_doc()), yaml_body=False)
    assert again.status_code == 409
    v2 = small_doc(version=2)
    uploaded = process_owner.client.post(
        "/api/v1/journeys/small/versions",
        data=to_yaml(v2),
        headers={**process_owner._headers(None), "Content-Type": "text/yaml"},
    )
    assert uploaded.status_code == 201
    reviewer = make_caller("process_owner")
    for number in (1, 2):
        assert reviewer.post(f"/api/v1/journeys/small/versions/{number}/approve").status_code == 200
    assert process_owner.post("/api/v1/journeys/small/versions/1/publish").status_code == 200
    published = process_owner.post("/api/v1/journeys/small/versions/2/publish")
    assert published.status_code == 200
    twice = process_owner.post("/api/v1/journeys/small/versions/2/publish")
    assert twice.status_code == 409
    assert "published already" in twice.get_json()["detail"]
    retired = process_owner.post("/api/v1/journeys/small/versions/1/publish")
    assert retired.status_code == 409
    journey = agent.get("/api/v1/journeys/small").get_json()
    assert journey["published_version"] == 2
    assert [(v["number"], v["status"]) for v in journey["versions"]] == [
        (1, "retired"),
        (2, "published"),
    ]
    assert journey["title"] == {"nl": "Klein", "en": "Small"}
    assert [j["key"] for j in agent.get("/api/v1/journeys").get_json()["items"]] == ["small"]


def test_invalid_upload_lists_every_problem(process_owner: Caller) -> None:
    upload_new(process_owner, to_yaml(small_doc()))
    doc = small_doc(version=2)
    doc["states"]["waiting"]["suggestions"][0]["service"] = "unknown-service"
    doc["statechart"]["states"]["island"] = {"transitions": [{"event": "finish", "target": "done"}]}
    response = process_owner.post(
        "/api/v1/journeys/small/versions", json={"document": to_yaml(doc)}
    )
    assert response.status_code == 422
    body = response.get_json()
    assert response.mimetype == "application/problem+json"
    names = {p["name"]: p["reason"] for p in body["invalid_params"]}
    assert "states.waiting.suggestions[0].service" in names
    assert "statechart.states.island" in names
    assert "(line " in names["statechart.states.island"]


def test_not_yaml_and_code_are_422(process_owner: Caller) -> None:
    response = upload_new(process_owner, "key: [broken\n")
    assert response.status_code == 422
    assert response.get_json()["invalid_params"][0]["reason"].startswith("not valid YAML: line 2")
    doc = small_doc()
    doc["statechart"]["states"]["waiting"]["enter"] = [{"script": "import os"}]
    response = upload_new(process_owner, to_yaml(doc))
    assert response.status_code == 422
    assert (
        response.get_json()["invalid_params"][0]["name"]
        == "statechart.states.waiting.enter[0].script"
    )


def test_upload_for_another_key_and_changing_a_published_version(
    process_owner: Caller, make_caller: Callable[..., Caller]
) -> None:
    upload_new(process_owner, to_yaml(small_doc()))
    other = process_owner.post(
        "/api/v1/journeys/small/versions", json={"document": to_yaml(small_doc(key="other"))}
    )
    assert other.status_code == 422
    make_caller("process_owner").post("/api/v1/journeys/small/versions/1/approve")
    process_owner.post("/api/v1/journeys/small/versions/1/publish")
    changed = process_owner.post(
        "/api/v1/journeys/small/versions",
        json={"document": to_yaml(small_doc(title={"nl": "Anders", "en": "Other"}))},
    )
    assert changed.status_code == 409
    same = process_owner.post(
        "/api/v1/journeys/small/versions", json={"document": to_yaml(small_doc())}
    )
    assert same.status_code == 200
    assert same.get_json()["outcome"] == "unchanged"


def test_roles(agent: Caller, system: Caller, process_owner: Caller) -> None:
    assert upload_new(agent, to_yaml(small_doc())).status_code == 403
    assert system.get("/api/v1/journeys").status_code == 403
    assert process_owner.client.get("/api/v1/journeys").status_code == 401
    assert upload_new(process_owner, to_yaml(small_doc())).status_code == 201
    assert agent.post("/api/v1/journeys/small/versions/1/publish").status_code == 403


def test_diagram(process_owner: Caller, agent: Caller) -> None:
    source = (DEFINITIONS / "moving.yaml").read_text(encoding="utf-8")
    upload_new(process_owner, source)
    body = agent.get("/api/v1/journeys/moving/versions/1/diagram").get_json()
    assert body["mermaid"].startswith("stateDiagram-v2")
    assert "moved_in" in body["mermaid"] and "check_allowances" in body["mermaid"]
    assert body["dot"].startswith("digraph")
    if shutil.which("dot"):
        assert body["svg"].lstrip().startswith("<?xml") or "<svg" in body["svg"]
    else:
        assert body["svg"] is None


def test_simulate_touches_no_data(process_owner: Caller, app) -> None:  # type: ignore[no-untyped-def]
    source = (DEFINITIONS / "moving.yaml").read_text(encoding="utf-8")
    upload_new(process_owner, source)
    steps = [
        {"timer": "reminder_due"},
        {"event": "services_arranged"},
        {"timer": "reminder_due"},
        {"event": "allowances_checked"},
        {"event": "opted_out"},
    ]
    response = process_owner.post(
        "/api/v1/journeys/moving/versions/1/simulate", json={"steps": steps, "language": "en"}
    )
    assert response.status_code == 200, response.get_json()
    result = response.get_json()
    path = result["path"]
    assert [p.get("to") for p in path[:5]] == [
        ["active", "moved_in"],
        ["active", "reminded"],
        ["active", "check_allowances"],
        None,
        ["done"],
    ]
    assert "no timer 'reminder_due'" in path[3]["error"]
    assert path[5]["error"].startswith("the journey has ended")
    assert result["completed"] is True
    assert result["datamodel"] == {"reminders": 1}
    assert {s["service"] for s in result["suggestions"]} == {
        "parking-permit",
        "waste-pass",
        "allowance-check",
    }
    assert path[0]["suggestions"][0]["text"].startswith("You live at a new address")
    timers = result["timers"]
    assert [(t["event"], t.get("fired", False), t.get("cancelled", False)) for t in timers] == [
        ("reminder_due", True, False),
        ("no_response", False, True),
        ("check_expired", False, True),
    ]
    from journeys.models import JourneyInstance, JourneyStep
    from kcc.db import db

    with app.app_context():
        assert db.session().query(JourneyInstance).count() == 0
        assert db.session().query(JourneyStep).count() == 0
        db.remove()


def test_simulate_rejects_a_bad_step(process_owner: Caller) -> None:
    upload_new(process_owner, to_yaml(small_doc()))
    response = process_owner.post(
        "/api/v1/journeys/small/versions/1/simulate", json={"steps": [{"event": "x", "timer": "y"}]}
    )
    assert response.status_code == 422
    assert (
        process_owner.post(
            "/api/v1/journeys/small/versions/9/simulate", json={"steps": []}
        ).status_code
        == 404
    )


def test_openapi_lists_the_journey_paths(agent: Caller) -> None:
    spec = json.loads(agent.client.get("/api/v1/openapi.json").data)
    for path in (
        "/api/v1/journeys",
        "/api/v1/journeys/{key}/versions",
        "/api/v1/journeys/{key}/versions/{number}/simulate",
        "/api/v1/journey-instances",
        "/api/v1/journey-instances/{instance_id}",
        "/api/v1/events",
    ):
        assert path in spec["paths"], path
