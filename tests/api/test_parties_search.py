"""Finding parties: by BSN, phone, e-mail, KvK number and name, page by page."""

from __future__ import annotations

import pytest


def register(caller, surname: str, given: str = "Anna", **extra: object) -> dict[str, object]:
    response = caller.post(
        "/api/v1/parties",
        json={"type": "person", "given_names": given, "surname": surname, **extra},
    )
    assert response.status_code == 201, response.json
    return response.json


def ids(response) -> list[str]:
    assert response.status_code == 200, response.json
    return [p["id"] for p in response.json["items"]]


@pytest.mark.parametrize(
    ("stored", "query"),
    [
        ("Müller", "muller"),
        ("Müller", "MÜLLER"),
        ("Çelik", "celik"),
        ("Y\u0131lmaz", "yilmaz"),
        ("Gül", "gul"),
        ("van 't Hof", "HOF"),
    ],
)
def test_name_search_ignores_case_and_accents(agent, stored, query):
    wanted = register(agent, stored)
    register(agent, "Jansen")
    assert ids(agent.get("/api/v1/parties", query_string={"q": query})) == [wanted["id"]]


def test_name_search_matches_given_names_prefix_and_organisations(agent):
    person = register(agent, "Berg", given="Zeynep", surname_prefix="van den")
    org = agent.post(
        "/api/v1/parties", json={"type": "organisation", "name": "Café De Blauwe Hand"}
    ).json
    assert ids(agent.get("/api/v1/parties?q=zeynep")) == [person["id"]]
    assert ids(agent.get("/api/v1/parties?q=van den berg")) == [person["id"]]
    assert ids(agent.get("/api/v1/parties?q=cafe de blauwe")) == [org["id"]]
    assert ids(agent.get("/api/v1/parties?q=cafe&type=person")) == []
    assert ids(agent.get("/api/v1/parties?q=cafe&type=organisation")) == [org["id"]]


def test_name_search_treats_wildcards_literally(agent):
    register(agent, "Jansen")
    assert ids(agent.get("/api/v1/parties", query_string={"q": "%%"})) == []
    assert ids(agent.get("/api/v1/parties", query_string={"q": "__"})) == []


def test_too_short_search_is_422(agent):
    response = agent.get("/api/v1/parties?q=a")
    assert response.status_code == 422
    assert response.json["invalid_params"][0]["name"] == "q"


def test_search_combines_criteria(agent):
    one = register(
        agent,
        "Jansen",
        bsn="111222333",
        digital_addresses=[{"kind": "phone", "address": "0612345678"}],
    )
    register(
        agent,
        "Jansen",
        bsn="123456782",
        digital_addresses=[{"kind": "phone", "address": "0687654321"}],
    )
    assert ids(agent.get("/api/v1/parties?q=jansen&phone=0612345678")) == [one["id"]]
    assert ids(agent.get("/api/v1/parties?bsn=123456782&phone=0612345678")) == []


def test_unknown_values_find_nothing(agent):
    register(agent, "Jansen", bsn="111222333")
    assert ids(agent.get("/api/v1/parties?bsn=123456782")) == []
    assert ids(agent.get("/api/v1/parties?phone=0611111111")) == []
    assert ids(agent.get("/api/v1/parties?email=nobody@example.nl")) == []
    assert ids(agent.get("/api/v1/parties?kvk=99999999")) == []


def test_unknown_query_parameter_is_named(agent):
    response = agent.get("/api/v1/parties?surname=Jansen")
    assert response.status_code == 422
    assert [p["name"] for p in response.json["invalid_params"]] == ["surname"]


def test_pages_have_no_duplicates_or_gaps(agent):
    created = [register(agent, "Bakker", given=f"Kees{i}")["id"] for i in range(23)]
    register(agent, "Jansen")
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        query = {"q": "bakker", "limit": 5}
        if cursor:
            query["cursor"] = cursor
        response = agent.get("/api/v1/parties", query_string=query)
        page = ids(response)
        assert len(page) <= 5
        seen.extend(page)
        pages += 1
        cursor = response.json["next_cursor"]
        if cursor is None:
            break
    assert pages == 5
    assert len(seen) == len(set(seen)) == 23
    assert set(seen) == set(created)
    assert seen == list(reversed(created))


def test_exact_page_boundary_has_no_empty_last_page(agent):
    for i in range(4):
        register(agent, "Bakker", given=f"Kees{i}")
    first = agent.get("/api/v1/parties?q=bakker&limit=4")
    assert len(first.json["items"]) == 4
    assert first.json["next_cursor"] is None


@pytest.mark.parametrize("cursor", ["garbage", "eyJpZCI6ICJ4In0=", "eyJhdCI6MX0=", "W10=", "e30="])
def test_bad_cursor_is_422(agent, cursor):
    register(agent, "Bakker")
    response = agent.get("/api/v1/parties", query_string={"q": "bakker", "cursor": cursor})
    assert response.status_code == 422, response.json
    assert response.json["invalid_params"][0]["name"] == "cursor"


@pytest.mark.parametrize("limit", ["0", "101", "x"])
def test_limit_is_bounded(agent, limit):
    assert agent.get("/api/v1/parties", query_string={"limit": limit}).status_code == 422
