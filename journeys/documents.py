"""Read a journey document: size and nesting limits, safe YAML, forbidden code, the JSON Schema.

Every problem becomes a :class:`Problem` with a path into the document (``statechart.states.
moved.transitions[0].target``), a plain message and, where known, the line in the source.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

SCHEMA_PATH = Path(__file__).parent / "schema" / "journey.schema.json"
MAX_BYTES = 256 * 1024
MAX_DEPTH = 40
MAX_NODES = 20_000

# Keys that would make the document run code or read files; rejected wherever they appear.
FORBIDDEN_KEYS = {
    "script": "a journey never runs code: 'script' is not allowed",
    "src": "a journey never reads external files: 'src' is not allowed",
    "srcexpr": "a journey never reads external files: 'srcexpr' is not allowed",
    "invoke": "a journey does not invoke other machines: 'invoke' is not allowed",
    "send": "a journey does not send delayed events: use 'timers' on the state instead of 'send'",
    "cancel": "a journey does not cancel sends: 'cancel' is not allowed",
    "foreach": "'foreach' is not allowed in a journey",
    "donedata": "'donedata' is not allowed in a journey",
}


@dataclass(frozen=True)
class Problem:
    """One mistake in a document."""

    path: str
    message: str
    line: int | None = None

    def as_dict(self) -> dict[str, Any]:
        found: dict[str, Any] = {"path": self.path, "message": self.message}
        if self.line is not None:
            found["line"] = self.line
        return found


class JourneyLoader(yaml.SafeLoader):
    """Safe YAML in which only true/false are booleans (so a key ``on`` stays ``on``)."""


JourneyLoader.yaml_implicit_resolvers = {
    first: [
        (tag, rx)
        for tag, rx in resolvers
        if not (tag == "tag:yaml.org,2002:bool" and first not in "tTfF")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@cache
def schema() -> dict[str, Any]:
    """The journey JSON Schema, the one source for validation and the docs."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@cache
def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(schema())


def format_path(parts: Iterator[Any] | list[Any] | tuple[Any, ...]) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


class Lines:
    """Finds the source line of a path in the composed YAML tree."""

    def __init__(self, root: yaml.Node | None) -> None:
        self.root = root

    def line(self, parts: list[Any] | tuple[Any, ...]) -> int | None:
        node = self.root
        found = node.start_mark.line + 1 if node is not None else None
        for part in parts:
            if isinstance(node, yaml.MappingNode):
                match = next((v for k, v in node.value if getattr(k, "value", None) == part), None)
                key = next((k for k, _ in node.value if getattr(k, "value", None) == part), None)
                if match is None:
                    break
                found = (key or match).start_mark.line + 1
                node = match
            elif (
                isinstance(node, yaml.SequenceNode)
                and isinstance(part, int)
                and part < len(node.value)
            ):
                node = node.value[part]
                found = node.start_mark.line + 1
            else:
                break
        return found


def parse(source: str | bytes) -> tuple[dict[str, Any] | None, Lines, list[Problem]]:
    """Parse YAML (or JSON) text within the limits; returns the document, its lines and problems."""
    raw = source.encode("utf-8") if isinstance(source, str) else source
    if len(raw) > MAX_BYTES:
        return (
            None,
            Lines(None),
            [Problem("", f"the document is {len(raw)} bytes; at most {MAX_BYTES} are allowed")],
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, Lines(None), [Problem("", f"the document is not UTF-8 text ({exc.reason})")]
    try:
        events = list(yaml.parse(text, Loader=JourneyLoader))
        if any(isinstance(e, yaml.AliasEvent) for e in events):
            return (
                None,
                Lines(None),
                [Problem("", "YAML anchors and aliases (*name) are not allowed")],
            )
        node = yaml.compose(text, Loader=JourneyLoader)
        document = yaml.load(text, Loader=JourneyLoader)  # noqa: S506 - JourneyLoader is a SafeLoader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        where = f"line {line}, column {mark.column + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        return None, Lines(None), [Problem("", f"not valid YAML: {where}{problem}", line)]
    lines = Lines(node)
    if not isinstance(document, dict):
        kind = type(document).__name__ if document is not None else "empty"
        return (
            None,
            lines,
            [Problem("", f"a journey document is a mapping (key: value); this one is {kind}")],
        )
    problems = list(_limits(document))
    problems += [Problem(format_path(p), m, lines.line(p)) for p, m in _forbidden(document, ())]
    return document, lines, problems


def _limits(document: dict[str, Any]) -> Iterator[Problem]:
    stack: list[tuple[Any, int]] = [(document, 1)]
    nodes = 0
    while stack:
        value, depth = stack.pop()
        nodes += 1
        if depth > MAX_DEPTH:
            yield Problem("", f"the document is nested deeper than {MAX_DEPTH} levels")
            return
        if nodes > MAX_NODES:
            yield Problem("", f"the document has more than {MAX_NODES} values")
            return
        children = (
            value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
        )
        stack.extend((child, depth + 1) for child in children)
        if isinstance(value, dict) and any(not isinstance(k, str) for k in value):
            yield Problem("", "every key must be text")
            return


def _forbidden(value: Any, path: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], str]]:
    if isinstance(value, dict):
        for key, child in value.items():
            if key in FORBIDDEN_KEYS and path and path[0] == "statechart":
                yield (*path, key), FORBIDDEN_KEYS[key]
            else:
                yield from _forbidden(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _forbidden(child, (*path, index))


def schema_problems(document: dict[str, Any], lines: Lines) -> list[Problem]:
    """Every place where the document breaks the JSON Schema."""
    found = []
    for error in sorted(
        _validator().iter_errors(document), key=lambda e: list(map(str, e.absolute_path))
    ):
        parts = list(error.absolute_path)
        found.append(Problem(format_path(parts), _message(error), lines.line(parts)))
    return found


def _message(error: jsonschema.ValidationError) -> str:
    if error.validator == "oneOf" and error.context:
        best = jsonschema.exceptions.best_match(error.context)
        return str(best.message if best is not None else error.message)
    if error.validator == "additionalProperties":
        return str(error.message).replace(
            "Additional properties are not allowed", "unknown field(s)"
        )
    return str(error.message)
