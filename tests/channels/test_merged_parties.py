"""A number left on a merged-away party (it clashed with the survivor's) leads to the survivor."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from channels.parties import surviving_party
from kcc.db import db
from kcc.parties.models import Party
from tests.identity.conftest import merge, person

NUMBER = "+31612345678"


def _jansen_twice(agent):  # type: ignore[no-untyped-def]
    """Two records of one resident with the same number; the newer is merged into the older."""
    survivor = person(agent, "Jansen", digital_addresses=[{"kind": "phone", "address": NUMBER}])
    duplicate = person(
        agent, "Janssen", digital_addresses=[{"kind": "phone", "address": "06 12345678"}]
    )
    response = merge(agent, survivor["id"], duplicate["id"])
    assert response.status_code == 201, response.json
    assert response.json["skipped"] == {"digital_addresses.party_id": 1}
    kept = agent.get(f"/api/v1/parties/{duplicate['id']}").json
    assert [a["address"] for a in kept["digital_addresses"]] == [NUMBER]
    return survivor, duplicate


def test_an_sms_from_a_number_left_on_a_merged_away_party_reaches_the_survivor(
    agent, text_in, run_jobs
):
    survivor, duplicate = _jansen_twice(agent)
    assert text_in(NUMBER, "Is mijn afvalpas al verstuurd?").status_code == 200
    run_jobs()

    conversation = agent.get("/api/v1/conversations").json["items"][0]
    assert conversation["party_id"] == survivor["id"]
    view = agent.get(f"/api/v1/parties/{survivor['id']}/view").json
    assert [m["channel"] for m in view["contact_moments"]["items"]] == ["sms"]
    assert (
        agent.get(f"/api/v1/parties/{duplicate['id']}/view").json["contact_moments"]["items"] == []
    )
    persons = agent.get("/api/v1/parties?phone=0612345678").json["items"]
    assert len(persons) == 2  # no third, unidentified party was made for the number


def test_a_phone_call_by_that_number_is_registered_on_the_survivor(agent):
    survivor, _ = _jansen_twice(agent)
    call = agent.post(
        "/api/v1/phone-calls",
        json={"caller_number": "06 12345678", "outcome": "answered", "subject": "Afvalpas"},
    )
    assert call.status_code == 201, call.json
    assert [p["party_id"] for p in call.json["parties"]] == [survivor["id"]]


def test_a_chain_of_merges_is_followed_to_the_last_survivor(app, agent, text_in, run_jobs):
    first, duplicate = _jansen_twice(agent)
    last = person(agent, "Jansen-de Boer")
    assert merge(agent, last["id"], first["id"]).status_code == 201

    with app.app_context():
        held = db.session().scalar(select(Party).where(Party.uuid == uuid.UUID(duplicate["id"])))
        assert held is not None and not held.is_active
        assert str(surviving_party(held).uuid) == last["id"]
        db.remove()

    text_in(NUMBER, "Hallo")
    run_jobs()
    conversation = agent.get("/api/v1/conversations").json["items"][0]
    assert conversation["party_id"] == last["id"]
