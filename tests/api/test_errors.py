"""Every error is problem+json with a useful detail; never a 500."""

from __future__ import annotations

import pytest


def assert_problem(response, status: int) -> dict[str, object]:
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/problem+json"
    body = response.json
    assert body["status"] == status
    assert body["type"].startswith("https://")
    assert body["title"]
    assert body["detail"]
    assert "API-Version" in response.headers
    return body


def test_unknown_path(client, agent):
    assert_problem(client.get("/nope"), 404)
    assert_problem(agent.get("/api/v1/nope"), 404)


def test_unknown_id(agent):
    body = assert_problem(agent.get("/api/v1/parties/00000000-0000-4000-8000-000000000000"), 404)
    assert "00000000-0000-4000-8000-000000000000" in body["detail"]
    assert_problem(agent.get("/api/v1/parties/not-a-uuid"), 404)


def test_method_not_allowed_names_the_allowed_ones(agent):
    response = agent.delete("/api/v1/parties")
    assert_problem(response, 405)
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "POST"}


def test_body_over_one_mebibyte(agent):
    body = '{"type": "person", "surname": "' + "x" * (1024 * 1024) + '"}'
    response = agent.post("/api/v1/parties", data=body, content_type="application/json")
    problem = assert_problem(response, 413)
    assert "1 MiB" in problem["detail"]


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        ("type=person", "application/x-www-form-urlencoded"),
        ("<party/>", "application/xml"),
        ("hello", "text/plain"),
    ],
)
def test_non_json_body(agent, data, content_type):
    problem = assert_problem(
        agent.post("/api/v1/parties", data=data, content_type=content_type), 415
    )
    assert "application/json" in problem["detail"]


@pytest.mark.parametrize("body", ['{"type": "person",', "{'type': 'person'}", "[1, 2", "nul"])
def test_malformed_json(agent, body):
    problem = assert_problem(
        agent.post("/api/v1/parties", data=body, content_type="application/json"), 400
    )
    assert "JSON" in problem["detail"]


@pytest.mark.parametrize("body", ["[]", '"person"', "42", "null"])
def test_json_that_is_not_an_object(agent, body):
    response = agent.post("/api/v1/parties", data=body, content_type="application/json")
    assert response.status_code in (400, 422)
    assert_problem(response, response.status_code)


def test_empty_body(agent):
    response = agent.post("/api/v1/parties", data="", content_type="application/json")
    assert response.status_code in (400, 422)
    assert_problem(response, response.status_code)


def test_validation_lists_every_field(agent):
    response = agent.post("/api/v1/parties", json={"type": "robot", "colour": "blue", "surname": 7})
    problem = assert_problem(response, 422)
    names = {p["name"] for p in problem["invalid_params"]}
    assert names == {"type", "colour", "surname"}
    assert all(p["reason"] for p in problem["invalid_params"])


def test_wrong_types_are_422_not_500(agent):
    for body in (
        {"channel": "phone", "parties": "everyone"},
        {"channel": "phone", "parties": [None]},
        {"channel": "phone", "parties": [{"party_id": 12}]},
        {"channel": ["phone"]},
        {"channel": "phone", "occurred_at": 12},
        {"channel": "phone", "confidential": "maybe"},
        {"channel": "phone", "details": []},
        {"channel": "phone", "details": {"x": {"deep": [1, 2, {"a": "b"}]}}},
    ):
        response = agent.post("/api/v1/contact-moments", json=body)
        assert response.status_code in (201, 422), (body, response.json)
        assert response.status_code < 500


def test_query_argument_types(agent):
    for query in (
        "limit=abc",
        "limit=-1",
        "cursor=%%%",
        "phone=%00",
        "email=@",
        "type=robot",
        "kvk=abc",
    ):
        response = agent.get(f"/api/v1/parties?{query}")
        assert response.status_code == 422, (query, response.json)
