"""Recording and listing contact moments: parties, objects, retries and replays."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from kcc.contacts.models import ContactMoment, Involvement
from kcc.db import db
from kcc.http.models import IdempotencyRecord

MISSING = "00000000-0000-4000-8000-000000000000"


def count(app, model) -> int:
    with app.app_context():
        try:
            return db.session().scalar(select(func.count()).select_from(model)) or 0
        finally:
            db.remove()


def party(caller, surname: str = "Jansen") -> str:
    response = caller.post("/api/v1/parties", json={"type": "person", "surname": surname})
    assert response.status_code == 201, response.json
    return response.json["id"]


def moment(caller, **fields: object):
    return caller.post("/api/v1/contact-moments", json={"channel": "phone", **fields})


def test_records_every_contract_field(agent):
    resident, representative = party(agent), party(agent, "de Vries")
    at = (datetime.now(UTC) - timedelta(hours=1)).replace(microsecond=0)
    response = moment(
        agent,
        channel="counter",
        direction="inbound",
        subject="Paspoort aanvragen",
        text="Wil een nieuw paspoort; afspraak gemaakt.",
        outcome="answered",
        language="en",
        confidential=True,
        occurred_at=at.isoformat(),
        parties=[
            {"party_id": resident, "role": "resident"},
            {"party_id": representative, "role": "representative"},
        ],
        objects=[{"type": "case", "id": "Z-2026-001", "register": "ZGW"}],
        details={"location": "Stadhuis"},
    )
    assert response.status_code == 201, response.json
    body = response.json
    assert body["channel"] == "counter"
    assert body["subject"] == "Paspoort aanvragen"
    assert body["outcome"] == "answered"
    assert body["language"] == "en"
    assert body["confidential"] is True
    assert datetime.fromisoformat(body["occurred_at"]) == at
    assert body["parties"] == [
        {"party_id": resident, "role": "resident", "contact_name": None},
        {"party_id": representative, "role": "representative", "contact_name": None},
    ]
    assert body["objects"] == [{"type": "case", "id": "Z-2026-001", "register": "ZGW"}]
    assert body["agent"] == str(agent.user_id)
    assert body["details"] == {"location": "Stadhuis"}
    again = agent.get(f"/api/v1/contact-moments/{body['id']}")
    assert again.status_code == 200
    assert again.json == body


def test_agent_defaults_to_the_caller_but_not_for_systems(agent, system, make_caller):
    colleague = make_caller("agent")
    assert moment(agent).json["agent"] == str(agent.user_id)
    assert moment(system).json["agent"] is None
    assert moment(system, agent=str(colleague.user_id)).json["agent"] == str(colleague.user_id)
    unknown = moment(agent, agent=MISSING)
    assert unknown.status_code == 422
    assert unknown.json["invalid_params"][0]["name"] == "agent"


def test_occurred_at_defaults_to_now(agent):
    before = datetime.now(UTC)
    body = moment(agent).json
    assert (
        before - timedelta(seconds=1)
        <= datetime.fromisoformat(body["occurred_at"])
        <= datetime.now(UTC)
    )


@pytest.mark.parametrize(
    ("fields", "name"),
    [
        ({"channel": "carrier_pigeon"}, "channel"),
        ({"direction": "sideways"}, "direction"),
        ({"outcome": "maybe"}, "outcome"),
        ({"language": "xx"}, "language"),
        ({"subject": "x" * 201}, "subject"),
        ({"text": "x" * 10_001}, "text"),
        ({"objects": [{"type": "case", "id": "x" * 101}]}, "objects.0.id"),
        ({"objects": [{"type": "case"}]}, "objects.0.id"),
        ({"parties": [{"party_id": "not-a-uuid"}]}, "parties.0.party_id"),
        ({"parties": [{"party_id": MISSING, "role": "boss"}]}, "parties.0.role"),
        ({"external_id": ""}, "external_id"),
        ({"details": {f"k{i}": i for i in range(31)}}, "details"),
        ({"colour": "blue"}, "colour"),
        ({"parties": [{"party_id": MISSING, "rol": "resident"}]}, "parties.0.rol"),
    ],
)
def test_bad_input_is_named_and_nothing_stored(app, agent, fields, name):
    response = moment(agent, **fields)
    assert response.status_code == 422, response.json
    assert response.mimetype == "application/problem+json"
    assert name in [p["name"] for p in response.json["invalid_params"]], response.json
    assert count(app, ContactMoment) == 0


def test_channel_is_required(agent):
    response = agent.post("/api/v1/contact-moments", json={"subject": "x"})
    assert response.status_code == 422
    assert [p["name"] for p in response.json["invalid_params"]] == ["channel"]


def test_unknown_party_is_422_and_nothing_stored(app, agent):
    known = party(agent)
    response = moment(
        agent, parties=[{"party_id": known}, {"party_id": MISSING, "role": "representative"}]
    )
    assert response.status_code == 422
    assert response.json["invalid_params"][0]["name"] == "parties"
    assert MISSING in response.json["detail"]
    assert count(app, ContactMoment) == 0
    assert count(app, Involvement) == 0


def test_same_party_twice_in_one_role_is_422(app, agent):
    known = party(agent)
    response = moment(agent, parties=[{"party_id": known}, {"party_id": known}])
    assert response.status_code == 422
    assert count(app, ContactMoment) == 0


def test_future_occurred_at(app, agent):
    far = (datetime.now(UTC) + timedelta(minutes=6)).isoformat()
    response = moment(agent, occurred_at=far)
    assert response.status_code == 422
    assert response.json["invalid_params"][0]["name"] == "occurred_at"
    near = (datetime.now(UTC) + timedelta(minutes=4)).isoformat()
    assert moment(agent, occurred_at=near).status_code == 201
    naive = moment(agent, occurred_at="2026-01-01T10:00:00")
    assert naive.status_code == 422
    assert count(app, ContactMoment) == 1


def test_channel_retry_returns_the_same_moment(app, agent):
    known = party(agent)
    first = moment(
        agent, channel="sms", external_id="SM123", subject="Vraag", parties=[{"party_id": known}]
    )
    assert first.status_code == 201
    retry = moment(
        agent, channel="sms", external_id="SM123", subject="Vraag", parties=[{"party_id": known}]
    )
    assert retry.status_code in (200, 201)
    assert retry.json["id"] == first.json["id"]
    other_channel = moment(agent, channel="email", external_id="SM123")
    assert other_channel.json["id"] != first.json["id"]
    assert count(app, ContactMoment) == 2
    assert count(app, Involvement) == 1


def test_idempotency_key_replays_the_first_response(app, agent):
    known = party(agent)
    payload = {"channel": "phone", "subject": "Afval", "parties": [{"party_id": known}]}
    headers = {"Idempotency-Key": "4f1c7c9e-call-1"}
    first = agent.post("/api/v1/contact-moments", json=payload, headers=headers)
    assert first.status_code == 201
    replay = agent.post("/api/v1/contact-moments", json=payload, headers=headers)
    assert replay.status_code == 201
    assert replay.get_data() == first.get_data()
    assert replay.headers.get("Idempotent-Replayed") == "true"
    assert count(app, ContactMoment) == 1
    changed = agent.post(
        "/api/v1/contact-moments", json={**payload, "subject": "Anders"}, headers=headers
    )
    assert changed.status_code == 422
    assert changed.json["invalid_params"][0]["name"] == "Idempotency-Key"
    assert count(app, ContactMoment) == 1
    assert count(app, IdempotencyRecord) == 1


def test_idempotency_keys_belong_to_one_caller(app, agent, make_caller):
    other = make_caller("agent")
    headers = {"Idempotency-Key": "same-key"}
    one = agent.post("/api/v1/contact-moments", json={"channel": "phone"}, headers=headers)
    two = other.post("/api/v1/contact-moments", json={"channel": "phone"}, headers=headers)
    assert one.json["id"] != two.json["id"]
    assert count(app, ContactMoment) == 2


def test_failed_request_with_key_is_not_replayed(app, agent):
    headers = {"Idempotency-Key": "try-again"}
    bad = agent.post(
        "/api/v1/contact-moments",
        json={"channel": "phone", "parties": [{"party_id": MISSING}]},
        headers=headers,
    )
    assert bad.status_code == 422
    good = agent.post("/api/v1/contact-moments", json={"channel": "phone"}, headers=headers)
    assert good.status_code == 201
    assert count(app, IdempotencyRecord) == 1


def test_overlong_idempotency_key(agent):
    response = agent.post(
        "/api/v1/contact-moments", json={"channel": "phone"}, headers={"Idempotency-Key": "k" * 201}
    )
    assert response.status_code == 422


def test_unknown_moment_is_404(agent):
    assert agent.get(f"/api/v1/contact-moments/{MISSING}").status_code == 404


def test_list_filters_and_pages(agent):
    anna, bert = party(agent, "Anna"), party(agent, "Bert")
    base = datetime.now(UTC) - timedelta(days=1)
    for i in range(7):
        response = moment(
            agent,
            channel="phone" if i % 2 else "counter",
            occurred_at=(base + timedelta(minutes=i)).isoformat(),
            subject=f"m{i}",
            parties=[{"party_id": anna}],
            objects=[{"type": "case", "id": f"Z-{i % 3}"}],
        )
        assert response.status_code == 201
    moment(agent, subject="bert", parties=[{"party_id": bert}])

    def subjects(query: dict[str, object]) -> list[str]:
        response = agent.get("/api/v1/contact-moments", query_string=query)
        assert response.status_code == 200, response.json
        return [m["subject"] for m in response.json["items"]]

    assert subjects({"party": anna}) == [f"m{i}" for i in range(6, -1, -1)]
    assert subjects({"party": bert}) == ["bert"]
    assert subjects({"party": anna, "channel": "phone"}) == ["m5", "m3", "m1"]
    assert subjects({"object_type": "case", "object_id": "Z-0"}) == ["m6", "m3", "m0"]
    assert subjects({"object_id": "Z-1", "object_type": "zaak"}) == []

    seen: list[str] = []
    cursor = None
    while True:
        query: dict[str, object] = {"party": anna, "limit": 3}
        if cursor:
            query["cursor"] = cursor
        page = agent.get("/api/v1/contact-moments", query_string=query).json
        seen.extend(m["subject"] for m in page["items"])
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == [f"m{i}" for i in range(6, -1, -1)]

    assert agent.get(f"/api/v1/contact-moments?party={MISSING}").status_code == 404
    assert agent.get("/api/v1/contact-moments?channel=fax").status_code == 422
    assert agent.get("/api/v1/contact-moments?cursor=bm9wZQ==").status_code == 422


def test_moments_at_the_same_instant_page_without_loss(agent):
    anna = party(agent)
    at = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    created = {
        moment(agent, occurred_at=at, parties=[{"party_id": anna}]).json["id"] for _ in range(5)
    }
    seen: list[str] = []
    cursor = None
    while True:
        query: dict[str, object] = {
            "party": anna,
            "limit": 2,
            **({"cursor": cursor} if cursor else {}),
        }
        page = agent.get("/api/v1/contact-moments", query_string=query).json
        seen.extend(m["id"] for m in page["items"])
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == 5
    assert set(seen) == created
