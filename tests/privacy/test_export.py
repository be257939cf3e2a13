"""Subject access: one export with everything, the full BSN only here, HTML escaped, merges followed."""

from __future__ import annotations

from kcc.auth.token_cache import clear_all
from tests.conftest import Caller, valid_bsn
from tests.statements import counted_statements


def _person(agent: Caller, seed: int, **extra: object) -> dict:  # type: ignore[type-arg]
    body = {
        "type": "person",
        "given_names": "Noor",
        "surname": "Jansen",
        "bsn": valid_bsn(seed),
        **extra,
    }
    response = agent.post("/api/v1/parties", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()  # type: ignore[no-any-return]


def _contact(agent: Caller, party: str, text: str) -> None:
    body = {
        "channel": "counter",
        "direction": "inbound",
        "subject": "paspoort",
        "text": text,
        "occurred_at": "2026-11-20T10:00:00Z",
        "parties": [{"party_id": party, "role": "resident"}],
    }
    response = agent.post("/api/v1/contact-moments", json=body)
    assert response.status_code == 201, response.get_json()


def test_export_has_everything_and_is_logged(agent: Caller, supervisor: Caller) -> None:
    bsn = valid_bsn(71)
    party = _person(agent, 71, digital_addresses=[{"kind": "email", "address": "noor@example.nl"}])
    _contact(agent, party["id"], "Vraag over paspoort")
    task = agent.post(
        "/api/v1/tasks",
        json={
            "kind": "callback",
            "party_id": party["id"],
            "description": "Terugbellen",
            "assigned_team": "KCC",
        },
    )
    assert task.status_code == 201, task.get_json()
    granted = agent.post(
        f"/api/v1/parties/{party['id']}/consents", json={"purpose": "proactive", "channel": "email"}
    )
    assert granted.status_code == 201, granted.get_json()
    response = agent.get(f"/api/v1/parties/{party['id']}/export")
    assert response.status_code == 200 and response.mimetype == "application/json"
    doc = response.get_json()
    assert doc["subject"] == party["id"]
    assert doc["identity"][0]["identifiers"] == [{"kind": "bsn", "value": bsn}]
    assert doc["addresses"][0]["address"] == "noor@example.nl"
    assert [m["text"] for m in doc["contact_moments"]] == ["Vraag over paspoort"]
    assert doc["tasks"][0]["description"] == "Terugbellen"
    assert doc["consents"][0]["receipt"]["piiPrincipalId"] == party["id"]
    for section in ("conversations", "journeys", "suggestions", "processing_log"):
        assert section in doc
    assert any(r["action"] == "create" for r in doc["processing_log"])
    log = supervisor.get(f"/api/v1/processing-log?party={party['id']}").get_json()["items"]
    assert log[0]["action"] == "export"
    assert bsn not in agent.get(f"/api/v1/parties/{party['id']}").get_data(as_text=True)


def test_html_export_is_escaped(agent: Caller) -> None:
    party = _person(agent, 72)
    _contact(agent, party["id"], "<script>alert('x')</script> & more")
    page = agent.get(f"/api/v1/parties/{party['id']}/export?format=html")
    assert page.status_code == 200 and page.mimetype == "text/html"
    text = page.get_data(as_text=True)
    assert (
        "<script>alert" not in text
        and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; more" in text
    )
    by_accept = agent.get(f"/api/v1/parties/{party['id']}/export", headers={"Accept": "text/html"})
    assert by_accept.mimetype == "text/html"
    bad = agent.get(f"/api/v1/parties/{party['id']}/export?format=pdf")
    assert bad.status_code == 422


def test_export_of_merged_party_follows_the_merge(agent: Caller, supervisor: Caller) -> None:
    survivor = _person(agent, 73)
    duplicate = agent.post(
        "/api/v1/parties", json={"type": "person", "given_names": "N.", "surname": "Jansen"}
    ).get_json()
    _contact(agent, duplicate["id"], "Eerder contact op het dubbele record")
    _contact(agent, survivor["id"], "Contact op het juiste record")
    merged = supervisor.post(
        f"/api/v1/parties/{survivor['id']}/merge",
        json={"duplicate_id": duplicate["id"], "reason": "same person"},
    )
    assert merged.status_code in (200, 201), merged.get_json()
    doc = agent.get(f"/api/v1/parties/{duplicate['id']}/export").get_json()
    assert doc["requested_for"] == duplicate["id"] and doc["subject"] == survivor["id"]
    assert set(doc["parties"]) == {survivor["id"], duplicate["id"]}
    assert {m["text"] for m in doc["contact_moments"]} == {
        "Eerder contact op het dubbele record",
        "Contact op het juiste record",
    }
    assert (
        agent.get("/api/v1/parties/00000000-0000-0000-0000-000000000000/export").status_code == 404
    )


def test_export_queries_do_not_grow_with_the_data(app, agent: Caller) -> None:  # type: ignore[no-untyped-def]
    """Every section is read in a fixed number of queries, however much there is (no per-row query)."""
    party = _person(agent, 74)

    def exported() -> int:
        statements.clear()
        response = agent.get(f"/api/v1/parties/{party['id']}/export")
        assert response.status_code == 200, response.get_json()
        return len(statements)

    def add_contact(i: int) -> None:
        body = {
            "channel": "phone",
            "direction": "inbound",
            "subject": "afval",
            "text": f"Vraag {i}",
            "occurred_at": "2026-11-20T10:00:00Z",
            "parties": [{"party_id": party["id"], "role": "resident"}],
            "objects": [{"type": "case", "id": f"Z-2026-{i:03d}"}],
        }
        assert agent.post("/api/v1/contact-moments", json=body).status_code == 201

    with counted_statements() as statements:
        add_contact(0)
        small = exported()
        for i in range(1, 13):
            add_contact(i)
        for channel in ("sms", "email"):
            granted = agent.post(
                f"/api/v1/parties/{party['id']}/consents",
                json={"purpose": "proactive", "channel": channel},
            ).get_json()
            agent.post(
                f"/api/v1/parties/{party['id']}/consents/{granted['id']}/withdraw",
                json={"method": "phone"},
            )
        large = exported()
    doc = agent.get(f"/api/v1/parties/{party['id']}/export").get_json()
    assert len(doc["contact_moments"]) == 13 and len(doc["consents"]) == 4
    assert doc["contact_moments"][12]["objects"] == [{"type": "case", "id": "Z-2026-012"}]
    assert large == small, f"{small} statements for a light party, {large} for a heavier one"


def test_export_of_a_merge_group_reads_all_parties_at_once(  # type: ignore[no-untyped-def]
    app, agent: Caller, supervisor: Caller
) -> None:
    def survivor_with(duplicates: int, seed: int) -> str:
        survivor = _person(agent, seed)
        for n in range(duplicates):
            duplicate = agent.post(
                "/api/v1/parties", json={"type": "person", "given_names": f"N{n}", "surname": "J"}
            ).get_json()
            _contact(agent, duplicate["id"], f"Contact {n}")
            agent.post(
                f"/api/v1/parties/{duplicate['id']}/consents",
                json={"purpose": "proactive", "channel": "sms"},
            )
            merged = supervisor.post(
                f"/api/v1/parties/{survivor['id']}/merge",
                json={"duplicate_id": duplicate["id"], "reason": "same person"},
            )
            assert merged.status_code in (200, 201), merged.get_json()
        return str(survivor["id"])

    def exported(party_id: str) -> tuple[int, dict]:  # type: ignore[type-arg]
        statements.clear()
        clear_all()  # each export checks its token, as the first one does
        response = agent.get(f"/api/v1/parties/{party_id}/export")
        assert response.status_code == 200, response.get_json()
        return len(statements), response.get_json()

    one, four = survivor_with(1, 75), survivor_with(4, 76)
    with counted_statements() as statements:
        small, _ = exported(one)
        large, doc = exported(four)
    assert len(doc["parties"]) == 5 and len(doc["consents"]) == 4
    assert {i["merged_into"] for i in doc["identity"][1:]} == {four}
    assert large == small, f"{small} statements for a group of 2, {large} for a group of 5"
