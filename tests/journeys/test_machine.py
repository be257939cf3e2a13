"""The machine runner: a reused (warm) machine starts every event from what is stored, nothing else."""

from __future__ import annotations

from typing import Any

import pytest

from journeys.machine import (
    Compiled,
    ExpressionFailed,
    RunawayJourney,
    compile_chart,
    run,
)

CHART: dict[str, Any] = {
    "datamodel": {"nudges": "0"},
    "states": {
        "active": {
            "initial": True,
            "history": {"h": {"type": "shallow", "transitions": [{"target": "a"}]}},
            "transitions": [{"event": "pause", "target": "paused"}],
            "states": {
                "a": {
                    "initial": True,
                    "transitions": [
                        {"event": "next", "target": "b"},
                        {
                            "event": "nudge",
                            "target": "a",
                            "on": [{"assign": {"location": "nudges", "expr": "nudges + 1"}}],
                        },
                        {
                            "event": "bonus",
                            "target": "a",
                            "on": [{"assign": {"location": "nudges", "expr": "nudges + extra"}}],
                        },
                        {"event": "pay", "target": "b", "cond": "amount > 100"},
                        {"event": "pay", "target": "done"},
                        {"event": "spin", "target": "spin_a"},
                    ],
                },
                "b": {},
                "spin_a": {"transitions": [{"target": "spin_b"}]},
                "spin_b": {"transitions": [{"target": "spin_a"}]},
            },
        },
        "paused": {"transitions": [{"event": "resume", "target": "h"}]},
        "done": {"final": True},
    },
}


@pytest.fixture()
def compiled() -> Compiled:
    return compile_chart(CHART, "machine_test")


def test_a_reused_machine_keeps_nothing_of_the_previous_event(compiled: Compiled) -> None:
    first = run(compiled, ["active", "a"], {"nudges": 5, "note": "x"}, "nudge")
    assert first.datamodel == {"nudges": 6, "note": "x"}
    assert (first.entered, first.exited) == (["a"], ["a"])
    warm = list(compiled._warm)
    assert len(warm) == 1
    second = run(compiled, ["active", "a"], {"nudges": 0}, "nudge")
    assert compiled._warm == warm  # the same machine ran the second event
    assert second.datamodel == {"nudges": 1}  # no 'note', no 6 from the previous instance
    third = run(compiled, ["active", "a"], {"nudges": 2}, "next")
    assert (third.after, third.entered, third.exited) == (["active", "b"], ["b"], ["a"])


def test_history_comes_from_the_stored_datamodel_only(compiled: Compiled) -> None:
    paused = run(compiled, ["active", "b"], {"nudges": 0}, "pause")
    assert paused.after == ["paused"]
    assert paused.datamodel["__history__"] == {"h": ["b"]}
    resumed = run(compiled, paused.after, paused.datamodel, "resume")
    assert resumed.after == ["active", "b"]
    # another instance, paused without a stored history: the default, not the last one
    fresh = run(compiled, ["paused"], {"nudges": 0}, "resume")
    assert fresh.after == ["active", "a"]
    assert "__history__" not in fresh.datamodel


def test_an_event_no_active_state_names_needs_no_machine(
    compiled: Compiled, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert compiled.handles(["active", "a"], "pause")  # from the ancestor 'active'
    assert not compiled.handles(["active", "b"], "nudge")

    def no_machine() -> None:
        raise AssertionError("a machine was restored for an event nothing names")

    monkeypatch.setattr(compiled, "take", no_machine)
    datamodel = {"nudges": 3, "__history__": {"h": ["b"]}}
    outcome = run(compiled, ["active", "b"], datamodel, "nudge")
    assert (outcome.before, outcome.after, outcome.entered, outcome.exited) == (
        ["active", "b"],
        ["active", "b"],
        [],
        [],
    )
    assert outcome.datamodel == datamodel and not outcome.moved


def test_a_guard_that_raises_stops_the_event_instead_of_falling_through(
    compiled: Compiled,
) -> None:
    with pytest.raises(ExpressionFailed) as failed:
        run(compiled, ["active", "a"], {"nudges": 0}, "pay", {"amount": "lots"})
    message = str(failed.value)
    assert "the condition 'amount > 100' of the transition on 'pay' from 'a' to 'b'" in message
    assert "could not be evaluated" in message and "TypeError" in message
    with pytest.raises(ExpressionFailed, match="name 'amount' is not defined"):
        run(compiled, ["active", "a"], {"nudges": 0}, "pay")
    # the machines that raised were dropped; good data still takes the guarded transition
    assert run(compiled, ["active", "a"], {"nudges": 0}, "pay", {"amount": 250}).after == [
        "active",
        "b",
    ]
    assert run(compiled, ["active", "a"], {"nudges": 0}, "pay", {"amount": 5}).after == ["done"]


def test_a_failing_assignment_stops_the_event(compiled: Compiled) -> None:
    with pytest.raises(ExpressionFailed, match="an action of the statechart failed"):
        run(compiled, ["active", "a"], {"nudges": 0}, "bonus", {"extra": "many"})
    assert run(compiled, ["active", "a"], {"nudges": 1}, "bonus", {"extra": 2}).datamodel == {
        "nudges": 3
    }


def test_a_machine_that_raised_is_not_reused(compiled: Compiled) -> None:
    run(compiled, ["active", "a"], {"nudges": 0}, "nudge")
    idle = list(compiled._warm)
    assert len(idle) == 1
    with pytest.raises(RunawayJourney):
        run(compiled, ["active", "a"], {"nudges": 0}, "spin")
    assert compiled._warm == []  # the idle machine ran the runaway and was dropped
    after = run(compiled, ["active", "a"], {"nudges": 0}, "nudge")
    assert after.datamodel == {"nudges": 1}
    assert len(compiled._warm) == 1 and compiled._warm[0] is not idle[0]
