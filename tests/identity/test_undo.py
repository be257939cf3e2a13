"""An agent undoes a merge: exactly what was moved goes back; later work on the survivor stays."""

from __future__ import annotations

from sqlalchemy import select

from kcc.db import db
from kcc.events.models import OutboxEvent
from tests.conftest import BSNS
from tests.identity.conftest import contact, merge, person, task


def _rich_pair(agent):
    survivor = person(
        agent,
        "Peters",
        digital_addresses=[
            {"kind": "phone", "address": "0655555555"},
            {"kind": "email", "address": "peters@example.nl"},
        ],
    )
    duplicate = person(
        agent,
        "Peeters",
        bsn=BSNS[3],
        digital_addresses=[
            {"kind": "phone", "address": "0655555555"},
            {"kind": "email", "address": "p.peeters@example.nl"},
            {"kind": "email", "address": "work@example.nl"},
            {"kind": "other", "address": "Postbus 12"},
        ],
    )
    contact(agent, survivor["id"], duplicate["id"], subject="Samen")
    contact(agent, duplicate["id"], subject="Alleen dubbel")
    contact(
        agent, duplicate["id"], survivor["id"], subject="Vertegenwoordigd", role="representative"
    )
    task(agent, duplicate["id"])
    task(agent, survivor["id"], "Eigen taak")
    return survivor, duplicate


def test_undo_restores_exactly_what_was_moved(agent, snapshot):
    survivor, duplicate = _rich_pair(agent)
    before = snapshot(survivor["id"], duplicate["id"])
    record = merge(agent, survivor["id"], duplicate["id"]).json
    assert record["moved"]["party_identifiers.party_id"] == 1
    assert snapshot(survivor["id"], duplicate["id"]) != before

    undone = agent.post(f"/api/v1/merges/{record['id']}/undo")
    assert undone.status_code == 200, undone.json
    assert undone.json["undone_at"] is not None and undone.json["undone_by"] == str(agent.user_id)
    assert {m["undo_outcome"] for m in undone.json["moves"] if m["outcome"] != "skipped"} == {
        "restored"
    }
    assert snapshot(survivor["id"], duplicate["id"]) == before

    back = agent.get(f"/api/v1/parties/{duplicate['id']}").json
    assert (
        back["is_active"] is True
        and back["merged_into"] is None
        and back["bsn_masked"] == "*****0019"
    )
    assert agent.get(f"/api/v1/parties?bsn={BSNS[3]}").json["items"][0]["id"] == duplicate["id"]
    assert agent.get(f"/api/v1/merges/{record['id']}").json == undone.json


def test_rows_created_on_the_survivor_after_the_merge_stay(agent, snapshot):
    survivor, duplicate = _rich_pair(agent)
    before = snapshot(survivor["id"], duplicate["id"])
    record = merge(agent, survivor["id"], duplicate["id"]).json
    later = contact(agent, survivor["id"], subject="Na de samenvoeging")
    added = agent.post(
        f"/api/v1/parties/{survivor['id']}/digital-addresses",
        json={"kind": "phone", "address": "0666666666"},
    ).json
    assert agent.post(f"/api/v1/merges/{record['id']}/undo").status_code == 200

    after = snapshot(survivor["id"], duplicate["id"])
    new_involvements = [
        r for r in after["involvements.party_id"] if r not in before["involvements.party_id"]
    ]
    assert len(new_involvements) == 1
    new_addresses = [
        r
        for r in after["digital_addresses.party_id"]
        if r not in before["digital_addresses.party_id"]
    ]
    assert [str(r["uuid"]) for r in new_addresses] == [added["id"]]
    timeline = agent.get(f"/api/v1/parties/{survivor['id']}/view").json["contact_moments"]["items"]
    assert later["id"] in [m["id"] for m in timeline]
    dup_timeline = agent.get(f"/api/v1/parties/{duplicate['id']}/view").json["contact_moments"][
        "items"
    ]
    assert later["id"] not in [m["id"] for m in dup_timeline] and len(dup_timeline) == 3


def test_a_moved_row_deleted_after_the_merge_is_reported_gone(agent):
    survivor = person(agent, "Weg")
    duplicate = person(
        agent, "Weg", digital_addresses=[{"kind": "email", "address": "weg@example.nl"}]
    )
    record = merge(agent, survivor["id"], duplicate["id"]).json
    address = agent.get(f"/api/v1/parties/{survivor['id']}").json["digital_addresses"][0]
    assert (
        agent.delete(
            f"/api/v1/parties/{survivor['id']}/digital-addresses/{address['id']}"
        ).status_code
        == 204
    )
    undone = agent.post(f"/api/v1/merges/{record['id']}/undo").json
    assert [m["undo_outcome"] for m in undone["moves"]] == ["gone"]
    assert agent.get(f"/api/v1/parties/{duplicate['id']}").json["is_active"] is True


def test_the_survivor_keeps_one_default_per_kind_after_undo(agent):
    survivor = person(agent, "Default")
    duplicate = person(
        agent, "Default", digital_addresses=[{"kind": "phone", "address": "0612121212"}]
    )
    record = merge(agent, survivor["id"], duplicate["id"]).json
    agent.post(
        f"/api/v1/parties/{survivor['id']}/digital-addresses",
        json={"kind": "phone", "address": "0688888888"},
    )
    assert agent.post(f"/api/v1/merges/{record['id']}/undo").status_code == 200
    mine = agent.get(f"/api/v1/parties/{survivor['id']}").json["digital_addresses"]
    theirs = agent.get(f"/api/v1/parties/{duplicate['id']}").json["digital_addresses"]
    assert [(a["address"], a["is_default"]) for a in mine] == [("+31688888888", True)]
    assert [(a["address"], a["is_default"]) for a in theirs] == [("+31612121212", True)]


def test_undoing_twice_or_out_of_order_is_a_conflict(agent):
    a, b, c = person(agent, "Keten"), person(agent, "Keten"), person(agent, "Keten")
    first = merge(agent, b["id"], c["id"]).json
    second = merge(agent, a["id"], b["id"]).json
    out_of_order = agent.post(f"/api/v1/merges/{first['id']}/undo")
    assert (
        out_of_order.status_code == 409 and "undo that merge first" in out_of_order.json["detail"]
    )
    assert agent.post(f"/api/v1/merges/{second['id']}/undo").status_code == 200
    twice = agent.post(f"/api/v1/merges/{second['id']}/undo")
    assert twice.status_code == 409 and "undone already" in twice.json["detail"]
    assert agent.post(f"/api/v1/merges/{first['id']}/undo").status_code == 200
    assert agent.get("/api/v1/merges/00000000-0000-4000-8000-000000000000").status_code == 404
    assert agent.post("/api/v1/merges/00000000-0000-4000-8000-000000000000/undo").status_code == 404


def test_undo_is_logged_for_both_parties_and_emits_an_event(app, agent, supervisor):
    a, b = person(agent, "Terug"), person(agent, "Terug")
    contact(agent, b["id"])
    record = merge(agent, a["id"], b["id"]).json
    assert supervisor.post(f"/api/v1/merges/{record['id']}/undo").status_code == 200
    for party in (a, b):
        log = supervisor.get(f"/api/v1/processing-log?party={party['id']}").json["items"]
        assert any(r["operation"].endswith("/undo") and r["action"] == "update" for r in log)
    with app.app_context():
        events = [
            e.payload
            for e in db.session().scalars(
                select(OutboxEvent).where(OutboxEvent.name == "party.unmerged")
            )
        ]
        db.remove()
    assert events == [
        {
            "merge_id": record["id"],
            "survivor_id": a["id"],
            "duplicate_id": b["id"],
            "restored": {"involvements.party_id": 1},
        }
    ]
