"""Erasure asks first: a reason is required and kept, a dry run changes nothing, and a party
erased completely is not erased twice."""

from __future__ import annotations

import json
from typing import Any

from flask import Flask
from openapi_spec_validator import validate
from sqlalchemy import select

from kcc.constants import Action
from kcc.db import db
from kcc.privacy.models import ProcessingRecord
from kcc.privacy.services import subject_lookup
from kcc.rights.retention_models import ErasureRequest
from tests.conftest import Caller, valid_bsn

REASON = "written request of the resident, received 1 December 2026, ref. AVG-2026-17"


def _resident(agent: Caller, seed: int) -> str:
    party = agent.post(
        "/api/v1/parties",
        json={
            "type": "person",
            "given_names": "Fatima",
            "surname": "El Amrani",
            "bsn": valid_bsn(seed),
            "digital_addresses": [{"kind": "email", "address": "fatima@example.org"}],
        },
    )
    assert party.status_code == 201, party.get_json()
    pid: str = party.get_json()["id"]
    moment = agent.post(
        "/api/v1/contact-moments",
        json={
            "channel": "counter",
            "direction": "inbound",
            "subject": "paspoort",
            "text": "Paspoort kwijt",
            "occurred_at": "2026-11-03T09:00:00Z",
            "parties": [{"party_id": pid, "role": "resident"}],
        },
    )
    assert moment.status_code == 201, moment.get_json()
    return pid


def _without_volatile(doc: dict[str, Any]) -> dict[str, Any]:
    """The export minus what every export changes (its own time and log record)."""
    return {k: v for k, v in doc.items() if k not in ("exported_at", "processing_log")}


def test_a_reason_is_required(agent: Caller, supervisor: Caller) -> None:
    party = _resident(agent, 301)
    bare = supervisor.post(f"/api/v1/parties/{party}/erasure")
    assert bare.status_code == 415, bare.get_json()  # no body at all: say what to send
    for body in ({}, {"reason": ""}, {"dry_run": True}):
        response = supervisor.post(f"/api/v1/parties/{party}/erasure", json=body)
        assert response.status_code == 422, (body, response.get_json())
        assert response.mimetype == "application/problem+json"
        assert [p["name"] for p in response.get_json()["invalid_params"]] == ["reason"]
    assert agent.get(f"/api/v1/parties/{party}/export").get_json()["identity"][0]["surname"]


def test_a_dry_run_lists_what_would_go_and_changes_nothing(
    agent: Caller, supervisor: Caller
) -> None:
    party = _resident(agent, 302)
    agent.post(f"/api/v1/parties/{party}/consents", json={"purpose": "proactive", "channel": "sms"})
    before = _without_volatile(agent.get(f"/api/v1/parties/{party}/export").get_json())

    dry = supervisor.post(
        f"/api/v1/parties/{party}/erasure", json={"reason": REASON, "dry_run": True}
    )
    assert dry.status_code == 200, dry.get_json()
    body = dry.get_json()
    assert body["dry_run"] is True and body["complete"] is True
    would = body["would_erase"]
    assert {k: would[k] for k in ("contact_moments", "addresses", "identity")} == {
        "contact_moments": 1,
        "addresses": 1,
        "identity": 2,  # the party's name and its BSN
    }
    kept = {k["section"]: k for k in body["kept"]}
    assert "art. 7(1)" in kept["consents"]["why"] and kept["consents"]["count"] == 1
    assert "art. 5(2)" in kept["processing_log"]["why"]
    assert "erased" not in body

    after = _without_volatile(agent.get(f"/api/v1/parties/{party}/export").get_json())
    assert after == before and after["erasures"] == []
    # The real erasure removes exactly what the dry run said.
    real = supervisor.post(f"/api/v1/parties/{party}/erasure", json={"reason": REASON}).get_json()
    assert {k: v for k, v in real["erased"].items() if v} == would
    assert real["complete"] is True and real["left"] == {}


def test_the_reason_is_kept_with_the_erasure_in_the_processing_log(
    app: Flask, agent: Caller, supervisor: Caller
) -> None:
    party = _resident(agent, 303)
    erased = supervisor.post(f"/api/v1/parties/{party}/erasure", json={"reason": REASON})
    assert erased.status_code == 200 and erased.get_json()["reason"] == REASON

    with app.app_context():
        lookup = subject_lookup(party)
        request = db.session().scalar(
            select(ErasureRequest).where(ErasureRequest.subject_lookup == lookup)
        )
        assert request is not None and request.reason == REASON and request.complete
        assert request.requested_by == str(supervisor.user_id)
        deleted = db.session().scalar(
            select(ProcessingRecord).where(
                ProcessingRecord.subject_lookup == lookup,
                ProcessingRecord.action == Action.DELETE,
            )
        )
        assert deleted is not None and deleted.trace_id == request.trace_id
        db.remove()
    doc = agent.get(f"/api/v1/parties/{party}/export").get_json()
    assert [(e["reason"], e["complete"]) for e in doc["erasures"]] == [(REASON, True)]


def test_a_second_erasure_is_refused(agent: Caller, supervisor: Caller) -> None:
    party = _resident(agent, 304)
    first = supervisor.post(f"/api/v1/parties/{party}/erasure", json={"reason": REASON})
    assert first.status_code == 200 and first.get_json()["complete"] is True
    again = supervisor.post(f"/api/v1/parties/{party}/erasure", json={"reason": "once more"})
    assert again.status_code == 409
    assert again.mimetype == "application/problem+json"
    assert "already erased" in again.get_json()["detail"] and REASON in again.get_json()["detail"]
    # A dry run still answers: nothing would go, and what is kept says why.
    dry = supervisor.post(
        f"/api/v1/parties/{party}/erasure", json={"reason": "check", "dry_run": True}
    ).get_json()
    assert dry["would_erase"] == {} and any(k["section"] == "erasures" for k in dry["kept"])


def test_an_erasure_held_by_an_open_task_may_be_asked_again(
    agent: Caller, supervisor: Caller
) -> None:
    party = _resident(agent, 305)
    task = agent.post(
        "/api/v1/tasks",
        json={
            "kind": "objection",
            "party_id": party,
            "description": "Bezwaar",
            "assigned_team": "KCC",
        },
    )
    assert task.status_code == 201, task.get_json()
    first = supervisor.post(f"/api/v1/parties/{party}/erasure", json={"reason": REASON})
    assert first.get_json()["complete"] is False
    closed = agent.patch(f"/api/v1/tasks/{task.get_json()['id']}", json={"status": "done"})
    assert closed.status_code == 200, closed.get_json()
    second = supervisor.post(f"/api/v1/parties/{party}/erasure", json={"reason": REASON})
    assert second.status_code == 200, second.get_json()
    assert second.get_json()["complete"] is True and second.get_json()["erased"]["identity"] == 2


def test_the_openapi_document_is_valid_and_declares_both_export_types(agent: Caller) -> None:
    spec = json.loads(agent.client.get("/api/v1/openapi.json").data)
    validate(spec)
    ok = spec["paths"]["/api/v1/parties/{party_id}/export"]["get"]["responses"]["200"]
    assert set(ok["content"]) == {"application/json", "text/html"} and ok["description"]
    erasure = spec["paths"]["/api/v1/parties/{party_id}/erasure"]["post"]
    assert "409" in erasure["responses"] and erasure["requestBody"]["required"] is True
