"""Triggers: domain events (life events, contact moments) that start or advance journeys."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from journeys.constants import (
    CONTACT_MOMENT_RECORDED,
    CONTACT_MOMENT_SUBJECT_CHANGED,
    LIFE_EVENT_RECEIVED,
    CauseType,
)
from journeys.engine import Cause
from journeys.routing import Applied, Occasion, route
from journeys.topics import trigger_matches
from journeys.versions import definition_for, listening_versions, recently_listening
from kcc.db import db
from kcc.events.base import EventEnvelope
from kcc.parties.models import Party
from kcc.privacy.activities import Activity
from kcc.privacy.context import system_processing


def known_types() -> set[str]:
    """Every event type a published journey, or the version a running instance is on, listens to."""
    return {
        t["on"]
        for version_id, digest in listening_versions()
        for t in definition_for(version_id, digest).triggers
    }


def apply_triggers(
    party_id: int,
    on: str,
    subject: dict[str, Any],
    event_id: str,
    cause: Cause,
    data: dict[str, Any] | None = None,
    data_prefix: str = "",
) -> Applied:
    """Start or advance the party's journeys that listen to ``on`` (see ``journeys.routing``)."""
    return route(Occasion(party_id, on, subject, event_id, cause, data, data_prefix))


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
            data_prefix="data.",
        )


def _contact_subject(data: dict[str, Any]) -> dict[str, Any]:
    return {k: data.get(k) for k in ("subject", "channel", "direction", "objects")}


def wants_contact_moment(data: dict[str, Any]) -> bool:
    """Whether a published journey, or the version a running instance is on, has a trigger
    this contact moment matches (asked when the
    moment is recorded or its subject changes: most contact moments concern no journey and
    then cost no job).

    The published versions are read at most a second ago: a journey published in another
    process meanwhile starts counting contact moments a second later."""
    if not data.get("subject") or not data.get("party_ids"):
        return False
    subject = _contact_subject(data)
    return any(
        t["on"] == CONTACT_MOMENT_RECORDED and trigger_matches(t, subject)
        for version_id, digest in recently_listening()
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
