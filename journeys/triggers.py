"""Triggers: domain events (life events, contact moments) that start or advance journeys."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from journeys.constants import (
    CONTACT_MOMENT_RECORDED,
    CONTACT_MOMENT_SUBJECT_CHANGED,
    LIFE_EVENT_RECEIVED,
    CauseType,
)
from journeys.engine import Cause, StepResult, active_instances, advance, start
from journeys.models import JourneyInstance
from journeys.topics import trigger_matches
from journeys.versions import definition_for, published_versions, recently_published
from kcc.db import db
from kcc.events.base import EventEnvelope
from kcc.parties.models import Party
from kcc.privacy.activities import Activity
from kcc.privacy.context import system_processing


@dataclass
class Applied:
    """What one incoming event did to one party's journeys."""

    started: list[JourneyInstance]
    steps: list[StepResult]


def known_types() -> set[str]:
    """Every event type a published journey listens to."""
    return {
        t["on"]
        for version_id, _, digest in published_versions()
        for t in definition_for(version_id, digest).triggers
    }


def apply_triggers(
    party_id: int,
    on: str,
    subject: dict[str, Any],
    event_id: str,
    cause: Cause,
    data: dict[str, Any] | None = None,
) -> Applied:
    """Start or advance the party's journeys whose first matching trigger listens to ``on``."""
    applied = Applied([], [])
    for version_id, key, digest in published_versions():
        definition = definition_for(version_id, digest)
        trigger = next(
            (t for t in definition.triggers if t["on"] == on and trigger_matches(t, subject)),
            None,
        )
        if trigger is None:
            continue
        event = trigger.get("event")
        active = active_instances(party_id, key)
        if trigger.get("start") and (not active or definition.allow_multiple):
            instance, created = start(party_id, key, cause, event_id)
            if created:
                applied.started.append(instance)
            if event:
                applied.steps.append(
                    advance(instance.id, event, f"{event_id}#{event}", cause, data)
                )
        elif event:
            for instance in active:
                applied.steps.append(advance(instance.id, event, event_id, cause, data))
    return applied


def _party_key(party_uuid: str) -> int | None:
    try:
        wanted = uuid.UUID(party_uuid)
    except ValueError:
        return None
    return db.session().scalar(select(Party.id).where(Party.uuid == wanted))


def on_life_event(envelope: EventEnvelope) -> None:
    """Subscriber: a life event matched to a party moves that party's journeys."""
    data = envelope.data
    party_id = _party_key(data["party_id"])
    if party_id is None:
        return
    cause = Cause(CauseType.EVENT, data["life_event_id"], f"{data['type']} from {data['source']}")
    subject = {"type": data["type"], "source": data["source"], "data": data.get("data") or {}}
    with system_processing("journeys.life-event", Activity.PROACTIVE_SERVICE):
        apply_triggers(
            party_id,
            data["type"],
            subject,
            f"life:{data['life_event_id']}",
            cause,
            data.get("data"),
        )


def _contact_subject(data: dict[str, Any]) -> dict[str, Any]:
    return {k: data.get(k) for k in ("subject", "channel", "direction", "objects")}


def wants_contact_moment(data: dict[str, Any]) -> bool:
    """Whether a published journey has a trigger this contact moment matches (asked when the
    moment is recorded or its subject changes: most contact moments concern no journey and
    then cost no job).

    The published versions are read at most a second ago: a journey published in another
    process meanwhile starts counting contact moments a second later."""
    if not data.get("subject") or not data.get("party_ids"):
        return False
    subject = _contact_subject(data)
    return any(
        t["on"] == CONTACT_MOMENT_RECORDED and trigger_matches(t, subject)
        for version_id, _, digest in recently_published()
        for t in definition_for(version_id, digest).triggers
    )


def on_contact_moment(envelope: EventEnvelope) -> None:
    """Subscriber: a contact moment recorded with a subject, or whose subject changed (a
    conversation an agent or the resident's first message named), moves the journeys of the
    parties involved. Both count as the trigger ``contact_moment.recorded`` of a journey."""
    data = envelope.data
    if not data.get("subject"):
        return
    moment_id = data["contact_moment_id"]
    # A subject change is a new occasion for the same moment: its own event id keeps a retry
    # of it harmless without hiding it behind the recording of the moment.
    occasion = (
        f"contact:{moment_id}"
        if envelope.name == CONTACT_MOMENT_RECORDED
        else f"contact:{moment_id}:subject:{envelope.event_id}"
    )
    cause = Cause(CauseType.CONTACT_MOMENT, moment_id, f"contact moment about '{data['subject']}'")
    subject = _contact_subject(data)
    with system_processing("journeys.contact-moment", Activity.PROACTIVE_SERVICE):
        for party_uuid in data.get("party_ids") or []:
            party_id = _party_key(party_uuid)
            if party_id is not None:
                apply_triggers(
                    party_id,
                    CONTACT_MOMENT_RECORDED,
                    subject,
                    occasion,
                    cause,
                    {"subject": data["subject"]},
                )


SUBSCRIPTIONS = (
    (LIFE_EVENT_RECEIVED, on_life_event, "journeys.life-events", None),
    (
        CONTACT_MOMENT_RECORDED,
        on_contact_moment,
        "journeys.contact-moments",
        wants_contact_moment,
    ),
    (
        CONTACT_MOMENT_SUBJECT_CHANGED,
        on_contact_moment,
        "journeys.contact-moment-subjects",
        wants_contact_moment,
    ),
)
