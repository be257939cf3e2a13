"""Phone calls and counter visits become contact moments with their channel's own fields."""

from __future__ import annotations


def test_phone_call_finds_the_caller_by_number(agent):
    party = agent.post(
        "/api/v1/parties",
        json={
            "type": "person",
            "surname": "Visser",
            "digital_addresses": [{"kind": "phone", "address": "+31612345678"}],
        },
    ).json
    assert [p["id"] for p in agent.get("/api/v1/parties?phone=06-12345678").json["items"]] == [
        party["id"]
    ]
    call = agent.post(
        "/api/v1/phone-calls",
        json={
            "caller_number": "06 12345678",
            "duration_seconds": 312,
            "outcome": "answered",
            "subject": "Afvalpas",
        },
    )
    assert call.status_code == 201, call.json
    assert call.json["channel"] == "phone"
    assert call.json["details"] == {"caller_number": "+31612345678", "duration_seconds": 312}
    assert call.json["parties"][0]["party_id"] == party["id"]
    assert call.json["agent"] == str(agent.user_id)


def test_counter_visit_with_location_and_appointment(agent):
    party = agent.post("/api/v1/parties", json={"type": "person", "surname": "Bakker"}).json
    visit = agent.post(
        "/api/v1/counter-visits",
        json={
            "party_id": party["id"],
            "location": "Stadswinkel Centrum",
            "appointment_reference": "AFS-2026-0042",
            "outcome": "answered",
            "subject": "Paspoort ophalen",
        },
    )
    assert visit.status_code == 201, visit.json
    assert visit.json["channel"] == "counter"
    assert visit.json["details"]["location"] == "Stadswinkel Centrum"
    assert visit.json["details"]["appointment_reference"] == "AFS-2026-0042"


def test_bad_registrations(agent, client):
    assert agent.post("/api/v1/phone-calls", json={"caller_number": "nonsense"}).status_code == 422
    assert agent.post("/api/v1/phone-calls", json={"duration_seconds": -1}).status_code == 422
    assert (
        agent.post("/api/v1/counter-visits", json={"subject": "zonder locatie"}).status_code == 422
    )
    assert (
        client.post("/api/v1/counter-visits", json={"location": "Stadswinkel"}).status_code == 401
    )
    assert agent.get("/api/v1/contact-moments").json["items"] == []
