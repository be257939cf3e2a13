"""An agent merges two records of one person: everything moves to the survivor."""

from __future__ import annotations

from sqlalchemy import select

from kcc.db import Base, db
from kcc.events.models import OutboxEvent
from kcc.identity.references import NOT_MOVED, party_references
from tests.conftest import BSNS
from tests.identity.conftest import contact, merge, person, task


def test_merge_moves_contacts_tasks_and_addresses_into_the_survivor_view(agent):
    survivor = person(
        agent, "de Vries", digital_addresses=[{"kind": "phone", "address": "0611111111"}]
    )
    duplicate = person(
        agent,
        "Vries",
        digital_addresses=[
            {"kind": "email", "address": "devries@example.nl"},
            {"kind": "phone", "address": "0622222222"},
        ],
    )
    moment = contact(agent, duplicate["id"], subject="Paspoort verlengen")
    open_task = task(agent, duplicate["id"], "Bel terug over paspoort")

    response = merge(agent, survivor["id"], duplicate["id"], "zelfde persoon, twee registraties")
    assert response.status_code == 201, response.json
    record = response.json
    assert record["survivor_id"] == survivor["id"] and record["duplicate_id"] == duplicate["id"]
    assert record["moved"] == {
        "digital_addresses.party_id": 2,
        "involvements.party_id": 1,
        "tasks.party_id": 1,
    }
    assert record["skipped"] == {} and record["undone_at"] is None
    assert agent.get(f"/api/v1/merges/{record['id']}").json == record

    view = agent.get(f"/api/v1/parties/{survivor['id']}/view").json
    assert [m["id"] for m in view["contact_moments"]["items"]] == [moment["id"]]
    assert view["contact_moments"]["items"][0]["parties"][0]["party_id"] == survivor["id"]
    assert [t["id"] for t in view["open_tasks"]] == [open_task["id"]]
    assert sorted(a["address"] for a in view["digital_addresses"]) == [
        "+31611111111",
        "+31622222222",
        "devries@example.nl",
    ]
    assert agent.get(f"/api/v1/tasks/{open_task['id']}").json["party_id"] == survivor["id"]
    found = agent.get("/api/v1/parties?email=devries@example.nl").json["items"]
    assert [p["id"] for p in found] == [survivor["id"]]


def test_merged_away_party_still_answers_and_says_where_it_went(agent):
    survivor = person(agent, "Smit")
    duplicate = person(agent, "Smit")
    contact(agent, duplicate["id"])
    assert merge(agent, survivor["id"], duplicate["id"]).status_code == 201

    gone = agent.get(f"/api/v1/parties/{duplicate['id']}")
    assert gone.status_code == 200
    assert gone.json["is_active"] is False and gone.json["merged_into"] == survivor["id"]
    assert agent.get(f"/api/v1/parties/{survivor['id']}").json["merged_into"] is None
    view = agent.get(f"/api/v1/parties/{duplicate['id']}/view").json
    assert view["party"]["merged_into"] == survivor["id"]
    assert view["contact_moments"]["items"] == []


def test_clashing_rows_stay_with_the_duplicate_and_nothing_is_lost(agent):
    survivor = person(
        agent,
        "Mulder",
        digital_addresses=[
            {"kind": "phone", "address": "0633333333"},
            {"kind": "email", "address": "mulder@example.nl"},
        ],
    )
    duplicate = person(
        agent,
        "Mulder",
        digital_addresses=[
            {"kind": "phone", "address": "06 33333333"},
            {"kind": "email", "address": "m.mulder@example.nl"},
        ],
    )
    shared = contact(agent, survivor["id"], duplicate["id"], subject="Samen aan de balie")
    own = contact(agent, duplicate["id"], subject="Alleen de dubbele")

    record = merge(agent, survivor["id"], duplicate["id"]).json
    assert record["skipped"] == {"digital_addresses.party_id": 1, "involvements.party_id": 1}
    assert record["moved"] == {"digital_addresses.party_id": 1, "involvements.party_id": 1}
    assert [m["column"] for m in record["moves"] if m["outcome"] == "changed"] == ["is_default"]

    after = agent.get(f"/api/v1/parties/{survivor['id']}").json["digital_addresses"]
    emails = {a["address"]: a["is_default"] for a in after if a["kind"] == "email"}
    assert emails == {"mulder@example.nl": True, "m.mulder@example.nl": False}
    for kind in ("phone", "email"):
        assert sum(a["is_default"] for a in after if a["kind"] == kind) == 1
    kept = agent.get(f"/api/v1/parties/{duplicate['id']}").json["digital_addresses"]
    assert [(a["address"], a["is_default"]) for a in kept] == [("+31633333333", True)]

    timeline = agent.get(f"/api/v1/parties/{survivor['id']}/view").json["contact_moments"]["items"]
    assert {m["id"] for m in timeline} == {shared["id"], own["id"]}
    both = agent.get(f"/api/v1/contact-moments/{shared['id']}").json["parties"]
    assert sorted(p["party_id"] for p in both) == sorted([survivor["id"], duplicate["id"]])


def test_a_bsn_moves_to_a_survivor_without_one(agent):
    survivor = person(agent, "Bos")
    duplicate = person(agent, "Bos", bsn=BSNS[1])
    assert merge(agent, survivor["id"], duplicate["id"]).status_code == 201
    assert agent.get(f"/api/v1/parties/{survivor['id']}").json["bsn_masked"] == "*****6782"
    assert agent.get(f"/api/v1/parties/{duplicate['id']}").json["bsn_masked"] is None
    assert [p["id"] for p in agent.get(f"/api/v1/parties?bsn={BSNS[1]}").json["items"]] == [
        survivor["id"]
    ]


def test_two_different_bsns_are_two_people_and_are_not_merged(agent):
    survivor = person(
        agent, "Dekker", bsn=BSNS[0], digital_addresses=[{"kind": "phone", "address": "0644444444"}]
    )
    duplicate = person(
        agent, "Dekker", bsn=BSNS[2], digital_addresses=[{"kind": "phone", "address": "0644444444"}]
    )
    contact(agent, duplicate["id"])
    response = merge(agent, survivor["id"], duplicate["id"])
    assert response.status_code == 409
    assert response.headers["Content-Type"].startswith("application/problem+json")
    assert "two different people" in response.json["detail"]
    assert BSNS[0] not in response.get_data(as_text=True) and BSNS[2] not in response.get_data(
        as_text=True
    )
    assert agent.get(f"/api/v1/parties/{duplicate['id']}").json["is_active"] is True
    assert (
        len(agent.get(f"/api/v1/parties/{duplicate['id']}/view").json["contact_moments"]["items"])
        == 1
    )


def test_invalid_merges_are_refused(agent):
    a, b, c = person(agent, "Een"), person(agent, "Twee"), person(agent, "Drie")
    org = agent.post("/api/v1/parties", json={"type": "organisation", "name": "Bakkerij"}).json
    assert merge(agent, a["id"], a["id"]).status_code == 422
    assert merge(agent, a["id"], org["id"]).status_code == 422
    unknown = "00000000-0000-4000-8000-000000000000"
    assert merge(agent, unknown, a["id"]).status_code == 404
    assert merge(agent, a["id"], unknown).json["invalid_params"][0]["name"] == "duplicate_id"
    assert (
        agent.post(f"/api/v1/parties/{a['id']}/merge", json={"duplicate_id": b["id"]}).status_code
        == 422
    )
    assert merge(agent, a["id"], b["id"]).status_code == 201
    again = merge(agent, a["id"], b["id"])
    assert again.status_code == 409 and a["id"] in again.json["detail"]
    assert merge(agent, b["id"], c["id"]).status_code == 409  # a merged-away party cannot survive
    assert merge(agent, c["id"], b["id"]).status_code == 409


def test_roles_agents_and_supervisors_merge_system_may_not(agent, supervisor, system, client):
    a, b, c = person(agent, "Rol"), person(agent, "Rol"), person(agent, "Rol")
    assert merge(system, a["id"], b["id"]).status_code == 403
    assert (
        client.post(
            f"/api/v1/parties/{a['id']}/merge", json={"duplicate_id": b["id"], "reason": "x"}
        ).status_code
        == 401
    )
    record = merge(supervisor, a["id"], b["id"]).json
    assert system.post(f"/api/v1/merges/{record['id']}/undo").status_code == 403
    assert system.get(f"/api/v1/merges/{record['id']}").status_code == 403
    assert merge(agent, a["id"], c["id"]).status_code == 201


def test_merge_is_logged_for_both_parties_and_emits_an_event(app, agent, supervisor):
    a, b = person(agent, "Log"), person(agent, "Log")
    record = merge(agent, a["id"], b["id"]).json
    for party in (a, b):
        log = supervisor.get(f"/api/v1/processing-log?party={party['id']}").json["items"]
        assert any(
            r["action"] == "update"
            and r["operation"].endswith("/merge")
            and r["actor_id"] == str(agent.user_id)
            for r in log
        )
    with app.app_context():
        events = [
            e.payload
            for e in db.session().scalars(
                select(OutboxEvent).where(OutboxEvent.name == "party.merged")
            )
        ]
        db.remove()
    assert events == [
        {"merge_id": record["id"], "survivor_id": a["id"], "duplicate_id": b["id"], "moved": {}}
    ]


def test_introspection_finds_every_column_that_references_a_party(app):
    expected = {
        f"{table.name}.{fk.parent.name}"
        for table in Base.metadata.tables.values()
        for fk in table.foreign_keys
        if fk.column.table.name == "parties" and (table.name, fk.parent.name) not in NOT_MOVED
    }
    found = {ref.name for ref in party_references()}
    assert found == expected
    assert {
        "involvements.party_id",
        "tasks.party_id",
        "digital_addresses.party_id",
        "party_identifiers.party_id",
        "parties.organisation_id",
    } <= found
    assert not {f"{t}.{c}" for t, c in NOT_MOVED} & found


def test_merging_organisations_moves_their_contact_persons_and_refuses_two_kvk_numbers(
    agent, snapshot
):
    def organisation(name, **fields):
        response = agent.post(
            "/api/v1/parties", json={"type": "organisation", "name": name, **fields}
        )
        assert response.status_code == 201, response.json
        return response.json

    survivor = organisation("Bakkerij Jansen", kvk="12345678")
    duplicate = organisation("Bakkerij Jansen B.V.")
    employee = agent.post(
        "/api/v1/parties",
        json={"type": "contact_person", "surname": "Jansen", "organisation_id": duplicate["id"]},
    ).json
    before = snapshot(survivor["id"], duplicate["id"])
    record = merge(agent, survivor["id"], duplicate["id"]).json
    assert record["moved"] == {"parties.organisation_id": 1}
    assert agent.get(f"/api/v1/parties/{employee['id']}").json["organisation_id"] == survivor["id"]
    assert agent.post(f"/api/v1/merges/{record['id']}/undo").status_code == 200
    assert snapshot(survivor["id"], duplicate["id"]) == before

    other = organisation("Bakkerij Jansen Zuid", kvk="87654321")
    refused = merge(agent, survivor["id"], other["id"])
    assert refused.status_code == 409 and "two different businesses" in refused.json["detail"]
