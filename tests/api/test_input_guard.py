"""Text no database can store is refused with a 422 before anything is written."""

from __future__ import annotations

import pytest


def _count_parties(agent) -> int:
    return len(agent.get("/api/v1/parties?limit=100").json["items"])


@pytest.mark.parametrize(
    "surname, reason",
    [("Jan\x00sen", "NUL"), ("Jan\udbebsen", "surrogate")],
)
def test_body_with_unstorable_text_is_refused(agent, surname, reason):
    before = _count_parties(agent)
    if reason == "NUL":
        response = agent.post("/api/v1/parties", json={"type": "person", "surname": surname})
    else:
        # A lone surrogate can only arrive as a JSON escape; json= would refuse to encode it.
        response = agent.client.post(
            "/api/v1/parties",
            data=b'{"type": "person", "surname": "Jan\\udbebsen"}',
            headers={"Authorization": f"Bearer {agent.token}", "Content-Type": "application/json"},
        )
    assert response.status_code == 422, response.json
    assert response.content_type == "application/problem+json"
    assert response.json["invalid_params"][0]["name"] == "surname"
    assert reason.lower() in response.json["detail"].lower()
    assert _count_parties(agent) == before


def test_raw_surrogate_bytes_are_refused(agent):
    """The UTF-8 bytes of a lone surrogate, unescaped: the parser passes them through."""
    before = _count_parties(agent)
    body = '{"type": "person", "surname": "Jan\udbebsen"}'.encode("utf-8", "surrogatepass")
    response = agent.client.post(
        "/api/v1/parties",
        data=body,
        headers={"Authorization": f"Bearer {agent.token}", "Content-Type": "application/json"},
    )
    assert response.status_code == 422, response.json
    assert response.json["invalid_params"][0]["name"] == "surname"
    assert "surrogate" in response.json["detail"]
    assert _count_parties(agent) == before


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32-le"])
def test_a_lone_surrogate_in_utf16_or_utf32_is_refused(agent, encoding):
    """Python's parser reads UTF-16 and UTF-32 bodies too, surrogates and all."""
    before = _count_parties(agent)
    body = '{"type": "person", "surname": "Jan\udbebsen"}'.encode(encoding, "surrogatepass")
    response = agent.client.post(
        "/api/v1/parties",
        data=body,
        headers={"Authorization": f"Bearer {agent.token}", "Content-Type": "application/json"},
    )
    assert response.status_code in (400, 422), response.json
    assert response.content_type == "application/problem+json"
    assert _count_parties(agent) == before


def test_query_with_nul_is_refused(agent):
    response = agent.get("/api/v1/parties?q=ab%00cd")
    assert response.status_code == 422
    assert response.json["invalid_params"][0]["name"] == "q"


def test_out_of_range_number_in_path_is_a_clear_error(agent):
    response = agent.get("/api/v1/journeys/moving/versions/9223372036854775809")
    assert response.status_code in (404, 422), response.json
    assert response.content_type == "application/problem+json"


def test_old_receipt_dates_give_utc_deadlines(agent):
    response = agent.post(
        "/api/v1/tasks",
        json={
            "kind": "complaint",
            "assigned_team": "Klachten",
            "received_at": "1744-10-18T00:10:18Z",
        },
    )
    assert response.status_code == 201, response.json
    assert response.json["due_at"].endswith("+00:00")


@pytest.mark.parametrize(
    "path, body",
    [
        ("/api/v1/phone-calls", {"caller_number": "0612345678", "subject": "x"}),
        ("/api/v1/counter-visits", {"location": "Stadswinkel Centrum", "subject": "x"}),
        ("/api/v1/tasks", {"kind": "callback", "assigned_team": "KCC"}),
    ],
)
@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"])
def test_moments_outside_the_utc_calendar_are_refused(agent, path, body, moment):
    field = {"/api/v1/phone-calls": "started_at", "/api/v1/counter-visits": "visited_at"}.get(
        path, "received_at"
    )
    response = agent.post(path, json={**body, field: moment})
    assert response.status_code == 422, response.json
    assert response.content_type == "application/problem+json"
    invalid = response.json["invalid_params"]
    assert invalid[0]["name"].endswith(field)
    assert "between the years 1 and 9999" in invalid[0]["reason"]


DEEP = b'{"a":' * 5000 + b"1" + b"}" * 5000
HUGE_INT = b'{"display_name": "Anna", "n": ' + b"9" * 5000 + b"}"
HUGE_FLOAT = b'{"display_name": "Anna", "n": 1e999}'
LONG_FLOAT = b'{"display_name": "Anna", "n": 0.' + b"1" * 5000 + b"}"


def _refused_naming(response, words: str) -> None:
    # Klantinteracties answers in its own dialect (400, invalidParams, application/json as
    # Open Klant's clients expect); the rest 422 in application/problem+json.
    assert response.status_code in (400, 422), response.get_data(as_text=True)[:500]
    assert response.content_type == (
        "application/json" if response.status_code == 400 else "application/problem+json"
    )
    problem = response.json
    params = problem.get("invalid_params") or problem["invalidParams"]
    assert params[0]["name"] == "body"
    assert words in problem["detail"]


@pytest.mark.parametrize(
    "body, words",
    [
        (DEEP, "nested deeper than 64 levels"),
        (HUGE_INT, "longer than 40 characters"),
        (HUGE_FLOAT, "too large"),
        (LONG_FLOAT, "longer than 40 characters"),
        (b'{"display_name": NaN}', "NaN or Infinity"),
    ],
)
def test_hostile_json_is_refused_without_signing_in(client, body, words):
    response = client.post("/api/v1/chat/sessions", data=body, content_type="application/json")
    _refused_naming(response, words)


@pytest.mark.parametrize(
    "path",
    ["/api/v1/contact-moments", "/api/v1/parties", "/klantinteracties/api/v1/klantcontacten"],
)
@pytest.mark.parametrize(
    "body, words",
    [(DEEP, "nested deeper"), (HUGE_INT, "longer than"), (HUGE_FLOAT, "too large")],
)
def test_hostile_json_is_refused_when_signed_in(agent, path, body, words):
    response = agent.client.post(
        path,
        data=body,
        headers={"Authorization": f"Bearer {agent.token}", "Content-Type": "application/json"},
    )
    _refused_naming(response, words)


def test_hostile_cloudevent_is_refused(system):
    response = system.client.post(
        "/api/v1/events",
        data=DEEP,
        headers={
            "Authorization": f"Bearer {system.token}",
            "Content-Type": "application/cloudevents+json",
        },
    )
    _refused_naming(response, "nested deeper")


def test_strings_that_look_like_numbers_or_brackets_pass(agent):
    surname = "[" * 100 + "9" * 100
    response = agent.post("/api/v1/parties", json={"type": "person", "surname": surname})
    assert response.status_code == 201, response.json
    assert response.json["surname"] == surname


@pytest.mark.parametrize("content_type", ["application/json", "text/plain"])
def test_hostile_json_to_a_webhook_is_refused_before_anything_parses_it(client, content_type):
    response = client.post("/channels/web/forms", data=DEEP, content_type=content_type)
    _refused_naming(response, "nested deeper")
