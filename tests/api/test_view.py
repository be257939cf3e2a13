"""The customer view: everything about a party in one call, at a cost bounded by the page."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from kcc.contacts.services import ContactInput, InvolvementInput, ObjectInput, record_contact
from kcc.db import db
from kcc.tasks.services import TaskInput, create_task, update_task
from tests.statements import counted_statements

CHANNELS = ["counter", "phone", "web", "chat", "sms", "email"]


def register(caller, surname: str = "Jansen") -> str:
    response = caller.post(
        "/api/v1/parties",
        json={
            "type": "person",
            "surname": surname,
            "preferred_channel": "sms",
            "digital_addresses": [{"kind": "phone", "address": "0612345678"}],
        },
    )
    assert response.status_code == 201, response.json
    return response.json["id"]


def add_history(
    app, party_id: str, moments: int, open_tasks: int = 0, closed_tasks: int = 0
) -> None:
    """Write history straight through the services, which is much faster than HTTP."""
    start = datetime.now(UTC) - timedelta(days=moments + 1)
    party = uuid.UUID(party_id)
    recorded: list[uuid.UUID] = []
    with app.app_context():
        for i in range(moments):
            result = record_contact(
                ContactInput(
                    channel=CHANNELS[i % len(CHANNELS)],
                    subject=f"m{i}",
                    occurred_at=start + timedelta(days=i),
                    parties=[InvolvementInput(party)],
                    objects=[ObjectInput("case", f"Z-{i}")],
                )
            )
            recorded.append(result.contact_moment.uuid)
        for i in range(open_tasks + closed_tasks):
            about = recorded[-1 - i] if i < len(recorded) else None
            task = create_task(
                TaskInput(
                    kind="callback",
                    party_id=party,
                    contact_moment_id=about,
                    assigned_team="KCC",
                    description=f"t{i}",
                )
            )
            if i >= open_tasks:
                db.session().flush()
                update_task(task.uuid, {"status": "done"})
        db.commit()
        db.remove()


def test_every_section_is_present(agent):
    party = register(agent)
    response = agent.get(f"/api/v1/parties/{party}/view")
    assert response.status_code == 200, response.json
    body = response.json
    assert body["party"]["id"] == party
    assert [a["address"] for a in body["digital_addresses"]] == ["+31612345678"]
    assert body["preferred_channel"] == "sms"
    assert body["contact_moments"] == {"items": [], "next_cursor": None}
    assert body["open_tasks"] == []
    for section in ("conversations", "journeys", "suggestions", "consents"):
        assert body[section] == []


def test_newest_first_across_channels_and_paged(app, agent):
    party = register(agent)
    add_history(app, party, 13)
    seen: list[str] = []
    channels: set[str] = set()
    cursor = None
    while True:
        query = {"limit": 5, **({"cursor": cursor} if cursor else {})}
        page = agent.get(f"/api/v1/parties/{party}/view", query_string=query).json[
            "contact_moments"
        ]
        seen.extend(m["subject"] for m in page["items"])
        channels.update(m["channel"] for m in page["items"])
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == [f"m{i}" for i in range(12, -1, -1)]
    assert channels == set(CHANNELS)


def test_party_in_two_roles_is_listed_once(agent):
    party = register(agent)
    response = agent.post(
        "/api/v1/contact-moments",
        json={
            "channel": "counter",
            "parties": [
                {"party_id": party, "role": "resident"},
                {"party_id": party, "role": "representative"},
            ],
        },
    )
    assert response.status_code == 201, response.json
    agent.post(
        "/api/v1/contact-moments", json={"channel": "phone", "parties": [{"party_id": party}]}
    )
    first = agent.get(f"/api/v1/parties/{party}/view?limit=1").json["contact_moments"]
    second = agent.get(
        f"/api/v1/parties/{party}/view", query_string={"limit": 1, "cursor": first["next_cursor"]}
    ).json
    ids = [m["id"] for m in first["items"]] + [m["id"] for m in second["contact_moments"]["items"]]
    assert len(ids) == len(set(ids)) == 2
    assert second["contact_moments"]["next_cursor"] is None


def test_only_open_tasks(app, agent):
    party = register(agent)
    add_history(app, party, 0, open_tasks=2, closed_tasks=3)
    tasks = agent.get(f"/api/v1/parties/{party}/view").json["open_tasks"]
    assert sorted(t["description"] for t in tasks) == ["t0", "t1"]
    assert all(t["party_id"] == party and t["status"] == "open" for t in tasks)


def test_other_parties_do_not_leak_in(app, agent):
    one, two = register(agent, "Een"), register(agent, "Twee")
    add_history(app, two, 3, open_tasks=1)
    body = agent.get(f"/api/v1/parties/{one}/view").json
    assert body["contact_moments"]["items"] == []
    assert body["open_tasks"] == []


def test_unknown_party_and_bad_arguments(agent):
    assert agent.get("/api/v1/parties/00000000-0000-4000-8000-000000000000/view").status_code == 404
    party = register(agent)
    assert agent.get(f"/api/v1/parties/{party}/view?limit=0").status_code == 422
    assert agent.get(f"/api/v1/parties/{party}/view?cursor=xyz").status_code == 422
    assert agent.get(f"/api/v1/parties/{party}/view?colour=red").status_code == 422


@pytest.mark.parametrize("limit", [5, 20])
def test_query_count_does_not_grow_with_history(app, agent, limit):
    small, large = register(agent, "Klein"), register(agent, "Groot")
    add_history(app, small, 5 + limit, open_tasks=1, closed_tasks=1)
    add_history(app, large, 200, open_tasks=12, closed_tasks=30)
    # Warm up caches that are not per request (statements built once, the token check).
    for party in (small, large):
        with counted_statements() as first:
            agent.get(f"/api/v1/parties/{party}/view")
        assert len(first) <= 15, first

    counts = {}
    for name, party in (("small", small), ("large", large)):
        with counted_statements() as statements:
            response = agent.get(f"/api/v1/parties/{party}/view", query_string={"limit": limit})
        assert response.status_code == 200
        assert len(response.json["contact_moments"]["items"]) == limit
        counts[name] = len(statements)
    assert counts["small"] == counts["large"], counts
    assert counts["large"] <= 9, counts
