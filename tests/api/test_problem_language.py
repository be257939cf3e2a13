"""Problem details in the caller's language: Dutch on ``Accept-Language: nl``, else English.

The shape stays RFC 9457 either way; only the words change. Marshmallow's field messages,
the HTTP layer's own problems and the titles follow the same choice.
"""

from __future__ import annotations

from tests.conftest import Caller

DUTCH = {"Accept-Language": "nl"}
PROBLEM = "application/problem+json"


def test_field_messages_are_dutch_for_a_dutch_caller(agent: Caller) -> None:
    body = {"kind": "callback", "assigned_team": "x" * 101, "description": 12, "note": "x" * 4001}
    dutch = agent.post("/api/v1/tasks", json=body, headers=DUTCH)
    assert dutch.status_code == 422 and dutch.mimetype == PROBLEM
    assert dutch.json["title"] == "Controle mislukt"
    reasons = {p["name"]: p["reason"] for p in dutch.json["invalid_params"]}
    assert reasons["description"] == "Geen geldige tekst."
    assert reasons["assigned_team"] == "De lengte moet tussen 1 en 100 liggen."
    assert reasons["note"] == "Langer dan de maximale lengte van 4000."
    assert "Geen geldige tekst." in dutch.json["detail"]
    english = agent.post("/api/v1/tasks", json=body)
    reasons = {p["name"]: p["reason"] for p in english.json["invalid_params"]}
    assert reasons == {
        "description": "Not a valid string.",
        "assigned_team": "Length must be between 1 and 100.",
        "note": "Longer than maximum length 4000.",
    }
    assert english.json["title"] == "Validation failed"


def test_required_and_choice_messages(agent: Caller) -> None:
    dutch = agent.post("/api/v1/tasks", json={"kind": "pigeon"}, headers=DUTCH)
    reasons = {p["name"]: p["reason"] for p in dutch.json["invalid_params"]}
    assert reasons["kind"].startswith("Moet een van deze zijn: ")
    assert reasons["kind"].endswith(".") and "callback" in reasons["kind"]
    missing = agent.post("/api/v1/tasks", json={"description": "Bel terug"}, headers=DUTCH)
    assert missing.json["invalid_params"] == [{"name": "kind", "reason": "Dit veld is verplicht."}]
    unknown = agent.post("/api/v1/tasks", json={"kind": "callback", "colour": 1}, headers=DUTCH)
    assert {"name": "colour", "reason": "Onbekend veld."} in unknown.json["invalid_params"]
    english = agent.post("/api/v1/tasks", json={"description": "Bel terug"})
    assert english.json["invalid_params"] == [
        {"name": "kind", "reason": "Missing data for required field."}
    ]


def test_the_http_layers_own_problems_follow_the_caller(agent: Caller, client) -> None:  # type: ignore[no-untyped-def]
    nowhere = agent.get("/api/v1/nowhere", headers=DUTCH)
    assert nowhere.status_code == 404 and nowhere.mimetype == PROBLEM
    assert nowhere.json == {
        "type": "https://kcc.example.nl/problems/not-found",
        "title": "Niet gevonden",
        "status": 404,
        "detail": "op dit pad staat niets",
        "instance": "/api/v1/nowhere",
    }
    assert agent.get("/api/v1/nowhere").json["title"] == "Not Found"
    no_token = client.get("/api/v1/tasks", headers=DUTCH)
    assert no_token.status_code == 401
    assert no_token.json["title"] == "Niet aangemeld"
    assert "bearer-token" in no_token.json["detail"]
    assert client.get("/api/v1/tasks").json["title"] == "Unauthorized"


def test_a_business_rule_in_dutch_and_english(agent: Caller) -> None:
    missing = "/api/v1/tasks/00000000-0000-0000-0000-000000000000"
    dutch = agent.get(missing, headers={"Accept-Language": "nl-NL,nl;q=0.9,en;q=0.8"})
    assert dutch.status_code == 404
    assert dutch.json["title"] == "Niet gevonden"
    assert dutch.json["detail"] == ("geen taak met id 00000000-0000-0000-0000-000000000000")
    english = agent.get(missing, headers={"Accept-Language": "en-GB,nl;q=0.5"})
    assert english.json["detail"] == "no task with id 00000000-0000-0000-0000-000000000000"
    assert english.json["title"] == "Not found"


def test_pages_keep_their_own_language_whatever_the_browser_asks(client) -> None:  # type: ignore[no-untyped-def]
    """Pages are Dutch unless English is chosen on the page; only the API negotiates."""
    page = client.get("/chat", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert "Chat met de gemeente" in page.get_data(as_text=True)
    assert 'lang="nl"' in page.get_data(as_text=True)
