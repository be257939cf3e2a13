"""The load command, the condition language and ISO 8601 durations."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask

from journeys import durations
from journeys.conditions import matches
from tests.journeys.conftest import DEFINITIONS, small_doc, to_yaml


def test_load_builtins_and_publish(app: Flask) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(args=["journeys", "load", str(DEFINITIONS), "--publish"])
    assert result.exit_code == 0, result.output
    assert result.output.count("created, published") == 5
    again = runner.invoke(args=["journeys", "load", str(DEFINITIONS), "--publish"])
    assert again.exit_code == 0
    assert again.output.count("unchanged, published") == 5


def test_load_reports_invalid_files(app: Flask, tmp_path: Path) -> None:
    doc = small_doc()
    doc["states"]["waiting"]["suggestions"][0]["service"] = "nope"
    (tmp_path / "bad.yaml").write_text(to_yaml(doc), encoding="utf-8")
    (tmp_path / "good.yaml").write_text(to_yaml(small_doc(key="good")), encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["journeys", "load", str(tmp_path)])
    assert result.exit_code == 1
    assert (
        "states.waiting.suggestions[0].service: service 'nope' is not in the service catalogue"
        in result.output
    )
    assert "good v1 created, draft" in result.output


def test_validate_command(app: Flask) -> None:
    result = app.test_cli_runner().invoke(
        args=["journeys", "validate", str(DEFINITIONS / "death.yaml")]
    )
    assert result.exit_code == 0 and "valid" in result.output


@pytest.mark.parametrize(
    ("condition", "subject", "expected"),
    [
        (None, {}, True),
        ({"field": "data.code", "equals": "0268"}, {"data": {"code": "0268"}}, True),
        ({"field": "data.code", "equals": "0268"}, {"data": {"code": "0363"}}, False),
        ({"field": "subject", "in": ["verhuizing"]}, {"subject": "  Verhuizing "}, True),
        ({"field": "data.age", "equals": 18}, {"data": {"age": 18}}, True),
        ({"field": "data.age", "equals": 18}, {"data": {}}, False),
        ({"field": "data.x", "not_equals": "a"}, {"data": {}}, True),
        ({"field": "data.x", "exists": False}, {"data": {"x": None}}, True),
        ({"field": "subject", "contains": "starter"}, {"subject": "Vraag van een Starter"}, True),
        (
            {"all": [{"field": "a", "equals": 1}, {"not": {"field": "b", "equals": 2}}]},
            {"a": 1, "b": 3},
            True,
        ),
        (
            {"any": [{"field": "a", "equals": 2}, {"field": "b", "in": [3, 4]}]},
            {"a": 1, "b": 5},
            False,
        ),
    ],
)
def test_conditions(condition: dict | None, subject: dict, expected: bool) -> None:  # type: ignore[type-arg]
    assert matches(condition, subject) is expected


def test_durations() -> None:
    start = datetime(2026, 1, 31, 9, 0, tzinfo=UTC)
    assert durations.add(start, "P1M") == datetime(2026, 2, 28, 9, 0, tzinfo=UTC)
    assert durations.add(start, "P14D") == datetime(2026, 2, 14, 9, 0, tzinfo=UTC)
    assert durations.add(start, "P1Y2M3W4DT5H6M7S") == datetime(2027, 4, 25, 14, 6, 7, tzinfo=UTC)
    for bad in ("P", "14D", "PT", "P1.5D", "P999Y"):
        with pytest.raises(ValueError):
            durations.add(start, bad)
