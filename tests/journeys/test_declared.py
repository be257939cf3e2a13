"""A document uses only what it declares, checked by ``validate()`` itself, so the API, the
command line and any other way in refuse it alike: each suggestion's consent purpose is
declared under ``purposes``, and every guard or expression reads only datamodel variables
and event fields ``data_used`` declares (never a sensitive one)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from journeys.validation import validate
from tests.conftest import Caller
from tests.journeys.conftest import small_doc, to_yaml

GUARD = "statechart.states.waiting.transitions[2].cond"


def problems(doc: dict[str, Any]) -> dict[str, str]:
    return {p["path"]: p["message"] for p in validate(to_yaml(doc)).problem_dicts()}


def undeclared_purpose() -> dict[str, Any]:
    doc = small_doc()
    doc["states"]["waiting"]["suggestions"][0]["consent_purpose"] = "not-declared"
    return doc


def paying(cond: str = "amount > 100", **changes: Any) -> dict[str, Any]:
    """The small journey with a payment whose guard reads the event's ``amount``."""
    doc = small_doc(key="paying", **changes)
    doc["triggers"].append({"on": "nl.test.payment", "event": "pay"})
    doc["statechart"]["states"]["waiting"]["transitions"] += [
        {"event": "pay", "target": "working", "cond": cond},
        {"event": "pay", "target": "done"},
    ]
    return doc


def test_validate_refuses_a_suggestion_naming_an_undeclared_purpose() -> None:
    result = validate(to_yaml(undeclared_purpose()))
    assert not result.ok
    [problem] = result.problem_dicts()
    assert problem["path"] == "states.waiting.suggestions[0].consent_purpose"
    assert "purpose 'not-declared' is not declared under 'purposes'" in problem["message"]
    assert "declared: proactive-test" in problem["message"] and problem["line"] > 1


def test_the_command_line_refuses_an_undeclared_purpose_naming_the_place(
    app: Flask, tmp_path: Path
) -> None:
    (tmp_path / "bad.yaml").write_text(to_yaml(undeclared_purpose()), encoding="utf-8")
    for command in ("validate", "load"):
        result = app.test_cli_runner().invoke(args=["journeys", command, str(tmp_path)])
        assert result.exit_code == 1, result.output
        assert "states.waiting.suggestions[0].consent_purpose: purpose 'not-declared'" in (
            result.output
        )


def test_a_guard_reading_an_undeclared_event_field_is_refused_naming_the_transition() -> None:
    found = problems(paying())
    assert list(found) == [GUARD]
    message = found[GUARD]
    assert "the condition of the transition on 'pay' from state 'waiting' reads 'amount'" in message
    assert "data_used" in message and "data.amount" in message
    assert problems(paying(data_used=[{"field": "data.amount"}])) == {}
    # A contact moment's own field is read by its name too.
    assert problems(paying("subject == 'x'", data_used=[{"field": "subject"}])) == {}


def test_a_guard_may_read_datamodel_variables_and_call_in() -> None:
    assert problems(paying("nudges < 3 and In('waiting')")) == {}


def test_a_guard_may_not_read_a_sensitive_field() -> None:
    doc = paying(data_used=[{"field": "data.amount", "sensitive": True}])
    assert "a sensitive field (data.amount)" in problems(doc)[GUARD]


def test_an_action_reading_an_undeclared_field_is_refused() -> None:
    doc = small_doc()
    nudge = doc["statechart"]["states"]["waiting"]["transitions"][1]
    nudge["on"] = [{"assign": {"location": "nudges", "expr": "nudges + extra"}}]
    found = problems(doc)
    path = "statechart.states.waiting.transitions[1].on[0].assign.expr"
    assert list(found) == [path]
    assert (
        "an action of the transition on 'nudge' from state 'waiting' reads 'extra'" in (found[path])
    )


def test_the_api_refuses_both_with_422_naming_the_place(process_owner: Caller) -> None:
    response = process_owner.post("/api/v1/journeys", json={"document": to_yaml(paying())})
    assert response.status_code == 422, response.get_json()
    [param] = response.get_json()["invalid_params"]
    assert param["name"] == GUARD and "reads 'amount'" in param["reason"]
    response = process_owner.post(
        "/api/v1/journeys", json={"document": to_yaml(undeclared_purpose())}
    )
    assert response.status_code == 422, response.get_json()
    [param] = response.get_json()["invalid_params"]
    assert param["name"] == "states.waiting.suggestions[0].consent_purpose"
    assert process_owner.get("/api/v1/journeys/small").status_code == 404
    assert process_owner.get("/api/v1/journeys/paying").status_code == 404
