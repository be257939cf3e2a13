"""A journey's publication in the national Algorithm Register's fields."""

from __future__ import annotations

from tests.conftest import Caller


def test_register_fields_of_the_moving_journey(builtins_moving: str, agent: Caller) -> None:
    response = agent.get("/api/v1/journeys/moving/algorithm-register")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["name"] == "Verhuizen naar of binnen Nijmegen" and body["status"] == "In gebruik"
    assert body["human_intervention"].startswith("Een medewerker") and body["source_data"]
    assert "AVG" in body["lawful_basis"] and body["required_missing"] == []
    english = agent.get("/api/v1/journeys/moving/algorithm-register?lang=en").get_json()
    assert english["name"] == "Moving to or within Nijmegen"
    assert agent.get("/api/v1/journeys/nope/algorithm-register").status_code == 404
