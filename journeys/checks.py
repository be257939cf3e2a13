"""Checks on a schema-valid journey: reachability, no trap states, events, services, expressions."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from statemachine.exceptions import InvalidDefinition
from statemachine.io.evaluators import evaluator_for

from journeys import catalogue, durations
from journeys.documents import Lines, Problem, format_path


@dataclass
class ChartState:
    id: str
    path: tuple[Any, ...]
    parent: str | None
    children: list[str] = field(default_factory=list)
    initial_child: str | None = None
    parallel: bool = False
    final: bool = False
    targets: list[str] = field(default_factory=list)
    history: list[str] = field(default_factory=list)


def flatten(
    states: dict[str, Any],
    parent: str | None = None,
    path: tuple[Any, ...] = ("statechart", "states"),
) -> dict[str, ChartState]:
    """Every state of the chart (nested ones too) by id."""
    found: dict[str, ChartState] = {}
    for state_id, body in states.items():
        body = body or {}
        state = ChartState(
            state_id,
            (*path, state_id),
            parent,
            parallel=bool(body.get("parallel")),
            final=bool(body.get("final")),
        )
        for transition in body.get("transitions") or []:
            state.targets.extend((transition.get("target") or "").split())
        children = body.get("states") or {}
        state.children = list(children)
        state.initial_child = next(
            (c for c, b in children.items() if (b or {}).get("initial")), None
        ) or (state.children[0] if state.children else None)
        for history_id, history in (body.get("history") or {}).items():
            state.history.append(history_id)
            found[history_id] = ChartState(
                history_id, (*path, state_id, "history", history_id), state_id
            )
            for transition in history.get("transitions") or []:
                found[history_id].targets.extend((transition.get("target") or "").split())
        found[state_id] = state
        found.update(flatten(children, state_id, (*path, state_id, "states")))
    return found


def chart_events(states: dict[str, Any]) -> set[str]:
    """Every event name a transition of the chart listens to."""
    events: set[str] = set()
    for body in states.values():
        body = body or {}
        for transition in body.get("transitions") or []:
            events.update((transition.get("event") or "").split())
        events |= chart_events(body.get("states") or {})
    return events


def _ancestors(chart: dict[str, ChartState], state_id: str) -> Iterator[str]:
    parent = chart[state_id].parent
    while parent is not None:
        yield parent
        parent = chart[parent].parent


def _enter(chart: dict[str, ChartState], state_id: str) -> list[str]:
    """The states that become active when ``state_id`` is entered (itself, ancestors, initial children)."""
    active, todo = [], [state_id]
    while todo:
        current = todo.pop()
        state = chart[current]
        active.append(current)
        if state.parent is not None and current in chart[state.parent].history:
            todo.extend(state.targets or chart[state.parent].children)
            continue
        if state.parallel:
            todo.extend(state.children)
        elif state.initial_child:
            todo.append(state.initial_child)
    for start in list(active):
        active.extend(_ancestors(chart, start))
    return list(dict.fromkeys(active))


def _leaves(chart: dict[str, ChartState], entered: list[str]) -> list[str]:
    return [s for s in entered if not chart[s].children and s not in _history_ids(chart)]


def _history_ids(chart: dict[str, ChartState]) -> set[str]:
    return {h for state in chart.values() for h in state.history}


def structure_problems(document: dict[str, Any], lines: Lines) -> list[Problem]:
    """Unreachable states, trap states and a chart without a final state."""
    states = document["statechart"]["states"]
    chart = flatten(states)
    top = list(states)
    root = next((s for s in top if (states[s] or {}).get("initial")), top[0])
    problems: list[Problem] = []
    reachable: set[str] = set()
    queue = deque(_enter(chart, root))
    while queue:
        current = queue.popleft()
        if current in reachable:
            continue
        reachable.add(current)
        for target in chart[current].targets:
            if target in chart:
                queue.extend(_enter(chart, target))
    histories = _history_ids(chart)
    for state_id, state in chart.items():
        if state_id not in reachable and state_id not in histories:
            problems.append(
                _problem(
                    lines,
                    state.path,
                    f"state '{state_id}' can never be entered: no transition leads to it",
                )
            )
    finals = {s for s in top if chart[s].final}
    if not finals:
        problems.append(
            _problem(
                lines,
                ("statechart", "states"),
                "the statechart has no top-level final state, so no journey can ever end",
            )
        )
        return problems
    for leaf in _leaves(chart, list(chart)):
        if leaf in reachable and not chart[leaf].final and not _can_finish(chart, leaf, finals):
            problems.append(
                _problem(
                    lines,
                    chart[leaf].path,
                    f"state '{leaf}' is a trap: no final state can be reached from it",
                )
            )
    return problems


def _can_finish(chart: dict[str, ChartState], start: str, finals: set[str]) -> bool:
    seen: set[str] = set()
    queue = deque([start])
    while queue:
        current = queue.popleft()
        if current in finals:
            return True
        if current in seen:
            continue
        seen.add(current)
        for source in (current, *_ancestors(chart, current)):
            for target in chart[source].targets:
                if target in chart:
                    queue.extend(_leaves(chart, _enter(chart, target)) or [target])
    return False


def reference_problems(document: dict[str, Any], lines: Lines) -> list[Problem]:
    """Triggers, timers and state infos that name unknown events or states; unknown services."""
    states = document["statechart"]["states"]
    chart = flatten(states)
    events = chart_events(states)
    problems: list[Problem] = []
    known = ", ".join(sorted(events)) or "none"
    for index, trigger in enumerate(document.get("triggers") or []):
        event = trigger.get("event")
        if event and event not in events:
            problems.append(
                _problem(
                    lines,
                    ("triggers", index, "event"),
                    f"event '{event}' is not used by any transition of the statechart (known: {known})",
                )
            )
    for state_id, info in (document.get("states") or {}).items():
        if state_id not in chart:
            problems.append(
                _problem(lines, ("states", state_id), f"the statechart has no state '{state_id}'")
            )
        for index, timer in enumerate(info.get("timers") or []):
            if timer["event"] not in events:
                problems.append(
                    _problem(
                        lines,
                        ("states", state_id, "timers", index, "event"),
                        f"event '{timer['event']}' is not used by any transition of the statechart (known: {known})",
                    )
                )
            problems += _duration_problem(
                lines, ("states", state_id, "timers", index, "after"), timer["after"]
            )
        for index, suggestion in enumerate(info.get("suggestions") or []):
            if "expires" in suggestion:
                problems += _duration_problem(
                    lines,
                    ("states", state_id, "suggestions", index, "expires"),
                    suggestion["expires"],
                )
    return problems


def _duration_problem(lines: Lines, path: tuple[Any, ...], value: str) -> list[Problem]:
    try:
        durations.parse(value)
    except ValueError as exc:
        return [_problem(lines, path, str(exc))]
    return []


def expression_problems(document: dict[str, Any], lines: Lines) -> list[Problem]:
    """Each guard and expression compiled alone by the restricted evaluator, for a precise path."""
    evaluator = evaluator_for(trusted=False)
    problems: list[Problem] = []
    for path, expr, is_guard in _expressions(document["statechart"]):
        try:
            (evaluator.compile_bool if is_guard else evaluator.compile_value)(expr)
        except (InvalidDefinition, SyntaxError, ValueError) as exc:
            problems.append(
                _problem(lines, ("statechart", *path), f"expression not allowed: {exc}")
            )
    return problems


def _expressions(
    node: Any, path: tuple[Any, ...] = ()
) -> Iterator[tuple[tuple[Any, ...], str, bool]]:
    if isinstance(node, dict):
        for key, value in node.items():
            here = (*path, key)
            if key in ("cond", "unless") and isinstance(value, str):
                yield here, value, True
            elif key in ("cond", "unless") and isinstance(value, list):
                yield from (
                    ((*here, i), v, True) for i, v in enumerate(value) if isinstance(v, str)
                )
            elif key == "expr" and isinstance(value, str):
                yield here, value, False
            elif key == "datamodel" and isinstance(value, dict):
                yield from (((*here, k), v, False) for k, v in value.items() if isinstance(v, str))
            else:
                yield from _expressions(value, here)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _expressions(value, (*path, index))


def _problem(lines: Lines, path: tuple[Any, ...], message: str) -> Problem:
    return Problem(format_path(path), message, lines.line(path))


def service_problems(document: dict[str, Any], lines: Lines) -> list[Problem]:
    """A problem for each suggestion naming a service the catalogue lacks or no longer offers."""
    known = catalogue.services()
    problems = []
    for state_id, info in (document.get("states") or {}).items():
        for index, suggestion in enumerate((info or {}).get("suggestions") or []):
            key = suggestion["service"]
            entry = known.get(key)
            if entry is not None and entry["active"]:
                continue
            reason = "is not in" if entry is None else "is not offered any more in"
            path = ("states", state_id, "suggestions", index, "service")
            problems.append(
                _problem(lines, path, f"service '{key}' {reason} the service catalogue")
            )
    return problems
