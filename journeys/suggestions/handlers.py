"""Subscribers and jobs of the suggestions: journey states, consent changes, residents' answers."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import ColumnElement, Integer, Select, Uuid, column, select, table

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
STOP_WORDS = frozenset({"STOP", "AFMELDEN", "UNSUBSCRIBE"})

# The channels package's tables, read by name: journeys never import channels.
_messages = table(
    "channel_messages", column("uuid", Uuid), column("body"), column("conversation_id", Integer)
)
_conversations = table("conversations", column("id", Integer), column("uuid", Uuid))


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


def _first_line(body: str) -> str:
    """An e-mail answer is its first line of own text (quoted lines and the rest are ignored)."""
    for line in body.splitlines():
        if line.strip() and not line.lstrip().startswith(">"):
            return line
    return ""


# Per answering channel: the consent channel a STOP ends, and how the withdrawal reached us.
STOP_ENDS = {
    "chat": (ConsentChannel.ANY, CollectionMethod.CHAT),
    "email": (ConsentChannel.EMAIL, CollectionMethod.EMAIL),
}


def _awaiting_answer(party: ColumnElement[bool]) -> Select[Suggestion]:
    """The party's suggestions that were sent and not yet answered."""
    return select(Suggestion).where(party, Suggestion.status == SuggestionStatus.SENT)


def _answered(party_id: int, channel: str, conversation_uuid: str) -> Suggestion | None:
    """The sent suggestion an answer is about: for e-mail the one sent in that conversation
    (each proactive e-mail starts its own), else the newest sent one."""
    query = _awaiting_answer(Suggestion.party_id == party_id)
    if channel == "email":
        thread = select(_conversations.c.id).where(
            _conversations.c.uuid == uuid.UUID(conversation_uuid)
        )
        in_thread = db.session().scalars(
            select(_messages.c.uuid).where(_messages.c.conversation_id.in_(thread))
        )
        query = query.where(Suggestion.message_id.in_([str(u) for u in in_thread]))
    return db.session().scalar(
        query.order_by(Suggestion.sent_at.desc(), Suggestion.id.desc()).limit(1)
    )


def wants_message(data: dict[str, Any]) -> bool:
    """Whether ``on_message_added`` could do anything with a message (asked when it is
    stored): a chat or e-mail may carry STOP; an SMS matters only as the answer to a suggestion
    sent to the party and not yet answered (SMS STOP is the opt-out's)."""
    if data.get("direction") != "inbound" or not data.get("party_id"):
        return False
    channel = data.get("channel")
    if channel in STOP_ENDS:
        return True
    if channel != "sms":
        return False
    party = select(Party.id).where(Party.uuid == uuid.UUID(data["party_id"]))
    waiting = _awaiting_answer(Suggestion.party_id.in_(party)).with_only_columns(Suggestion.id)
    return db.session().scalar(waiting.limit(1)) is not None


def on_message_added(envelope: EventEnvelope) -> None:
    """``conversation.message_added``: a resident's JA/NEE (SMS, chat or e-mail) answers a sent
    suggestion; STOP in the chat or an e-mail withdraws consent (SMS STOP is the opt-out's)."""
    data = envelope.data
    if data.get("direction") != "inbound" or data.get("channel") not in ("sms", "chat", "email"):
        return
    party_id = _party_id(data.get("party_id"))
    if party_id is None:
        return
    body = db.session().scalar(
        select(_messages.c.body).where(_messages.c.uuid == uuid.UUID(data["message_id"]))
    )
    channel = data["channel"]
    word = _word(_first_line(body or "") if channel == "email" else body or "")
    with system_processing("suggestions.answer", Activity.PROACTIVE_SERVICE):
        if channel in STOP_ENDS and word in STOP_WORDS:
            ends, method = STOP_ENDS[channel]
            withdraw_channel(party_id, ends, method, f"{channel} message {data['message_id']}")
            return
        if word not in YES and word not in NO:
            return
        answered = _answered(party_id, channel, data["conversation_id"])
        if answered is not None:
            services.record_answer(answered, word in YES, f"resident:{channel}")


def expire_due_job() -> int:
    """Periodic job: expire open suggestions past their expiry."""
    with unit_of_work(), system_processing("suggestions.expire", Activity.PROACTIVE_SERVICE):
        return services.expire_due()
