"""Journeys that listen for topics: matching a trigger's topics, checking that they exist,
and naming the journeys that still use a topic (so that it is not removed under them)."""

from __future__ import annotations

from typing import Any

from journeys.conditions import matches
from journeys.documents import Lines, Problem, format_path
from kcc.topics import unknown_topic_keys

TOPICS_FIELD = "topics"


def trigger_matches(trigger: dict[str, Any], subject: dict[str, Any]) -> bool:
    """Whether a trigger applies to an event's subject.

    A trigger naming topics hears only confirmed topics (the subject's ``topics`` holds the
    confirmed keys with their broader ones, so a trigger naming "burgerzaken" hears
    "verhuizen"); one without hears only the rest, as before. Its ``match`` must hold too.
    """
    wanted = trigger.get(TOPICS_FIELD)
    confirmed = subject.get(TOPICS_FIELD)
    if wanted:
        if not confirmed or not set(wanted) & set(confirmed):
            return False
    elif confirmed is not None:
        return False
    return matches(trigger.get("match"), subject)


def topic_problems(document: dict[str, Any], lines: Lines) -> list[Problem]:
    """A problem for each topic a trigger names that the catalogue does not have."""
    problems = []
    for index, trigger in enumerate(document.get("triggers") or []):
        named = trigger.get(TOPICS_FIELD) or []
        if not named:
            continue
        path = ("triggers", index, TOPICS_FIELD)
        if trigger.get("on") != "contact_moment.recorded":
            problems.append(
                _problem(lines, path, "topics can only be named on contact_moment.recorded")
            )
            continue
        for key in unknown_topic_keys(named):
            problems.append(_problem(lines, path, f"no topic with key '{key}' in the catalogue"))
    return problems


def _problem(lines: Lines, path: tuple[Any, ...], message: str) -> Problem:
    return Problem(format_path(path), message, lines.line(path))


def topic_uses(keys: set[str]) -> list[str]:
    """The published journeys whose triggers name one of ``keys``."""
    from journeys.versions import definition_for, published_versions

    uses = []
    for version_id, key, digest in published_versions():
        definition = definition_for(version_id, digest)
        named = {k for t in definition.triggers for k in t.get(TOPICS_FIELD) or []}
        for topic in sorted(named & keys):
            uses.append(f"published journey '{key}' v{definition.number} listens for '{topic}'")
    return uses
