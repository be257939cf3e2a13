"""Validation of journey documents: every mistake comes back with a path and a plain message."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from journeys.validation import validate
from tests.journeys.conftest import DEFINITIONS, small_doc, to_yaml


def problems(source: str | dict[str, Any]) -> list[dict[str, Any]]:
    text = to_yaml(source) if isinstance(source, dict) else source
    return validate(text).problem_dicts()


def chart(states: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"states": states, **extra}


@pytest.mark.parametrize("path", sorted(DEFINITIONS.glob("*.yaml")), ids=lambda p: p.stem)
def test_builtin_journeys_are_valid_and_quick_to_validate(path: Path) -> None:
    started = time.perf_counter()
    result = validate(path.read_text(encoding="utf-8"))
    assert result.problem_dicts() == []
    assert result.ok
    assert time.perf_counter() - started < 2.0
    document = result.document
    assert document is not None
    for text_field in ("title", "description"):
        assert document[text_field]["nl"] and document[text_field]["en"]
    states = document["states"]
    assert any(info.get("timers") for info in states.values())
    assert any(info.get("suggestions") for info in states.values())


def test_the_small_document_is_valid() -> None:
    assert problems(small_doc()) == []


def test_text_that_is_not_yaml_reports_the_line() -> None:
    found = problems("key: moving\ntitle: [unclosed\nversion: 1\n")
    assert len(found) == 1
    assert found[0]["message"].startswith("not valid YAML: line")
    assert found[0]["line"] >= 2


def test_a_yaml_list_is_not_a_document() -> None:
    assert "mapping" in problems("- a\n- b\n")[0]["message"]


def test_schema_failures_name_the_path() -> None:
    doc = small_doc(version="one")
    del doc["title"]
    doc["statechart"]["states"]["waiting"]["transitions"][0]["target"] = "Not Valid"
    found = {p["path"]: p["message"] for p in problems(doc)}
    assert "'title' is a required property" in found[""]
    assert "version" in found
    assert "statechart.states.waiting.transitions[0].target" in found


def test_an_unreachable_state_is_reported() -> None:
    doc = small_doc()
    doc["statechart"]["states"]["island"] = {"transitions": [{"event": "finish", "target": "done"}]}
    found = problems(doc)
    assert found == [
        {
            "path": "statechart.states.island",
            "message": "state 'island' can never be entered: no transition leads to it",
            "line": found[0]["line"],
        }
    ]


def test_a_trap_state_is_reported() -> None:
    doc = small_doc()
    doc["statechart"]["states"]["working"]["transitions"].append(
        {"event": "stuck", "target": "limbo"}
    )
    doc["statechart"]["states"]["limbo"] = {"transitions": [{"event": "again", "target": "limbo"}]}
    assert [p["message"] for p in problems(doc)] == [
        "state 'limbo' is a trap: no final state can be reached from it"
    ]


def test_a_chart_without_final_state_is_reported() -> None:
    doc = small_doc(
        statechart=chart(
            {
                "a": {"initial": True, "transitions": [{"event": "progress", "target": "b"}]},
                "b": {"transitions": [{"event": "reminder_due", "target": "a"}]},
            }
        ),
        states={},
    )
    assert any("no top-level final state" in p["message"] for p in problems(doc))


def test_unknown_service_and_unknown_events_are_reported() -> None:
    doc = small_doc()
    doc["states"]["waiting"]["suggestions"][0]["service"] = "flying-carpet"
    doc["states"]["working"]["timers"][0]["event"] = "never_used"
    doc["triggers"][1]["event"] = "no_such_event"
    found = {p["path"]: p["message"] for p in problems(doc)}
    assert (
        found["states.waiting.suggestions[0].service"]
        == "service 'flying-carpet' is not in the service catalogue"
    )
    assert found["states.working.timers[0].event"].startswith(
        "event 'never_used' is not used by any transition"
    )
    assert found["triggers[1].event"].startswith("event 'no_such_event' is not used")


def test_state_info_for_a_state_that_does_not_exist() -> None:
    doc = small_doc()
    doc["states"]["ghost"] = {"suggestions": []}
    assert problems(doc)[0]["message"] == "the statechart has no state 'ghost'"


@pytest.mark.parametrize(
    ("node", "word"),
    [
        ({"script": "import os; os.system('id')"}, "script"),
        ({"send": {"event": "x", "delay": "1s"}}, "send"),
        ({"foreach": {"array": "items", "item": "i"}}, "foreach"),
    ],
)
def test_code_in_actions_is_rejected_never_run(node: dict[str, Any], word: str) -> None:
    doc = small_doc()
    doc["statechart"]["states"]["waiting"]["enter"] = [node]
    found = problems(doc)
    assert found[0]["path"] == f"statechart.states.waiting.enter[0].{word}"
    assert (
        "not allowed" in found[0]["message"]
        or "does not" in found[0]["message"]
        or "never" in found[0]["message"]
    )


def test_external_sources_and_invocations_are_rejected() -> None:
    doc = small_doc()
    doc["statechart"]["states"]["waiting"]["invoke"] = {"src": "/etc/passwd"}
    found = problems(doc)
    assert found[0]["path"] == "statechart.states.waiting.invoke"
    assert "invoke" in found[0]["message"]


@pytest.mark.parametrize(
    "expr",
    ["__import__('os').system('id')", "().__class__", "nudges.__dict__", "[x for x in 'ab']"],
)
def test_expressions_outside_the_safe_evaluator_are_rejected(expr: str) -> None:
    doc = small_doc()
    doc["statechart"]["states"]["waiting"]["transitions"][0]["cond"] = expr
    found = problems(doc)
    assert found[0]["path"] == "statechart.states.waiting.transitions[0].cond"
    assert found[0]["message"].startswith("expression not allowed")


def test_a_callback_name_as_action_is_rejected() -> None:
    doc = small_doc()
    doc["statechart"]["states"]["waiting"]["enter"] = "send_everything"
    assert problems(doc)[0]["path"] == "statechart.states.waiting.enter"


def test_an_eventless_loop_is_stopped_and_reported() -> None:
    doc = small_doc(states={})
    doc["statechart"]["states"]["waiting"]["transitions"].append({"target": "working"})
    doc["statechart"]["states"]["working"]["transitions"].append({"target": "waiting"})
    found = problems(doc)
    assert found[0]["path"] == "statechart"
    assert "never settles" in found[0]["message"]


def test_size_limit() -> None:
    doc = small_doc(description={"nl": "x" * 1000, "en": "y"})
    text = to_yaml(doc) + "#" + "padding " * 40_000
    assert "at most 262144" in problems(text)[0]["message"]


def test_nesting_limit() -> None:
    deep: dict[str, Any] = {}
    node = deep
    for _ in range(60):
        node["x"] = {}
        node = node["x"]
    assert "nested deeper" in problems(small_doc(description=deep))[0]["message"]


def test_yaml_aliases_are_rejected() -> None:
    text = "a: &x [1, 2]\nb: *x\n"
    assert "aliases" in problems(text)[0]["message"]


def test_on_is_a_key_not_a_boolean() -> None:
    assert problems(to_yaml(small_doc()).replace("'on'", "on")) == []


def test_trigger_conditions_are_data_not_code() -> None:
    doc = small_doc()
    doc["triggers"][0]["match"] = {"field": "data.x", "equals": "1", "eval": "os.system('id')"}
    assert problems(doc)[0]["path"] == "triggers[0].match"
