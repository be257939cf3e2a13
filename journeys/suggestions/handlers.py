"""Subscribers and jobs of the suggestions: journey states, consent changes, residents' answers."""

from __future__ import annotations

import uuid

from sqlalchemy import Uuid, column, select, table

from journeys.suggestions import services
from journeys.suggestions.constants import SuggestionStatus
from journeys.suggestions.models import Suggestion
from kcc.consent.constants import CollectionMethod, ConsentChannel
from kcc.consent.services import withdraw_channel
from kcc.db import db, unit_of_work
from kcc.events.base import EventEnvelope
from kcc.parties.models import Party
from kcc.privacy.activities import Activity
from kcc.privacy.context import system_processing

YES = frozenset({"JA", "J", "YES", "Y", "OK", "OKE", "GRAAG"})
NO = frozenset({"NEE", "N", "NO", "NEE DANK", "NO THANKS"})
CHAT_STOP = frozenset({"STOP", "AFMELDEN", "UNSUBSCRIBE"})

# The channels package's message table, read by name: journeys never import channels.
_messages = table("channel_messages", column("uuid", Uuid), column("body"))


def _party_id(party_uuid: str | None) -> int | None:
    if not party_uuid:
        return None
    return db.session().scalar(select(Party.id).where(Party.uuid == uuid.UUID(party_uuid)))


def on_state_entered(envelope: EventEnvelope) -> None:
    """``journey.state_entered``: offer the state's suggestions, or ask for consent."""
    with system_processing("suggestions.offer", Activity.PROACTIVE_SERVICE):
        services.offer(str(envelope.event_id), envelope.data)


def on_consent_withdrawn(envelope: EventEnvelope) -> None:
    """``consent.withdrawn``: every pending suggestion the resident no longer consents to stops."""
    party_id = _party_id(envelope.data.get("party_id"))
    if party_id is not None:
        with system_processing("suggestions.consent_withdrawn", Activity.PROACTIVE_SERVICE):
            services.withdraw_without_consent(party_id)


def on_consent_granted(envelope: EventEnvelope) -> None:
    """``consent.granted``: 'ask for consent' items are resolved; their offers are made if still due."""
    party_id = _party_id(envelope.data.get("party_id"))
    if party_id is not None:
        with system_processing("suggestions.consent_granted", Activity.PROACTIVE_SERVICE):
            services.resolve_requests(party_id)


def _word(body: str) -> str:
    return " ".join(body.strip().strip(".!?").upper().split())


def on_message_added(envelope: EventEnvelope) -> None:
    """``conversation.message_added``: a resident's JA/NEE (SMS or chat) answers the newest sent suggestion."""
    data = envelope.data
    if data.get("direction") != "inbound" or data.get("channel") not in ("sms", "chat"):
        return
    party_id = _party_id(data.get("party_id"))
    if party_id is None:
        return
    body = db.session().scalar(
        select(_messages.c.body).where(_messages.c.uuid == uuid.UUID(data["message_id"]))
    )
    word = _word(body or "")
    with system_processing("suggestions.answer", Activity.PROACTIVE_SERVICE):
        if data["channel"] == "chat" and word in CHAT_STOP:
            withdraw_channel(
                party_id,
                ConsentChannel.ANY,
                CollectionMethod.CHAT,
                f"chat message {data['message_id']}",
            )
            return
        if word not in YES and word not in NO:
            return
        newest = db.session().scalar(
            select(Suggestion)
            .where(Suggestion.party_id == party_id, Suggestion.status == SuggestionStatus.SENT)
            .order_by(Suggestion.sent_at.desc(), Suggestion.id.desc())
            .limit(1)
        )
        if newest is not None:
            services.record_answer(newest, word in YES, f"resident:{data['channel']}")


def expire_due_job() -> int:
    """Periodic job: expire open suggestions past their expiry."""
    with unit_of_work(), system_processing("suggestions.expire", Activity.PROACTIVE_SERVICE):
        return services.expire_due()
