"""A route that takes a JSON body refuses a request without one instead of storing nothing."""

from __future__ import annotations

import pytest


def _count_calls(agent) -> int:
    return len(agent.get("/api/v1/contact-moments?channel=phone&limit=100").json["items"])


@pytest.mark.parametrize(
    "path", ["/api/v1/phone-calls", "/api/v1/counter-visits", "/api/v1/tasks", "/api/v1/parties"]
)
def test_post_without_body_or_type_is_unsupported_media_type(agent, path):
    before = _count_calls(agent)
    response = agent.client.post(path, headers={"Authorization": f"Bearer {agent.token}"})
    assert response.status_code == 415, response.json
    assert response.content_type == "application/problem+json"
    assert "application/json" in response.json["detail"]
    assert _count_calls(agent) == before


def test_phone_call_with_an_empty_json_object_is_still_registered(agent):
    response = agent.post("/api/v1/phone-calls", json={})
    assert response.status_code == 201, response.json
    assert response.json["channel"] == "phone"
