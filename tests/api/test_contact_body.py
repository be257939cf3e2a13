"""A contact moment just recorded is answered with exactly what the schema would have dumped."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from kcc.contacts import services
from kcc.contacts.models import ContactMoment
from kcc.contacts.schemas import ContactMomentSchema, new_contact_body
from kcc.contacts.writes import loaded_contact_moment
from kcc.db import db
from tests.conftest import valid_bsn

EARLIER = datetime.now(UTC).replace(microsecond=123456) - timedelta(hours=2)


def party(caller, surname: str = "Jansen") -> str:
    response = caller.post("/api/v1/parties", json={"type": "person", "surname": surname})
    assert response.status_code == 201, response.json
    return response.json["id"]


def bodies(parties: list[str]) -> list[dict[str, Any]]:
    one = [{"party_id": parties[0]}]
    return [
        {"channel": "phone"},
        {
            "channel": "phone",
            "direction": "inbound",
            "subject": "Vraag over afvalinzameling",
            "text": "Inwoner belt over de status van de aanvraag.",
            "outcome": "answered",
            "parties": [{"party_id": parties[0], "role": "resident"}],
        },
        {
            "channel": "counter",
            "direction": "outbound",
            "subject": f"Paspoort, bsn {valid_bsn(1)}",
            "text": f"Mijn bsn is {valid_bsn(2)}; \u2018citaat\u2019 \u2013 é ü ✓",
            "outcome": None,
            "language": "en",
            "confidential": True,
            "occurred_at": EARLIER.astimezone(timezone(timedelta(hours=2))).isoformat(),
            "parties": [
                {"party_id": parties[0], "role": "resident"},
                {"party_id": parties[1], "role": "representative"},
                {"party_id": parties[0], "role": "representative"},
            ],
            "objects": [
                {"type": "case", "id": "Z-2026-001", "register": "ZGW"},
                {"type": "product", "id": "P-1"},
            ],
            "details": {"location": "Stadhuis", "duration_seconds": 75, "nested": {"a": [1, 2]}},
        },
        {"channel": "sms", "external_id": "SM-body-1", "parties": one, "details": {"bsn": 1}},
    ]


def test_the_answer_to_a_new_moment_is_what_reading_it_back_answers(agent, system, make_caller):
    parties = [party(agent), party(agent, "de Vries")]
    colleague = make_caller("agent")
    for caller, extra in ((agent, {}), (system, {}), (system, {"agent": str(colleague.user_id)})):
        for body in bodies(parties):
            created = caller.post("/api/v1/contact-moments", json={**body, **extra})
            assert created.status_code == 201, created.json
            read = caller.get(f"/api/v1/contact-moments/{created.json['id']}")
            assert created.data == read.data
            assert created.headers["Content-Type"] == read.headers["Content-Type"]
            assert created.headers["Content-Length"] == str(len(created.data))


def test_a_channel_repeat_answers_the_same_bytes_and_headers(agent):
    body = {"channel": "sms", "external_id": "SM-repeat", "parties": [{"party_id": party(agent)}]}
    first = agent.post("/api/v1/contact-moments", json=body)
    repeat = agent.post("/api/v1/contact-moments", json=body)
    assert (first.status_code, repeat.status_code) == (201, 201)
    assert first.data == repeat.data
    assert sorted(first.headers.items()) == sorted(repeat.headers.items())


def test_an_idempotent_replay_answers_the_same_bytes(agent):
    body = {"channel": "phone", "subject": "Vraag", "parties": [{"party_id": party(agent)}]}
    headers = {"Idempotency-Key": "body-replay-1"}
    first = agent.post("/api/v1/contact-moments", json=body, headers=headers)
    replay = agent.post("/api/v1/contact-moments", json=body, headers=headers)
    assert (first.status_code, replay.status_code) == (201, 201)
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert first.data == replay.data


@pytest.mark.parametrize(
    "details",
    [{}, {"contactnaam": {"voornaam": "Anna", "achternaam": "Bakker"}}, {"contactnaam": "x"}],
)
def test_the_body_equals_the_schema_dump_of_the_recorded_object(app, agent, details):
    party_id = uuid.UUID(party(agent))
    data = services.ContactInput(
        channel="email",
        subject="Vraag",
        text=f"bsn {valid_bsn(3)}",
        occurred_at=EARLIER,
        parties=[services.InvolvementInput(party_id, "resident", details=details)],
        objects=[services.ObjectInput("case", "Z-1", "ZGW", "zaaknummer")],
        agent_id=agent.user_id,
        details={"caller_number": "+31612345678"},
    )
    with app.test_request_context():
        try:
            new = services.record_new_contact(data)
            assert isinstance(new, services.NewContact)
            # What record_contact hands its callers for the same rows.
            moment = loaded_contact_moment(new.rows)
            moment.agent_uuid = new.agent_id
            moment.involvements[0].party_uuid = party_id
            dumped = ContactMomentSchema().dump(moment)
            assert new_contact_body(new) == dumped
            assert app.json.dumps(new_contact_body(new)) == app.json.dumps(dumped)
        finally:
            db.rollback()
            db.remove()


def test_topics_and_repeats_still_come_back_as_stored_moments(app, agent):
    party_id = uuid.UUID(party(agent))
    data = services.ContactInput(
        channel="sms", external_id="SM-lean", parties=[services.InvolvementInput(party_id)]
    )
    with app.test_request_context():
        try:
            first = services.record_new_contact(data)
            assert isinstance(first, services.NewContact)
            again = services.record_new_contact(data)
            assert isinstance(again, ContactMoment)
            assert again.uuid == first.rows.moment["uuid"]
        finally:
            db.rollback()
            db.remove()
