"""Safe documents: durations in every unit, timer loops under the floor, only declared data."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from journeys.validation import validate
from tests.conftest import Caller
from tests.journeys.conftest import small_doc, to_yaml


def problems(doc: dict[str, Any]) -> dict[str, str]:
    return {p["path"]: p["message"] for p in validate(to_yaml(doc)).problem_dicts()}


def with_timer(after: str) -> dict[str, Any]:
    doc = small_doc()
    doc["states"]["working"]["timers"][0]["after"] = after
    return doc


@pytest.mark.parametrize(
    ("after", "words"),
    [
        ("P9999999W", "longer than 100 years"),
        ("PT999999999H", "longer than 100 years"),
        ("PT99999999999M", "longer than 100 years"),
        ("P99999999D", "longer than 100 years"),
        ("PT9999999999S", "longer than 100 years"),
        ("PT0S", "is zero"),
        ("P0D", "is zero"),
        ("PT0.5S", "fraction of a second"),
    ],
)
def test_durations_are_checked_in_every_unit(after: str, words: str) -> None:
    found = problems(with_timer(after))
    assert words in found["states.working.timers[0].after"]


def test_an_overflowing_duration_is_refused_by_the_api_and_nothing_is_stored(
    process_owner: Caller,
) -> None:
    response = process_owner.post(
        "/api/v1/journeys",
        data=to_yaml(with_timer("P9999999W")),
        content_type="application/yaml",
    )
    assert response.status_code == 422
    body = response.get_json()
    assert body["invalid_params"][0]["name"] == "states.working.timers[0].after"
    assert "100 years" in body["detail"]
    assert process_owner.get("/api/v1/journeys/small").status_code == 404


def looping(after: str) -> dict[str, Any]:
    """'waiting' offers a suggestion and comes back to itself by a timer."""
    doc = small_doc()
    doc["statechart"]["states"]["waiting"]["transitions"].append(
        {"event": "again", "target": "waiting"}
    )
    doc["states"]["waiting"]["timers"] = [{"after": after, "event": "again"}]
    return doc


def test_a_timer_loop_faster_than_the_floor_names_the_state() -> None:
    found = problems(looping("PT1S"))
    message = found["states.waiting.timers[0].after"]
    assert "state 'waiting'" in message and "1 second" in message and "P1D" in message
    assert problems(looping("P7D")) == {}


def test_a_loop_through_two_states_counts_both_timers() -> None:
    doc = small_doc()
    doc["statechart"]["states"]["working"]["transitions"].append(
        {"event": "back", "target": "waiting"}
    )
    doc["statechart"]["states"]["waiting"]["transitions"].append(
        {"event": "again", "target": "working"}
    )
    doc["states"]["waiting"]["timers"] = [{"after": "PT12H", "event": "again"}]
    doc["states"]["working"]["timers"] = [{"after": "PT6H", "event": "back"}]
    found = problems(doc)
    assert "18 hours" in found["states.waiting.timers[0].after"]
    assert "state 'working'" in found["states.working.timers[0].after"]
    doc["states"]["working"]["timers"] = [{"after": "PT12H", "event": "back"}]
    assert problems(doc) == {}


def test_the_floor_is_configurable(app: Flask) -> None:
    app.config["KCC_JOURNEY_TIMER_LOOP_FLOOR"] = "PT1H"
    with app.app_context():
        assert validate(to_yaml(looping("PT2H"))).ok
        assert not validate(to_yaml(looping("PT30M"))).ok


def test_conditions_may_only_read_declared_fields() -> None:
    doc = small_doc()
    doc["triggers"][0]["match"] = {
        "all": [
            {"field": "data.municipality_code", "equals": "0268"},
            {"field": "data.street", "exists": True},
        ]
    }
    doc["data_used"] = [{"field": "data.municipality_code"}]
    found = problems(doc)
    assert list(found) == ["triggers[0].match.all[1].field"]
    assert (
        "'data.street', which data_used does not declare" in found["triggers[0].match.all[1].field"]
    )
    doc["data_used"].append({"field": "data.street"})
    assert problems(doc) == {}


def test_a_condition_may_not_read_a_sensitive_field() -> None:
    doc = small_doc()
    doc["data_used"] = [{"field": "data.deceased_bsn"}, {"field": "data.note", "sensitive": True}]
    doc["triggers"][0]["match"] = {"field": "data.deceased_bsn", "exists": True}
    assert "sensitive" in problems(doc)["triggers[0].match.field"]
    doc["triggers"][0]["match"] = {"not": {"field": "data.note", "equals": "x"}}
    assert "sensitive" in problems(doc)["triggers[0].match.not.field"]


def test_migrations_name_an_earlier_version_and_existing_states() -> None:
    doc = small_doc(version=3)
    doc["migrations"] = [
        {"from_version": 3, "states": {"waiting": "waiting"}},
        {"from_version": 1, "states": {"old": "nowhere"}},
    ]
    found = problems(doc)
    assert "not an earlier version" in found["migrations[0].from_version"]
    assert "no state 'nowhere'" in found["migrations[1].states.old"]


def test_the_simulator_warns_about_loops_volume_and_repeated_offers(process_owner: Caller) -> None:
    doc = small_doc()
    doc["statechart"]["states"]["waiting"]["transitions"].append(
        {"event": "again", "target": "waiting"}
    )
    doc["states"]["waiting"]["suggestions"][0].pop("expires")
    created = process_owner.post("/api/v1/journeys", json={"document": to_yaml(doc)})
    assert created.status_code == 201, created.get_json()
    result = process_owner.post(
        "/api/v1/journeys/small/versions/1/simulate",
        json={"steps": [{"event": "again"}] * 5},
    ).get_json()
    kinds = {w["kind"]: w for w in result["warnings"]}
    assert set(kinds) == {"tight_loop", "message_volume", "repeated_offer"}
    assert "state 'waiting' is entered 6 times" in kinds["tight_loop"]["message"]
    assert result["messages"] == {"period": "P30D", "most": 6, "cap": 3}
    assert "'waste-pass' is made 6 times" in kinds["repeated_offer"]["message"]
    quiet = process_owner.post(
        "/api/v1/journeys/small/versions/1/simulate", json={"steps": [{"event": "progress"}]}
    ).get_json()
    assert quiet["warnings"] == [] and quiet["messages"]["most"] == 1
