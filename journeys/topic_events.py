"""Subscriber: topics confirmed on a contact moment (any channel) start or move journeys."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from journeys.constants import CONTACT_MOMENT_RECORDED, CauseType
from journeys.engine import Cause
from journeys.topics import trigger_matches
from journeys.triggers import apply_triggers
from journeys.versions import definition_for, recently_published
from kcc.db import db
from kcc.events.base import EventEnvelope
from kcc.parties.models import Party
from kcc.privacy.activities import Activity
from kcc.privacy.context import system_processing

TOPICS_CONFIRMED = "contact_moment.topics_confirmed"


def _party_key(party_uuid: str) -> int | None:
    try:
        wanted = uuid.UUID(party_uuid)
    except ValueError:
        return None
    return db.session().scalar(select(Party.id).where(Party.uuid == wanted))


def _subject(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "topics": list(data.get("topic_keys") or []),
        "subject": data.get("subject"),
        "channel": data.get("channel"),
    }


def wants_topics(data: dict[str, Any]) -> bool:
    """Whether a published journey listens for one of the confirmed topics (most topics
    concern no journey and then cost no job)."""
    if not data.get("party_ids") or not data.get("topic_keys"):
        return False
    subject = _subject(data)
    return any(
        t["on"] == CONTACT_MOMENT_RECORDED and trigger_matches(t, subject)
        for version_id, _, digest in recently_published()
        for t in definition_for(version_id, digest).triggers
    )


def on_topics_confirmed(envelope: EventEnvelope) -> None:
    """Topics confirmed on a moment count as the trigger ``contact_moment.recorded`` of the
    journeys that name them, for every party involved: as an agent's registration would."""
    data = envelope.data
    moment_id = data["contact_moment_id"]
    names = ", ".join(data.get("topics") or [])
    cause = Cause(CauseType.CONTACT_MOMENT, moment_id, f"contact moment about topic {names}")
    occasion = f"contact:{moment_id}:topics:{envelope.event_id}"
    with system_processing("journeys.contact-moment-topics", Activity.PROACTIVE_SERVICE):
        for party_uuid in data.get("party_ids") or []:
            party_id = _party_key(party_uuid)
            if party_id is not None:
                apply_triggers(
                    party_id,
                    CONTACT_MOMENT_RECORDED,
                    _subject(data),
                    occasion,
                    cause,
                    {"subject": data.get("subject") or "", "topics": data.get("topics") or []},
                )


SUBSCRIPTION = (
    TOPICS_CONFIRMED,
    on_topics_confirmed,
    "journeys.contact-moment-topics",
    wants_topics,
)
