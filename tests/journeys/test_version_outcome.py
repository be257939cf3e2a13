"""A version read back never holds a null its OpenAPI schema does not allow."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.conftest import Caller
from tests.journeys.conftest import small_doc, to_yaml


def _nulls_against_schema(body: dict[str, Any], schema: dict[str, Any]) -> list[str]:
    properties = schema["properties"]
    return [
        name
        for name, value in body.items()
        if value is None and not properties.get(name, {}).get("nullable", False)
    ]


def test_version_read_and_publish_answers_match_their_schema(
    process_owner: Caller, agent: Caller, make_caller: Callable[..., Caller]
) -> None:
    created = process_owner.post("/api/v1/journeys", json={"document": to_yaml(small_doc())})
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["outcome"] == "created"
    schema = agent.client.get("/api/v1/openapi.json").get_json()["components"]["schemas"][
        "VersionDetail"
    ]
    read = agent.get("/api/v1/journeys/small/versions/1").get_json()
    assert read["number"] == 1
    assert "outcome" not in read
    assert _nulls_against_schema(read, schema) == []
    approved = make_caller("process_owner").post("/api/v1/journeys/small/versions/1/approve")
    assert _nulls_against_schema(approved.get_json(), schema) == []
    published = process_owner.post("/api/v1/journeys/small/versions/1/publish").get_json()
    assert published["status"] == "published"
    assert _nulls_against_schema(published, schema) == []
