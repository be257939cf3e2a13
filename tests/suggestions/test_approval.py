"""A journey document can ask an agent to approve each suggestion before it goes out."""

from __future__ import annotations

from typing import Any

from flask import Flask

from tests.conftest import Caller
from tests.fakes.twilio_server import FakeTwilio
from tests.journeys.conftest import DEFINITIONS, cloud_event, load, to_yaml
from tests.suggestions.conftest import approve_doc, consented_and_started, grant, start_small


def _items(agent: Caller, person: Any) -> list[dict[str, Any]]:
    response = agent.get(f"/api/v1/parties/{person.uuid}/suggestions")
    assert response.status_code == 200, response.get_json()
    return response.get_json()["items"]  # type: ignore[no-any-return]


def test_document_approval_keeps_it_proposed_until_an_agent_approves(
    app: Flask,
    make_person,
    make_caller,
    agent: Caller,
    supervisor: Caller,
    system: Caller,
    fake_twilio: FakeTwilio,
    run_jobs,
) -> None:  # type: ignore[no-untyped-def]
    process_owner = make_caller("process_owner")
    uploaded = process_owner.post("/api/v1/journeys", json={"document": to_yaml(approve_doc())})
    assert uploaded.status_code == 201, uploaded.get_json()
    make_caller("process_owner").post("/api/v1/journeys/small/versions/1/approve")
    assert process_owner.post("/api/v1/journeys/small/versions/1/publish").status_code == 200
    person = make_person()
    grant(agent, person)
    start_small(system, person)
    for _ in range(3):
        run_jobs()
    [item] = _items(agent, person)
    assert item["status"] == "proposed" and item["approval"] == "agent"
    assert item["actions"] == ["approve", "withhold", "accept", "decline"]
    assert item["sent_at"] is None and item["message_id"] is None
    assert fake_twilio.sent() == [], "a suggestion needing approval went out without it"
    view = agent.get(f"/api/v1/parties/{person.uuid}/view").get_json()
    assert [s["status"] for s in view["suggestions"] if s["type"] == "suggestion"] == ["proposed"]

    for caller in (process_owner, system):
        refused = caller.post(f"/api/v1/suggestions/{item['id']}/approve")
        assert refused.status_code == 403, refused.get_json()
        assert refused.mimetype == "application/problem+json"
        assert "may not call POST" in refused.get_json()["detail"]
    assert _items(agent, person)[0]["status"] == "proposed"
    run_jobs()
    assert fake_twilio.sent() == []

    approved = agent.post(f"/api/v1/suggestions/{item['id']}/approve")
    assert approved.status_code == 200, approved.get_json()
    body = approved.get_json()
    assert body["status"] == "sent" and body["approved_at"] and body["channel"] == "sms"
    assert body["actions"] == ["accept", "decline"]
    run_jobs()
    sent = fake_twilio.sent()
    assert [m.to for m in sent] == [person.phone] and sent[0].body.startswith("Afvalpas")
    again = supervisor.post(f"/api/v1/suggestions/{item['id']}/approve")
    assert (
        again.status_code == 409
        and "sent suggestion cannot be approved" in again.get_json()["detail"]
    )


def test_without_consent_approval_sends_nothing(
    app: Flask, make_person, agent: Caller, system: Caller, fake_twilio: FakeTwilio, run_jobs
) -> None:  # type: ignore[no-untyped-def]
    load(app, to_yaml(approve_doc()))
    person = make_person()
    start_small(system, person)
    for _ in range(2):
        run_jobs()
    assert _items(agent, person) == []
    view = agent.get(f"/api/v1/parties/{person.uuid}/view").get_json()
    assert [s["type"] for s in view["suggestions"]] == ["ask_for_consent"]
    grant(agent, person)  # consent at the next contact: offered now, still for approval
    for _ in range(3):
        run_jobs()
    [item] = _items(agent, person)
    assert item["status"] == "proposed" and item["approval"] == "agent"
    assert fake_twilio.sent() == []


def test_a_send_without_approval_is_refused_by_the_life_machine(
    app: Flask, make_person, agent: Caller, system: Caller, fake_twilio: FakeTwilio, run_jobs
) -> None:  # type: ignore[no-untyped-def]
    import pytest
    from sqlalchemy import select

    from journeys.suggestions.machine import can, move
    from journeys.suggestions.models import Suggestion
    from kcc.db import db
    from kcc.errors import Conflict

    load(app, to_yaml(approve_doc()))
    person = make_person()
    consented_and_started(agent, system, person, run_jobs)
    with app.app_context():
        row = db.session().scalars(select(Suggestion)).one()
        assert not can(row, "deliver") and can(row, "approve")
        with pytest.raises(Conflict, match="needs an agent's approval"):
            move(row, "deliver")
        move(row, "approve")
        assert can(row, "deliver")
        db.session().rollback()
        db.remove()


def test_unknown_approval_value_is_refused(make_caller) -> None:  # type: ignore[no-untyped-def]
    doc = approve_doc()
    doc["states"]["waiting"]["suggestions"][0]["approval"] = "supervisor"
    process_owner = make_caller("process_owner")
    response = process_owner.post("/api/v1/journeys", json={"document": to_yaml(doc)})
    assert response.status_code == 422
    names = {p["name"] for p in response.get_json()["invalid_params"]}
    assert "states.waiting.suggestions[0].approval" in names


def test_death_journey_first_message_and_debt_support_wait_for_an_agent(
    app: Flask,
    make_person,
    make_caller,
    agent: Caller,
    system: Caller,
    fake_twilio: FakeTwilio,
    run_jobs,
) -> None:  # type: ignore[no-untyped-def]
    load(app, (DEFINITIONS / "death.yaml").read_text(encoding="utf-8"))
    simulated = make_caller("process_owner").post(
        "/api/v1/journeys/death/versions/2/simulate",
        json={"steps": [{"event": "intake_done"}, {"event": "arrangements_done"}]},
    )
    assert simulated.status_code == 200, simulated.get_json()
    approvals = {s["service"]: s["approval"] for s in simulated.get_json()["suggestions"]}
    assert approvals == {
        "bereavement-contact": "agent",
        "stop-permits-and-taxes": "none",
        "bereavement-support": "none",
        "debt-support": "agent",
    }
    person = make_person(language="en")
    grant(agent, person)
    response = system.post(
        "/api/v1/events",
        json=cloud_event("nl.brp.death-registered", person.bsn, municipality_code="0268"),
    )
    assert response.status_code in (200, 201, 202), response.get_json()
    for _ in range(3):
        run_jobs()
    [item] = _items(agent, person)
    assert item["service"] == "bereavement-contact" and item["status"] == "proposed"
    assert fake_twilio.sent() == []
    approved = agent.post(f"/api/v1/suggestions/{item['id']}/approve")
    assert approved.status_code == 200 and approved.get_json()["status"] == "sent"
    run_jobs()
    assert [m.body.split("\n")[0] for m in fake_twilio.sent()] == [
        "Our condolences. One officer arranges all municipal matters with you. They will call you this week."
    ]


def test_an_agent_withholds_an_offer_which_is_not_the_residents_no(
    app: Flask,
    make_person,
    make_caller,
    agent: Caller,
    system: Caller,
    fake_twilio: FakeTwilio,
    run_jobs,
) -> None:  # type: ignore[no-untyped-def]
    load(app, to_yaml(approve_doc()))
    person = make_person()
    consented_and_started(agent, system, person, run_jobs)
    [item] = _items(agent, person)
    too_long = agent.post(f"/api/v1/suggestions/{item['id']}/withhold", json={"reason": "x" * 501})
    assert too_long.status_code == 422 and _items(agent, person)[0]["status"] == "proposed"
    refused = make_caller("process_owner").post(
        f"/api/v1/suggestions/{item['id']}/withhold", json={}
    )
    assert refused.status_code == 403

    reason = "Mevrouw heeft vorige week al een afvalpas gekregen."
    held = agent.post(f"/api/v1/suggestions/{item['id']}/withhold", json={"reason": reason})
    assert held.status_code == 200, held.get_json()
    body = held.get_json()
    assert body["status"] == "withheld" and body["note"] == reason
    assert body["answered_at"] is None and body["answered_by"] is None  # the resident said nothing
    assert body["actions"] == []
    run_jobs()
    assert fake_twilio.sent() == [], "a withheld offer went out"
    queue = agent.get("/api/v1/suggestions/awaiting-approval").get_json()
    assert item["id"] not in [i["id"] for i in queue["items"]]
    again = agent.post(f"/api/v1/suggestions/{item['id']}/approve")
    assert (
        again.status_code == 409
        and "withheld suggestion cannot be approved" in (again.get_json()["detail"])
    )
