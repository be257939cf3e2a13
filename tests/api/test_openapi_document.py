"""The published OpenAPI document is valid OpenAPI 3 (as CI checks with openapi-spec-validator)."""

from __future__ import annotations

from openapi_spec_validator import validate


def test_openapi_document_is_valid(client):
    document = client.get("/api/v1/openapi.json").get_json()
    validate(document)
    export = document["paths"]["/api/v1/parties/{party_id}/export"]["get"]["responses"]["200"]
    assert set(export["content"]) == {"application/json", "text/html"}
    assert export["description"]
    assert "/api/v1/sign-in-throttles" in document["paths"]
