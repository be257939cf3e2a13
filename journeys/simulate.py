"""Simulate a resident going through a journey version, without touching stored data."""

from __future__ import annotations

import itertools
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l

from journeys import durations, safety
from journeys.machine import JourneyStopped, run
from journeys.validation import Definition
from kcc.db import utcnow
from kcc.errors import ValidationFailed

MAX_STEPS = 200
LOOP_ENTRIES = 3  # a state entered this often within the floor is a tight loop
MESSAGE_PERIOD = "P30D"
MESSAGE_CAP = 3  # the default cap of proactive messages per resident per period


def simulate(
    definition: Definition, steps: list[dict[str, Any]], language: str = "nl"
) -> dict[str, Any]:
    """Run ``steps`` (``{event, data}`` or ``{timer}``) from the start; report path, suggestions, timers.

    A ``timer`` step fires a timer that is set in the current state; time jumps to its due moment.
    """
    if len(steps) > MAX_STEPS:
        raise ValidationFailed.field("steps", _l("at most %(count)s steps", count=MAX_STEPS))
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
        **warnings(definition, path, suggestions),
    }


def warnings(
    definition: Definition, path: list[dict[str, Any]], suggestions: list[dict[str, Any]]
) -> dict[str, Any]:
    """What would bother a resident: tight loops, many messages in a period, repeated offers.

    Returns ``messages`` (the most a resident would get in any ``MESSAGE_PERIOD``, counting
    the suggestions sent without an agent's approval, against the default cap) and
    ``warnings``, each ``{kind, state?, message}``.
    """
    found: list[dict[str, Any]] = []
    floor = durations.shortest_seconds(safety.timer_loop_floor())
    entries: dict[str, list[datetime]] = {}
    for step in path:
        for state in step.get("entered") or []:
            entries.setdefault(state, []).append(_at(step))
    for state, moments in entries.items():
        gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(moments)]
        if len(moments) >= LOOP_ENTRIES and min(gaps) < floor:
            found.append(
                {
                    "kind": "tight_loop",
                    "state": state,
                    "message": f"state '{state}' is entered {len(moments)} times, the closest "
                    f"{int(min(gaps))} seconds apart (floor {safety.timer_loop_floor()})",
                }
            )
    sent = sorted(
        datetime.fromisoformat(o["at"]) for o in suggestions if o.get("approval") != "agent"
    )
    period = durations.shortest_seconds(MESSAGE_PERIOD)
    most = max(
        (sum(1 for t in sent if 0 <= (t - start).total_seconds() < period) for start in sent),
        default=0,
    )
    if most > MESSAGE_CAP:
        found.append(
            {
                "kind": "message_volume",
                "message": f"a resident would get {most} messages within {MESSAGE_PERIOD}; "
                f"the cap is {MESSAGE_CAP}, so the rest would not be sent",
            }
        )
    seen: dict[tuple[str, str], int] = {}
    for offer in suggestions:
        key = (offer["service"], offer["text"])
        seen[key] = seen.get(key, 0) + 1
    for (service, _), count in seen.items():
        if count > 1:
            found.append(
                {
                    "kind": "repeated_offer",
                    "message": f"the same offer of '{service}' is made {count} times",
                }
            )
    return {
        "messages": {"period": MESSAGE_PERIOD, "most": most, "cap": MESSAGE_CAP},
        "warnings": found,
    }


def _at(step: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(step["at"])


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
                "at": now.isoformat(),
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
        "at": now.isoformat(),
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
