"""The core API answers a first round trip: register, record, view."""

from __future__ import annotations


def test_register_record_and_view(agent):
    created = agent.post(
        "/api/v1/parties",
        json={
            "type": "person",
            "bsn": "111222333",
            "given_names": "Anna",
            "surname_prefix": "van der",
            "surname": "Müller",
            "digital_addresses": [{"kind": "phone", "address": "06 12345678"}],
        },
    )
    assert created.status_code == 201, created.json
    party = created.json
    assert party["bsn_masked"] == "*****2333"
    assert "bsn" not in party
    assert party["digital_addresses"][0]["address"] == "+31612345678"

    moment = agent.post(
        "/api/v1/contact-moments",
        json={"channel": "counter", "subject": "Paspoort", "parties": [{"party_id": party["id"]}]},
    )
    assert moment.status_code == 201, moment.json

    view = agent.get(f"/api/v1/parties/{party['id']}/view")
    assert view.status_code == 200, view.json
    assert view.json["contact_moments"]["items"][0]["subject"] == "Paspoort"
    for section in ("conversations", "journeys", "suggestions", "consents"):
        assert view.json[section] == []

    found = agent.get("/api/v1/parties?phone=0031612345678")
    assert [p["id"] for p in found.json["items"]] == [party["id"]]
    assert agent.get("/api/v1/parties?q=muller").json["items"][0]["id"] == party["id"]
