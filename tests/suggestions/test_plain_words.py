"""Every explanation of the built-in journeys reads plainly (B1) in Dutch and in English.

For each state with suggestions, each offer and each way into that state (every trigger the
document has, every timer, an agent), the resident's explanation is built and held to short
sentences and a word list: no keys, field names, event types or officialese.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from journeys.constants import CauseType
from journeys.models import JourneyInstance, JourneyStep
from journeys.suggestions.explain import explain, plain_words
from journeys.validation import Definition, validate

DEFINITIONS = Path(__file__).resolve().parents[2] / "journeys" / "definitions"
LINK = "https://gemeente.example/stop/abc"
MAX_WORDS = 20
MAX_AVERAGE = 13
FORBIDDEN = {
    "nl": [
        "journey",
        "trigger",
        "state",
        "suggestie",
        "grondslag",
        "verwerking",
        "conform",
        "middels",
        "teneinde",
        "derhalve",
        "inzake",
        "BSN",
        "BRP",
        "proactie",
        "consent",
        "datamodel",
        "Rule",
        "the ",
        " of the ",
    ],
    "en": [
        "journey",
        "trigger",
        "state",
        "suggestion",
        "lawful basis",
        "processing",
        "pursuant",
        "hereby",
        "BSN",
        "BRP",
        "proactive",
        "datamodel",
        "Rule:",
        " de ",
        " het ",
    ],
}
# Dotted or snake-case names, hyphenated keys, ISO durations, braces and quoted words.
TECHNICAL = re.compile(r"\w[._]\w|\b[a-z]+-[a-z]+(?:-[a-z]+)*\b|\bP\d+[DWMY]\b|[{}\"]|'[\w-]+'")


def _definitions() -> list[Definition]:
    found = []
    for path in sorted(DEFINITIONS.glob("*.yaml")):
        # Read at collection, before any app runs: the topic catalogue is not asked.
        result = validate(path.read_text(encoding="utf-8"), with_catalogue=False)
        assert result.definition is not None, result.problem_dicts()
        found.append(result.definition)
    return found


def _causes(definition: Definition) -> list[JourneyStep]:
    at = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    steps = []
    for trigger in definition.triggers:
        kind = (
            CauseType.CONTACT_MOMENT
            if trigger["on"] == "contact_moment.recorded"
            else CauseType.EVENT
        )
        why = (
            "contact moment about 'x'"
            if kind == CauseType.CONTACT_MOMENT
            else f"{trigger['on']} from urn:x"
        )
        steps.append(
            JourneyStep(
                event=trigger.get("event") or "start",
                cause_type=kind,
                why=why,
                event_id="e",
                cause_ref="r",
                occurred_at=at,
            )
        )
    for state in definition.document.get("states") or {}:
        for timer in definition.timers(state):
            steps.append(
                JourneyStep(
                    event=timer["event"],
                    cause_type=CauseType.TIMER,
                    why="timer",
                    event_id="t",
                    cause_ref="r",
                    occurred_at=at,
                )
            )
    steps.append(
        JourneyStep(
            event="start",
            cause_type=CauseType.AGENT,
            why="agent",
            event_id="a",
            cause_ref="r",
            occurred_at=at,
        )
    )
    return steps


def _cases() -> list[tuple[str, Definition, str, dict[str, Any], JourneyStep]]:
    cases = []
    for definition in _definitions():
        for state, info in (definition.document.get("states") or {}).items():
            for offer in info.get("suggestions") or []:
                for step in _causes(definition):
                    name = f"{definition.key}-{state}-{offer['service']}-{step.cause_type}-{step.event}"
                    cases.append((name, definition, state, offer, step))
    return cases


CASES = _cases()


def _sentences(text: str) -> list[str]:
    return [
        s
        for s in re.split(r"(?<=[.?!])\s+|\s+(?=https?://)", text.replace(LINK, "LINK"))
        if s.strip()
    ]


def _keys(definition: Definition) -> set[str]:
    doc = definition.document
    keys = {definition.key, *(doc.get("purposes") or {}), *(doc.get("states") or {})}
    for info in (doc.get("states") or {}).values():
        keys.update(o["service"] for o in info.get("suggestions") or [])
    return {k for k in keys if "-" in k or "_" in k}


def test_every_built_in_journey_is_covered() -> None:
    assert {c[1].key for c in CASES} == {
        "birth",
        "death",
        "moving",
        "starting-business",
        "turning-18",
    }


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize(
    ("name", "definition", "state", "offer", "step"), CASES, ids=[c[0] for c in CASES]
)
def test_explanation_reads_plainly(
    language: str,
    name: str,
    definition: Definition,
    state: str,
    offer: dict[str, Any],
    step: JourneyStep,
) -> None:
    instance = JourneyInstance(datamodel={}, configuration=[state])
    explanation = explain(definition, instance, state, offer, [step], "event-1", None)
    text = plain_words(explanation, language, LINK)
    sentences = _sentences(text)
    lengths = [len(s.split()) for s in sentences]
    assert max(lengths) <= MAX_WORDS, (text, lengths)
    assert sum(lengths) / len(lengths) <= MAX_AVERAGE, (text, lengths)
    for word in FORBIDDEN[language]:
        assert word not in text, (word, text)
    bare = text.replace(LINK, "")
    assert not TECHNICAL.search(bare), (TECHNICAL.search(bare), text)
    for key in _keys(definition):
        assert key not in bare, (key, text)
    # What must be said: the cause, nothing decided, how to say no, withdraw and object.
    must = {
        "nl": ["omdat", "beslist hier niets", "NEE", "STOP", "bezwaar", "artikel 21", LINK],
        "en": ["because", "decides nothing", "NO", "STOP", "object", "article 21", LINK],
    }[language]
    for part in must:
        assert part in text, (part, text)


def test_only_the_data_the_firing_trigger_read_is_named() -> None:
    moving = next(d for d in _definitions() if d.key == "moving")
    by_contact = next(s for s in _causes(moving) if s.cause_type == CauseType.CONTACT_MOMENT)
    instance = JourneyInstance(datamodel={}, configuration=["moved_in"])
    offer = moving.suggestions("moved_in")[0]
    explanation = explain(moving, instance, "moved_in", offer, [by_contact], "e", None)
    assert explanation["data_used"] == ["subject"]
    text = plain_words(explanation, "nl", LINK)
    assert "het onderwerp van uw contact met ons" in text
    assert "burgerservicenummer" not in text and "gemeente waar u woont" not in text
    by_brp = _causes(moving)[0]
    text = plain_words(
        explain(moving, instance, "moved_in", offer, [by_brp], "e", None), "en", LINK
    )
    assert "your new address was registered" in text and "the municipality you live in" in text
    assert "subject of your contact" not in text
