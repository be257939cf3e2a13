"""The question patterns follow every write at once: a contact moment registered with a
topic, its outcome given later, a callback asked, a topic taken off, a resident attached.
The dashboard reads the figures copied onto the confirmed topics, so each change must move
them in its own transaction (run on SQLite, and on PostgreSQL with KCC_TEST_DATABASE_URL)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from flask import Flask

from kcc.db import db, unit_of_work, utcnow
from tests.conftest import Caller


@pytest.fixture()
def resident(app: Flask) -> str:
    """A resident living in postcode area 6512."""
    from kcc.parties.services import PartyInput, register_party

    with app.app_context(), unit_of_work():
        party = register_party(
            PartyInput(
                type="person",
                surname="Visser",
                visiting_address={"straatnaam": "Molenstraat", "postcode": "6512 AB"},
            )
        )
        found = str(party.uuid)
    with app.app_context():
        db.remove()
    return found


def _register(agent: Caller, resident: str | None, topics: list[str], **fields: Any) -> str:
    body: dict[str, Any] = {"channel": "phone", "subject": "Grofvuil", "topics": topics, **fields}
    if resident is not None:
        body["parties"] = [{"party_id": resident, "role": "resident"}]
    created = agent.post("/api/v1/contact-moments", json=body)
    assert created.status_code == 201, created.get_json()
    return str(created.get_json()["id"])


def _figures(app: Flask) -> dict[str, Any]:
    """What the dashboard shows now, for the topic grofvuil."""
    from kcc.patterns import queries

    with app.app_context():
        now = utcnow()
        weekly = queries.contacts_per_topic_week(now)
        figures = {
            "weekly": sum(weekly.counts.get("grofvuil", [])),
            "channels": weekly.channels.get("grofvuil", {}),
            "fcr": {
                f.key: (f.value, f.total) for f in queries.first_contact_resolution_per_topic(now)
            },
            "repeats": {f.key: f.total for f in queries.repeat_contacts(now)},
            "callbacks": {f.key: f.total for f in queries.callbacks_per_topic(now)},
            "districts": dict(queries.contacts_per_district(now)),
        }
        db.remove()
    return figures


def test_each_write_moves_the_question_patterns_at_once(
    app: Flask, agent: Caller, catalogue: dict[str, str], resident: str
) -> None:
    grofvuil = catalogue["grofvuil"]
    first = _register(agent, resident, [grofvuil], outcome="answered")
    seen = _figures(app)
    assert seen["weekly"] == 1 and seen["channels"] == {"phone": 1}
    assert seen["fcr"] == {"grofvuil": (100.0, 1)}
    assert seen["repeats"] == {} and seen["callbacks"] == {}
    assert seen["districts"] == {"6512": 1}

    # The same question again within the week, not settled: failure demand.
    second = _register(agent, resident, [grofvuil], outcome="forwarded", channel="sms")
    seen = _figures(app)
    assert seen["weekly"] == 2 and seen["channels"] == {"phone": 1, "sms": 1}
    assert seen["fcr"] == {"grofvuil": (50.0, 2)}
    assert seen["repeats"] == {"grofvuil": 1}
    assert seen["districts"] == {"6512": 2}

    task = agent.post(
        "/api/v1/tasks",
        json={
            "kind": "callback",
            "party_id": resident,
            "contact_moment_id": second,
            "description": "Terugbellen over grofvuil",
            "assigned_team": "KCC",
        },
    )
    assert task.status_code == 201, task.get_json()
    assert _figures(app)["callbacks"] == {"grofvuil": 1}

    # Taking the topic off the first contact: the second is no repeat any more.
    off = agent.put(f"/api/v1/contact-moments/{first}/topics", json={"topics": []})
    assert off.status_code == 200, off.get_json()
    seen = _figures(app)
    assert seen["repeats"] == {}
    assert seen["fcr"] == {"grofvuil": (0.0, 1)}
    assert seen["weekly"] == 1


def test_an_outcome_given_later_and_a_resident_attached_later_count_at_once(
    app: Flask, agent: Caller, catalogue: dict[str, str], resident: str
) -> None:
    from kcc.contacts.changes import attach_resident, close_contact

    # A conversation's contact moment: no resident yet, still running.
    running = _register(agent, None, [catalogue["grofvuil"]], outcome="in_progress")
    seen = _figures(app)
    assert seen["weekly"] == 1
    assert seen["fcr"] == {}  # not finished: no first-contact figure yet
    assert seen["districts"] == {}

    with app.app_context(), unit_of_work():
        attach_resident(uuid.UUID(running), uuid.UUID(resident))
    with app.app_context():
        db.remove()
    assert _figures(app)["districts"] == {"6512": 1}

    with app.app_context(), unit_of_work():
        close_contact(uuid.UUID(running), "no_answer_needed")
    with app.app_context():
        db.remove()
    assert _figures(app)["fcr"] == {"grofvuil": (100.0, 1)}


def test_merging_two_records_of_one_resident_counts_their_repeat_contact_and_undo_uncounts_it(
    app: Flask, agent: Caller, catalogue: dict[str, str], resident: str
) -> None:
    grofvuil = catalogue["grofvuil"]
    duplicate = agent.post("/api/v1/parties", json={"type": "person", "surname": "Visser"})
    assert duplicate.status_code == 201, duplicate.get_json()
    _register(agent, resident, [grofvuil], outcome="answered")
    _register(agent, duplicate.get_json()["id"], [grofvuil], outcome="answered")
    assert _figures(app)["repeats"] == {}  # two residents, as far as anyone knew

    merged = agent.post(
        f"/api/v1/parties/{resident}/merge",
        json={"duplicate_id": duplicate.get_json()["id"], "reason": "Dezelfde persoon"},
    )
    assert merged.status_code == 201, merged.get_json()
    assert _figures(app)["repeats"] == {"grofvuil": 1}

    undone = agent.post(f"/api/v1/merges/{merged.get_json()['id']}/undo")
    assert undone.status_code == 200, undone.get_json()
    assert _figures(app)["repeats"] == {}
