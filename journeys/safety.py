"""Checks that keep a journey document safe for residents: timer loops, declared data, migrations.

A document may only loop by timers slower than a configurable floor (so no resident is
messaged every few seconds), its trigger conditions may only read the event fields its
``data_used`` declares (and never a sensitive one), and a ``migrations`` section must name
states that exist in this version.
"""

from __future__ import annotations

import heapq
import os
from collections.abc import Iterator
from typing import Any

from flask import current_app, has_app_context

from journeys import durations
from journeys.documents import Lines, Problem, format_path

FLOOR_SETTING = "KCC_JOURNEY_TIMER_LOOP_FLOOR"
DEFAULT_FLOOR = "P1D"
BSN_NAMES = ("bsn", "burgerservicenummer")


def timer_loop_floor() -> str:
    """The shortest a cycle of timed transitions may take (ISO 8601), from the configuration."""
    if has_app_context():
        value = current_app.config.get(FLOOR_SETTING)
        if value:
            return str(value)
    return os.environ.get(FLOOR_SETTING) or DEFAULT_FLOOR


def looks_like_bsn_field(path: str) -> bool:
    """Whether a field's name says it holds a BSN (``bsn``, ``deceased_bsn``, ``burgerservicenummer``)."""
    name = path.rsplit(".", 1)[-1].casefold()
    return any(name == n or name.endswith("_" + n) for n in BSN_NAMES)


def declared(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The fields ``data_used`` declares, by path."""
    return {str(item["field"]): dict(item) for item in document.get("data_used") or []}


def is_sensitive(field: dict[str, Any]) -> bool:
    return bool(field.get("sensitive")) or looks_like_bsn_field(str(field["field"]))


def _walk_transitions(
    states: dict[str, Any], parent: str | None = None
) -> Iterator[tuple[str, str | None, list[str], list[str]]]:
    """(state, parent, events, targets) of every transition of the chart."""
    for state_id, body in states.items():
        body = body or {}
        for transition in body.get("transitions") or []:
            yield (
                state_id,
                parent,
                (transition.get("event") or "").split(),
                (transition.get("target") or "").split(),
            )
        yield from _walk_transitions(body.get("states") or {}, state_id)


def _timed_edges(document: dict[str, Any]) -> dict[str, list[tuple[str, int, int]]]:
    """Per state with timers: (target state, least seconds, timer index) of each timed transition."""
    parents: dict[str, str | None] = {}
    by_state: dict[str, list[tuple[list[str], list[str]]]] = {}
    for state_id, parent, events, targets in _walk_transitions(document["statechart"]["states"]):
        parents.setdefault(state_id, parent)
        by_state.setdefault(state_id, []).append((events, targets))
    _parents(document["statechart"]["states"], None, parents)
    edges: dict[str, list[tuple[str, int, int]]] = {}
    for state_id, info in (document.get("states") or {}).items():
        for index, timer in enumerate((info or {}).get("timers") or []):
            try:
                seconds = durations.shortest_seconds(timer["after"])
            except ValueError:
                continue  # reported as a duration problem
            source: str | None = state_id
            while source is not None:  # a timer's event may be handled by an ancestor
                for events, targets in by_state.get(source, []):
                    if timer["event"] in events:
                        for target in targets:  # a targetless transition sets no timer again
                            edges.setdefault(state_id, []).append((target, seconds, index))
                source = parents.get(source)
    return edges


def _parents(states: dict[str, Any], parent: str | None, found: dict[str, str | None]) -> None:
    for state_id, body in states.items():
        found[state_id] = parent
        _parents((body or {}).get("states") or {}, state_id, found)


def _children(states: dict[str, Any]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for state_id, body in states.items():
        kids = (body or {}).get("states") or {}
        found[state_id] = list(kids)
        found.update(_children(kids))
    return found


def timer_loop_problems(document: dict[str, Any], lines: Lines) -> list[Problem]:
    """Each state that timers alone bring back to itself faster than the floor."""
    floor_text = timer_loop_floor()
    floor = durations.shortest_seconds(floor_text)
    edges = _timed_edges(document)
    children = _children(document["statechart"]["states"])
    problems: list[Problem] = []
    for start, outgoing in edges.items():
        fastest = _fastest_return(start, edges, children)
        if fastest is not None and fastest < floor:
            index = outgoing[0][2]
            path = ("states", start, "timers", index, "after")
            problems.append(
                Problem(
                    format_path(path),
                    f"state '{start}' comes back to itself by timers alone every "
                    f"{_words(fastest)}, faster than the floor of {floor_text}: a resident "
                    "would be moved (and messaged) again and again; make the timers slower "
                    "or let the loop wait for the resident",
                    lines.line(path),
                )
            )
    return problems


def _fastest_return(
    start: str, edges: dict[str, list[tuple[str, int, int]]], children: dict[str, list[str]]
) -> int | None:
    """The least total timer time to enter ``start`` again, following timed transitions only."""
    queue: list[tuple[int, str]] = [(0, start)]
    best: dict[str, int] = {}
    first = True
    while queue:
        spent, state = heapq.heappop(queue)
        if not first and state == start:
            return spent
        if not first and best.get(state, spent + 1) <= spent:
            continue
        if not first:
            best[state] = spent
        first = False
        for target, seconds, _ in edges.get(state, []):
            for entered in _entered(target, children):
                heapq.heappush(queue, (spent + seconds, entered))
    return None


def _entered(state: str, children: dict[str, list[str]]) -> list[str]:
    """A state and its descendants: entering a compound state may enter any of them."""
    found, todo = [], [state]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def _words(seconds: int) -> str:
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return f"{seconds} second{'s' if seconds != 1 else ''}"


def _condition_fields(
    condition: Any, path: tuple[Any, ...]
) -> Iterator[tuple[tuple[Any, ...], str]]:
    if not isinstance(condition, dict):
        return
    for combiner in ("all", "any"):
        for index, child in enumerate(condition.get(combiner) or []):
            yield from _condition_fields(child, (*path, combiner, index))
    if "not" in condition:
        yield from _condition_fields(condition["not"], (*path, "not"))
    if isinstance(condition.get("field"), str):
        yield (*path, "field"), condition["field"]


def data_problems(document: dict[str, Any], lines: Lines) -> list[Problem]:
    """Conditions that read a field ``data_used`` does not declare, or a sensitive one; repeats."""
    problems: list[Problem] = []
    fields: dict[str, dict[str, Any]] = {}
    for index, item in enumerate(document.get("data_used") or []):
        if item["field"] in fields:
            path = ("data_used", index, "field")
            problems.append(
                Problem(
                    format_path(path),
                    f"field '{item['field']}' is declared twice",
                    lines.line(path),
                )
            )
        fields[item["field"]] = item
    known = ", ".join(sorted(fields)) or "none"
    for index, trigger in enumerate(document.get("triggers") or []):
        for path, name in _condition_fields(trigger.get("match"), ("triggers", index, "match")):
            item = fields.get(name)
            if item is None:
                message = (
                    f"the condition reads '{name}', which data_used does not declare "
                    f"(declared: {known}); declare it in data_used or match on another field"
                )
            elif is_sensitive(item):
                message = (
                    f"the condition reads '{name}', a sensitive field (it is kept only "
                    "encrypted); a condition may not match on it"
                )
            else:
                continue
            problems.append(Problem(format_path(path), message, lines.line(path)))
    return problems


def migration_problems(document: dict[str, Any], lines: Lines, states: set[str]) -> list[Problem]:
    """A migration from a later version, or to a state this version does not have."""
    problems: list[Problem] = []
    seen: set[int] = set()
    for index, migration in enumerate(document.get("migrations") or []):
        number = int(migration["from_version"])
        if number >= int(document["version"]) or number in seen:
            path = ("migrations", index, "from_version")
            reason = "is declared twice" if number in seen else "is not an earlier version"
            problems.append(
                Problem(format_path(path), f"version {number} {reason}", lines.line(path))
            )
        seen.add(number)
        for old, new in (migration.get("states") or {}).items():
            if new not in states:
                where: tuple[Any, ...] = ("migrations", index, "states", old)
                problems.append(
                    Problem(
                        format_path(where),
                        f"this version has no state '{new}' for instances in '{old}' to move to",
                        lines.line(where),
                    )
                )
    return problems


def kept(
    document: dict[str, Any], data: dict[str, Any] | None, prefix: str = ""
) -> dict[str, Any] | None:
    """``data`` cut to the fields ``document`` declares (not the sensitive ones).

    ``prefix`` is where ``data`` sits in the event as conditions name it (``data.`` for a
    life event's data, nothing for a contact moment's fields).
    """
    if data is None:
        return None
    paths = [
        str(item["field"])[len(prefix) :]
        for item in document.get("data_used") or []
        if str(item["field"]).startswith(prefix) and not is_sensitive(item)
    ]
    return project(data, paths)


def project(data: dict[str, Any], paths: list[str]) -> dict[str, Any]:
    """Only the dotted ``paths`` of ``data`` (a path to a mapping keeps all of it)."""
    found: dict[str, Any] = {}
    for path in paths:
        head, _, rest = path.partition(".")
        if head not in data:
            continue
        if not rest:
            found[head] = data[head]
        elif isinstance(data[head], dict):
            inner = project(data[head], [rest])
            if inner:
                merged = found.get(head)
                found[head] = {**merged, **inner} if isinstance(merged, dict) else inner
    return found
