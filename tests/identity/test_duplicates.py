"""Agents see pairs of parties that share a phone number, an e-mail address or an identifier."""

from __future__ import annotations

from tests.identity.conftest import merge, person


def _pairs(caller, **params):
    response = caller.get("/api/v1/parties/duplicates", query_string=params)
    assert response.status_code == 200, response.json
    return response.json


def _as_sets(page):
    return {
        (frozenset(p["id"] for p in item["parties"]), tuple(item["reasons"]))
        for item in page["items"]
    }


def test_candidates_by_phone_and_email(agent):
    anna = person(
        agent,
        "Jansen",
        digital_addresses=[
            {"kind": "phone", "address": "06 12345678"},
            {"kind": "email", "address": "Anna@Example.nl"},
        ],
    )
    by_phone = person(
        agent, "Janssen", digital_addresses=[{"kind": "phone", "address": "+31612345678"}]
    )
    by_email = person(
        agent, "Jansen-Smit", digital_addresses=[{"kind": "email", "address": "anna@example.nl"}]
    )
    both = person(
        agent,
        "Jans",
        digital_addresses=[
            {"kind": "phone", "address": "0031612345678"},
            {"kind": "email", "address": "ANNA@example.nl"},
        ],
    )
    person(agent, "Other", digital_addresses=[{"kind": "phone", "address": "0612345679"}])

    found = _as_sets(_pairs(agent))
    a, p, e, b = anna["id"], by_phone["id"], by_email["id"], both["id"]
    assert found == {
        (frozenset({a, p}), ("phone",)),
        (frozenset({a, e}), ("email",)),
        (frozenset({a, b}), ("email", "phone")),
        (frozenset({p, b}), ("phone",)),
        (frozenset({e, b}), ("email",)),
    }
    first = _pairs(agent)["items"][0]
    assert [x["id"] for x in first["parties"]] == [e, b]  # newest pair first, older party first
    assert all("bsn" not in p for item in _pairs(agent)["items"] for p in item["parties"])


def test_candidates_are_paginated_without_gaps_or_repeats(agent):
    for i in range(7):
        person(agent, f"Phone{i}", digital_addresses=[{"kind": "phone", "address": "0612345670"}])
    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": 4} | ({"cursor": cursor} if cursor else {})
        page = _pairs(agent, **params)
        seen += [tuple(p["id"] for p in item["parties"]) for item in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == 21 == len(set(seen))  # 7 parties: 7*6/2 pairs
    assert pages == 6
    bad = agent.get("/api/v1/parties/duplicates?cursor=garbage")
    assert bad.status_code == 422


def test_merged_parties_are_no_longer_candidates(agent):
    a = person(agent, "Bakker", digital_addresses=[{"kind": "email", "address": "b@example.nl"}])
    b = person(agent, "Bakker", digital_addresses=[{"kind": "email", "address": "b@example.nl"}])
    assert len(_pairs(agent)["items"]) == 1
    assert merge(agent, a["id"], b["id"]).status_code == 201
    assert _pairs(agent)["items"] == []


def test_only_staff_lists_candidates(client, system, supervisor):
    assert client.get("/api/v1/parties/duplicates").status_code == 401
    assert system.get("/api/v1/parties/duplicates").status_code == 403
    assert supervisor.get("/api/v1/parties/duplicates").status_code == 200


def test_listing_candidates_is_in_the_processing_log(agent, supervisor):
    a = person(agent, "Visser", digital_addresses=[{"kind": "phone", "address": "0687654321"}])
    person(agent, "Visser", digital_addresses=[{"kind": "phone", "address": "0687654321"}])
    _pairs(agent)
    log = supervisor.get(f"/api/v1/processing-log?party={a['id']}").json["items"]
    assert any(
        r["action"] == "search" and r["operation"].endswith("/parties/duplicates") for r in log
    )
