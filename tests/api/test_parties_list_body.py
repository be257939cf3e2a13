"""The party list's body is what ``PartySchema`` dumps for the parties the search finds.

The list is built from plain rows without the schema; these tests hold every page of it,
byte for byte, to the schema's dump of the same search done with ORM entities.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from kcc.db import db
from kcc.http.schemas import page_of
from kcc.parties.schemas import PartySchema
from kcc.parties.search import PartyQuery, search_parties
from tests.conftest import BSNS


def register(caller: Any, **body: Any) -> dict[str, Any]:
    response = caller.post("/api/v1/parties", json=body)
    assert response.status_code == 201, response.json
    return response.json


def schema_body(app: Flask, query: dict[str, Any]) -> bytes:
    """The page as the schema dumps the entities ``search_parties`` finds (then rolled back)."""
    args = dict(query)
    limit, cursor = int(args.pop("limit", 20)), args.pop("cursor", None)
    with app.app_context():
        try:
            parties, next_cursor = search_parties(PartyQuery(**args), limit, cursor)
            page = page_of(PartySchema)().dump({"items": parties, "next_cursor": next_cursor})
            return app.json.response(page).get_data()
        finally:
            db.rollback()
            db.remove()


def assert_pages_match(app: Flask, caller: Any, query: dict[str, Any]) -> int:
    """Follow the list page by page; each body equals the schema's. Returns the items seen."""
    seen = 0
    while True:
        response = caller.get("/api/v1/parties", query_string=query)
        assert response.status_code == 200, response.json
        assert response.content_type == "application/json"
        assert response.get_data() == schema_body(app, query), query
        seen += len(response.json["items"])
        cursor = response.json["next_cursor"]
        if cursor is None:
            return seen
        query = {**query, "cursor": cursor}


@pytest.fixture()
def parties(agent: Any) -> dict[str, dict[str, Any]]:
    """Persons, businesses, a branch, a contact person and a merged-away duplicate, all with
    'Dijk' in their name, with none, one or several identifiers and addresses."""
    made: dict[str, dict[str, Any]] = {}
    made["bare"] = register(agent, type="person", surname="Dijk")
    made["prefixed"] = register(
        agent,
        type="person",
        given_names="Ünal Émile",
        surname_prefix="van der",
        surname="Dijk",
        bsn=BSNS[0],
        preferred_channel="email",
        preferred_language="en",
        digital_addresses=[
            {"kind": "phone", "address": "06 12345678", "label": "mobiel", "is_default": True},
            {
                "kind": "email",
                "address": "Unal@Example.NL",
                "verified_at": "2026-01-02T10:00:00+01:00",
            },
            {"kind": "other", "address": "@unal", "label": "social"},
        ],
    )
    made["person"] = register(
        agent,
        type="person",
        given_names="Piet",
        surname="Dijkstra",
        bsn=BSNS[1],
        digital_addresses=[{"kind": "phone", "address": "0612345679"}],
    )
    made["business"] = register(
        agent,
        type="organisation",
        name="Dijk & Zonen B.V.",
        kvk="12345678",
        rsin="111222333",
        digital_addresses=[
            {"kind": "email", "address": "info@dijk.example"},
            {"kind": "phone", "address": "0201234567"},
        ],
    )
    made["branch"] = register(
        agent,
        type="organisation",
        name="Dijk & Zonen filiaal Zuid",
        kvk="12345678",
        branch_number="000012345678",
    )
    made["own_branch"] = register(
        agent, type="organisation", name="Dijkhuis", kvk="87654321", branch_number="000087654321"
    )
    made["nameless"] = register(agent, type="organisation", name="Dijkgraaf", rsin="123456782")
    made["contact"] = register(
        agent,
        type="contact_person",
        given_names="Sanne",
        surname="Dijk",
        organisation_id=made["business"]["id"],
    )
    made["duplicate"] = register(
        agent,
        type="person",
        given_names="Piet",
        surname="Dijkstra",
        digital_addresses=[{"kind": "email", "address": "piet@dijk.example"}],
    )
    merged = agent.post(
        f"/api/v1/parties/{made['person']['id']}/merge",
        json={"duplicate_id": made["duplicate"]["id"], "reason": "zelfde persoon"},
    )
    assert merged.status_code == 201, merged.json
    register(agent, type="person", surname="Jansen")  # not a Dijk
    return made


def test_list_by_name_is_the_schema_dump_on_every_page(app, agent, parties):
    for limit in (1, 2, 3, 20, 100):
        assert assert_pages_match(app, agent, {"q": "dijk", "limit": limit}) == len(parties)


@pytest.mark.parametrize(
    "query",
    [
        {"bsn": BSNS[0]},
        {"bsn": BSNS[1]},
        {"phone": "+31612345678"},
        {"phone": "0612345679"},
        {"email": "UNAL@example.nl"},
        {"email": "piet@dijk.example"},
        {"kvk": "12345678"},
        {"kvk": "12345678", "limit": 1},
        {"kvk": "87654321"},
        {"q": "dijk", "type": "organisation", "limit": 2},
        {"q": "dijk", "type": "person"},
        {"q": "dijk", "type": "contact_person"},
        {"bsn": BSNS[2]},
        {"q": "nobody"},
    ],
)
def test_each_search_is_the_schema_dump(app, agent, parties, query):
    assert_pages_match(app, agent, query)


def test_the_list_shows_what_the_item_shows(agent, parties):
    """The list and the single party read agree on every field (one schema, two paths)."""
    listed = agent.get("/api/v1/parties?q=dijk&limit=100").json["items"]
    for item in listed:
        assert item == agent.get(f"/api/v1/parties/{item['id']}").json
    by_id = {item["id"]: item for item in listed}
    assert by_id[parties["branch"]["id"]]["kvk"] == "12345678"
    assert by_id[parties["own_branch"]["id"]]["kvk"] == "87654321"
    assert by_id[parties["contact"]["id"]]["organisation_id"] == parties["business"]["id"]
    duplicate = by_id[parties["duplicate"]["id"]]
    assert duplicate["is_active"] is False
    assert duplicate["merged_into"] == parties["person"]["id"]
    assert len(by_id[parties["prefixed"]["id"]]["digital_addresses"]) == 3


def test_a_wrong_value_is_named_before_a_wrong_cursor(agent):
    response = agent.get("/api/v1/parties", query_string={"bsn": "123", "cursor": "garbage"})
    assert response.status_code == 422, response.json
    assert [p["name"] for p in response.json["invalid_params"]] == ["bsn"]
