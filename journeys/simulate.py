"""Simulate a resident going through a journey version, without touching stored data."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from journeys import durations
from journeys.machine import JourneyStopped, run
from journeys.validation import Definition
from kcc.db import utcnow
from kcc.errors import ValidationFailed

MAX_STEPS = 200


def simulate(
    definition: Definition, steps: list[dict[str, Any]], language: str = "nl"
) -> dict[str, Any]:
    """Run ``steps`` (``{event, data}`` or ``{timer}``) from the start; report path, suggestions, timers.

    A ``timer`` step fires a timer that is set in the current state; time jumps to its due moment.
    """
    if len(steps) > MAX_STEPS:
        raise ValidationFailed.field("steps", f"at most {MAX_STEPS} steps")
    now = utcnow()
    begin = definition.compiled.start
    configuration, datamodel = list(begin.after), dict(begin.datamodel)
    timers: list[dict[str, Any]] = []
    suggestions: list[dict[str, Any]] = []
    path = [
        _entry(
            definition,
            0,
            "start",
            None,
            [],
            configuration,
            begin.entered,
            [],
            now,
            timers,
            suggestions,
            language,
        )
    ]
    completed = begin.terminated
    for index, step in enumerate(steps, start=1):
        if completed:
            path.append({"index": index, "error": "the journey has ended; later steps do nothing"})
            break
        if "timer" in step:
            event = str(step["timer"])
            timer = next((t for t in timers if t["event"] == event and t["active"]), None)
            if timer is None:
                path.append(
                    {
                        "index": index,
                        "timer": event,
                        "error": f"no timer '{event}' is set in {', '.join(configuration)}",
                    }
                )
                continue
            timer["active"], timer["fired"] = False, True
            now = max(now, datetime.fromisoformat(timer["due_at"]))
            kind = "timer"
        else:
            event, kind = str(step["event"]), "event"
        try:
            outcome = run(definition.compiled, configuration, datamodel, event, step.get("data"))
        except JourneyStopped as exc:
            path.append({"index": index, kind: event, "error": f"stopped: {exc}"})
            break
        for timer in timers:
            if timer["active"] and timer["state"] in outcome.exited:
                timer["active"], timer["cancelled"] = False, True
        path.append(
            _entry(
                definition,
                index,
                event,
                kind,
                outcome.before,
                outcome.after,
                outcome.entered,
                outcome.exited,
                now,
                timers,
                suggestions,
                language,
            )
        )
        configuration, datamodel = outcome.after, outcome.datamodel
        completed = bool(set(configuration) & definition.compiled.final_states)
    return {
        "journey": definition.key,
        "version": definition.number,
        "path": path,
        "final_configuration": configuration,
        "completed": completed,
        "datamodel": datamodel,
        "suggestions": suggestions,
        "timers": timers,
    }


def _entry(
    definition: Definition,
    index: int,
    event: str,
    kind: str | None,
    before: list[str],
    after: list[str],
    entered: list[str],
    exited: list[str],
    now: datetime,
    timers: list[dict[str, Any]],
    suggestions: list[dict[str, Any]],
    language: str,
) -> dict[str, Any]:
    offered, set_now = [], []
    final = bool(set(after) & definition.compiled.final_states)
    for state in entered:
        if final:
            break
        for timer in definition.timers(state):
            found = {
                "state": state,
                "event": timer["event"],
                "after": timer["after"],
                "due_at": durations.add(now, timer["after"]).isoformat(),
                "active": True,
            }
            timers.append(found)
            set_now.append(found)
        for suggestion in definition.suggestions(state):
            offer = {
                "state": state,
                "service": suggestion["service"],
                "text": suggestion["text"].get(language) or suggestion["text"]["nl"],
                "consent_purpose": suggestion["consent_purpose"],
                "expires": suggestion.get("expires"),
                "approval": suggestion.get("approval", "none"),
            }
            suggestions.append(offer)
            offered.append(offer)
    return {
        "index": index,
        "event": event,
        "kind": kind or "start",
        "from": before,
        "to": after,
        "moved": bool(entered or exited),
        "entered": entered,
        "exited": exited,
        "suggestions": offered,
        "timers_set": [{k: v for k, v in t.items() if k != "active"} for t in set_now],
    }
