"""Erasure on request: everything that may go goes; open tasks hold what they need; the answer says why."""

from __future__ import annotations

from collections.abc import Callable

from tests.conftest import Caller, valid_bsn

REQUEST = {"reason": "request by letter of 1 December 2026"}


def _setup(agent: Caller, seed: int) -> str:
    party = agent.post(
        "/api/v1/parties",
        json={
            "type": "person",
            "given_names": "Piet",
            "surname": "Smit",
            "bsn": valid_bsn(seed),
            "digital_addresses": [{"kind": "phone", "address": "+31655554444"}],
        },
    ).get_json()["id"]
    body = {
        "channel": "phone",
        "direction": "inbound",
        "subject": "afval",
        "text": "Container vol",
        "occurred_at": "2026-11-01T09:00:00Z",
        "parties": [{"party_id": party, "role": "resident"}],
    }
    assert agent.post("/api/v1/contact-moments", json=body).status_code == 201
    agent.post(f"/api/v1/parties/{party}/consents", json={"purpose": "proactive", "channel": "sms"})
    return party


def test_erasure_without_holds(
    agent: Caller, supervisor: Caller, run_jobs: Callable[[], int]
) -> None:
    party = _setup(agent, 81)
    run_jobs()  # every event about the party handled: none is kept in flight
    assert (
        agent.post(
            f"/api/v1/parties/{party}/erasure",
            json=REQUEST,
        ).status_code
        == 403
    )
    response = supervisor.post(f"/api/v1/parties/{party}/erasure", json=REQUEST)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (
        body["complete"] is True
        and body["erased"]["contact_moments"] == 1
        and body["erased"]["identity"] == 2  # the party and its BSN
    )
    assert {k["what"] for k in body["kept"]} == {
        "consent records",
        "processing log",
        "party records without personal data",
    }
    assert body["left"] == {}
    assert all(k["why"] for k in body["kept"])
    doc = agent.get(f"/api/v1/parties/{party}/export").get_json()
    assert (
        doc["contact_moments"] == []
        and doc["addresses"] == []
        and doc["identity"][0]["surname"] is None
    )
    assert doc["identity"][0]["identifiers"] == []


def test_open_complaint_is_a_legal_hold(agent: Caller, supervisor: Caller) -> None:
    party = _setup(agent, 82)
    task = agent.post(
        "/api/v1/tasks",
        json={
            "kind": "complaint",
            "party_id": party,
            "description": "Klacht over afval",
            "assigned_team": "KCC",
        },
    )
    assert task.status_code == 201, task.get_json()
    body = supervisor.post(f"/api/v1/parties/{party}/erasure", json=REQUEST).get_json()
    assert body["complete"] is False and body["erased"]["identity"] == 0
    reasons = " ".join(k["why"] for k in body["kept"])
    assert "complaint" in reasons and "statutory term" in reasons
    doc = agent.get(f"/api/v1/parties/{party}/export").get_json()
    assert doc["identity"][0]["surname"] == "Smit" and doc["tasks"][0]["kind"] == "complaint"
