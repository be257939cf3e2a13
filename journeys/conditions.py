"""Trigger match conditions: a small structured language evaluated here, never as code.

A condition is ``{field: PATH, OP: VALUE}`` with OP one of ``equals``, ``not_equals``,
``in``, ``not_in``, ``contains`` and ``exists``, or ``{all: [...]}``, ``{any: [...]}``,
``{not: ...}``. String comparisons ignore case and surrounding spaces.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

MISSING = object()
MAX_DEPTH = 10


def resolve(subject: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted path, or MISSING."""
    value: Any = subject
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return MISSING
        value = value[part]
    return value


def _norm(value: Any) -> Any:
    return value.strip().casefold() if isinstance(value, str) else value


def matches(
    condition: Mapping[str, Any] | None, subject: Mapping[str, Any], depth: int = 0
) -> bool:
    """Whether ``subject`` satisfies ``condition`` (no condition: always)."""
    if condition is None:
        return True
    if depth > MAX_DEPTH:
        raise ValueError("condition nested too deeply")
    if "all" in condition:
        return all(matches(c, subject, depth + 1) for c in condition["all"])
    if "any" in condition:
        return any(matches(c, subject, depth + 1) for c in condition["any"])
    if "not" in condition:
        return not matches(condition["not"], subject, depth + 1)
    value = resolve(subject, condition["field"])
    if "exists" in condition:
        return (value is not MISSING and value is not None) == bool(condition["exists"])
    if value is MISSING:
        return "not_equals" in condition or "not_in" in condition
    value = _norm(value)
    if "equals" in condition:
        return bool(value == _norm(condition["equals"]))
    if "not_equals" in condition:
        return bool(value != _norm(condition["not_equals"]))
    if "in" in condition:
        return value in [_norm(v) for v in condition["in"]]
    if "not_in" in condition:
        return value not in [_norm(v) for v in condition["not_in"]]
    if "contains" in condition:
        return isinstance(value, str) and _norm(condition["contains"]) in value
    raise ValueError(f"condition on {condition['field']!r} has no operator")
