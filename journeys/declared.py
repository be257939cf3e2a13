"""Checks that a document uses only what it declares: the consent purposes its suggestions
name (under ``purposes``), and the event fields its guards and expressions read (under
``data_used``). Part of ``validate()``, so the API, the command line and every other way in
refuse such a document alike, each problem with its path and line.

Only the fields ``data_used`` declares (and never a sensitive one) are handed to the
statechart (``safety.kept``), so a guard that reads another field would fail on every event;
validation says so before the version can be published.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import Any

from statemachine.io.evaluators import normalize_cond

from journeys.documents import Lines, Problem, format_path
from journeys.safety import declared, is_sensitive

LIFE_EVENT_PREFIX = "data."  # where a life event's own fields sit, as data_used names them


def named_purposes(document: dict[str, Any]) -> dict[str, tuple[Any, ...]]:
    """Each purpose a document's suggestions name, with the path of the first that names it."""
    found: dict[str, tuple[Any, ...]] = {}
    for state, info in (document.get("states") or {}).items():
        for n, offer in enumerate((info or {}).get("suggestions") or []):
            key = str((offer or {}).get("consent_purpose") or "")
            if key:
                found.setdefault(key, ("states", state, "suggestions", n, "consent_purpose"))
    return found


def purpose_problems(document: dict[str, Any], lines: Lines) -> list[Problem]:
    """A suggestion whose purpose the document does not declare under ``purposes``."""
    declared_purposes = document.get("purposes") or {}
    known = ", ".join(sorted(declared_purposes)) or "none"
    return [
        Problem(
            format_path(path),
            f"purpose '{key}' is not declared under 'purposes' (with a title and description; "
            f"declared: {known})",
            lines.line(path),
        )
        for key, path in named_purposes(document).items()
        if key not in declared_purposes
    ]


def _payload_name(field: str) -> str:
    """The name a guard reads a declared field by: its first part after the event's prefix."""
    return field.removeprefix(LIFE_EVENT_PREFIX).split(".", 1)[0]


def _variables(chart: dict[str, Any]) -> set[str]:
    """The datamodel's variables: declared initially, or assigned by an action."""
    found = set((chart.get("datamodel") or {}).keys())

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            assign = node.get("assign")
            if isinstance(assign, dict) and isinstance(assign.get("location"), str):
                found.add(assign["location"].split(".", 1)[0])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(chart.get("states") or {})
    return found


def _expressions(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], str]]:
    """(path, text) of every guard (``cond``, ``unless``) and value expression of the chart."""
    if isinstance(node, dict):
        for key, value in node.items():
            here = (*path, key)
            if key in ("cond", "unless", "expr") and isinstance(value, str):
                yield here, value
            elif key in ("cond", "unless") and isinstance(value, list):
                yield from (((*here, i), v) for i, v in enumerate(value) if isinstance(v, str))
            elif key == "datamodel" and isinstance(value, dict):
                yield from (((*here, k), v) for k, v in value.items() if isinstance(v, str))
            else:
                yield from _expressions(value, here)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _expressions(value, (*path, index))


def _read_names(expression: str) -> list[str]:
    """The variables an expression reads (not the functions it calls, like ``In``)."""
    try:
        tree = ast.parse(normalize_cond(expression), mode="eval")
    except SyntaxError:
        return []  # expression_problems reports it
    called = {
        id(node.func)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    }
    names = [
        node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and id(node) not in called
    ]
    return list(dict.fromkeys(names))


def _place(document: dict[str, Any], path: tuple[Any, ...]) -> str:
    """Where an expression sits, in words: the transition (event, from state) or the datamodel."""
    if len(path) >= 2 and path[0] == "datamodel":
        return f"the datamodel's starting value of '{path[1]}'"
    node: Any = document["statechart"]
    state, transition = "", None
    for index, part in enumerate(path):
        node = node[part] if isinstance(node, dict | list) else None
        if node is None:
            break
        if index > 0 and path[index - 1] == "states" and isinstance(part, str):
            state, transition = part, None
        if index > 0 and path[index - 1] == "transitions" and isinstance(node, dict):
            transition = node
    if transition is not None:
        event = transition.get("event") or "(no event)"
        kind = "the condition" if {"cond", "unless"} & set(path) else "an action"
        return f"{kind} of the transition on '{event}' from state '{state}'"
    return f"an action of state '{state}'" if state else "an expression"


def data_field_problems(document: dict[str, Any], lines: Lines) -> list[Problem]:
    """Guards and expressions that read an event field ``data_used`` does not declare, or a
    sensitive one (never handed to the statechart)."""
    chart = document["statechart"]
    variables = _variables(chart)
    fields = declared(document)
    by_name: dict[str, list[dict[str, Any]]] = {}
    for item in fields.values():
        by_name.setdefault(_payload_name(str(item["field"])), []).append(item)
    usable = sorted(str(item["field"]) for item in fields.values() if not is_sensitive(item))
    known = ", ".join(usable) or "none"
    problems: list[Problem] = []
    for path, expression in _expressions(chart):
        for name in _read_names(expression):
            if name in variables or name.startswith("_"):
                continue
            items = by_name.get(name) or []
            if items and any(not is_sensitive(i) for i in items):
                continue
            place = _place(document, path)
            if items:
                message = (
                    f"{place} reads '{name}', a sensitive field ({items[0]['field']}); it is "
                    "kept only encrypted and never handed to the statechart"
                )
            else:
                message = (
                    f"{place} reads '{name}', which is neither a datamodel variable nor an event "
                    f"field data_used declares (declared: {known}); declare it in data_used "
                    f"(e.g. {LIFE_EVENT_PREFIX}{name}) or read another field"
                )
            full = ("statechart", *path)
            problems.append(Problem(format_path(full), message, lines.line(full)))
    return problems
