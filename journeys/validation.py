"""Validate a journey document from source text to a runnable definition, collecting every problem."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from journeys import checks, declared, documents, safety
from journeys.documents import Problem
from journeys.machine import Compiled, RunawayJourney, compile_chart
from journeys.topics import topic_problems


@dataclass
class Definition:
    """A valid journey document with its compiled statechart."""

    document: dict[str, Any]
    compiled: Compiled
    version_id: int | None = None

    @property
    def key(self) -> str:
        return str(self.document["key"])

    @property
    def number(self) -> int:
        return int(self.document["version"])

    @property
    def allow_multiple(self) -> bool:
        return bool(self.document.get("allow_multiple_active", False))

    @property
    def triggers(self) -> list[dict[str, Any]]:
        return list(self.document.get("triggers") or [])

    def info(self, state: str) -> dict[str, Any]:
        return dict((self.document.get("states") or {}).get(state) or {})

    def suggestions(self, state: str) -> list[dict[str, Any]]:
        return list(self.info(state).get("suggestions") or [])

    def timers(self, state: str) -> list[dict[str, Any]]:
        return list(self.info(state).get("timers") or [])

    def label(self, state: str, language: str = "nl") -> str:
        label = self.info(state).get("label") or {}
        return str(label.get(language) or label.get("nl") or state)


@dataclass
class Validated:
    """The outcome of validating a document: the definition, or the problems."""

    document: dict[str, Any] | None
    problems: list[Problem] = field(default_factory=list)
    definition: Definition | None = None

    @property
    def ok(self) -> bool:
        return not self.problems and self.definition is not None

    def problem_dicts(self) -> list[dict[str, Any]]:
        return [p.as_dict() for p in self.problems]


def machine_name(key: str, number: int) -> str:
    return f"journey_{key.replace('-', '_')}_v{number}"


def validate(source: str | bytes, *, with_catalogue: bool = True) -> Validated:
    """Parse, check against the schema and the rules, and load the statechart under trusted=False.

    ``with_catalogue=False`` leaves out the checks that ask the database (that every topic a
    trigger names and every service a suggestion names is in its catalogue), for reading a
    document where no app is running.
    """
    document, lines, problems = documents.parse(source)
    if document is None or problems:
        return Validated(document, problems)
    problems = documents.schema_problems(document, lines)
    if problems:
        return Validated(document, problems)
    problems = (
        checks.expression_problems(document, lines)
        + checks.reference_problems(document, lines)
        + checks.structure_problems(document, lines)
        + declared.purpose_problems(document, lines)
        + (
            topic_problems(document, lines) + checks.service_problems(document, lines)
            if with_catalogue
            else []
        )
    )
    if not problems:
        chart = set(checks.flatten(document["statechart"]["states"]))
        problems = (
            safety.timer_loop_problems(document, lines)
            + safety.data_problems(document, lines)
            + declared.data_field_problems(document, lines)
            + safety.migration_problems(document, lines, chart)
        )
    if problems:
        return Validated(document, problems)
    try:
        compiled = compile_document(document)
    except RunawayJourney as exc:
        return Validated(
            document,
            [
                Problem(
                    "statechart",
                    f"the statechart never settles after starting ({exc}); break the eventless loop",
                )
            ],
        )
    except Exception as exc:
        return Validated(document, [Problem("statechart", f"the statechart does not load: {exc}")])
    return Validated(document, [], Definition(document, compiled))


def compile_document(document: dict[str, Any]) -> Compiled:
    """Compile the statechart of an already validated document."""
    return compile_chart(
        document["statechart"], machine_name(document["key"], int(document["version"]))
    )
