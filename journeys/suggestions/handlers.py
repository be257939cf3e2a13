"""Subscribers and jobs of the suggestions: journey states, consent changes, residents' answers."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import ColumnElement, Select, select

from journeys.suggestions import services
from journeys.suggestions.constants import SuggestionStatus
from journeys.suggestions.models import Suggestion
from kcc.consent.constants import CollectionMethod, ConsentChannel
from kcc.consent.services import withdraw_channel
from kcc.db import db, unit_of_work
from kcc.events.base import EventEnvelope
from kcc.messaging.keywords import Keyword, first_own_line, keyword_of
from kcc.parties.models import Party
from kcc.privacy.activities import Activity
from kcc.privacy.context import system_processing


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


# Per answering channel: the consent channel a STOP ends, and how the withdrawal reached us.
STOP_ENDS = {
    "chat": (ConsentChannel.ANY, CollectionMethod.CHAT),
    "email": (ConsentChannel.EMAIL, CollectionMethod.EMAIL),
}
ANSWERS = {Keyword.YES: True, Keyword.NO: False}


def _keyword(data: dict[str, Any]) -> Keyword | None:
    """The keyword a received message is: an e-mail's first own line, else the whole text."""
    text = str(data.get("text") or "")
    return keyword_of(first_own_line(text) if data.get("channel") == "email" else text)


def _awaiting_answer(party: ColumnElement[bool]) -> Select[Suggestion]:
    """The party's suggestions that were sent and not yet answered."""
    return select(Suggestion).where(party, Suggestion.status == SuggestionStatus.SENT)


def _answered(party_id: int, data: dict[str, Any]) -> Suggestion | None:
    """The sent suggestion an answer is about: for e-mail the one sent earlier in that thread
    (each proactive e-mail starts its own), else the newest sent one."""
    query = _awaiting_answer(Suggestion.party_id == party_id)
    if data["channel"] == "email":
        query = query.where(Suggestion.message_id.in_(data.get("earlier_message_ids") or []))
    return db.session().scalar(
        query.order_by(Suggestion.sent_at.desc(), Suggestion.id.desc()).limit(1)
    )


def wants_message(data: dict[str, Any]) -> bool:
    """Whether ``on_message_received`` could do anything with a message (asked when it is
    recorded): STOP in the chat or an e-mail (SMS STOP is the opt-out's), or JA/NEE while a
    suggestion sent to the party awaits an answer. Any other message costs no job."""
    if not data.get("party_id"):
        return False
    keyword = _keyword(data)
    if keyword == Keyword.STOP:
        return data.get("channel") in STOP_ENDS
    if keyword not in ANSWERS:
        return False
    party = select(Party.id).where(Party.uuid == uuid.UUID(data["party_id"]))
    waiting = _awaiting_answer(Suggestion.party_id.in_(party)).with_only_columns(Suggestion.id)
    return db.session().scalar(waiting.limit(1)) is not None


def on_message_received(envelope: EventEnvelope) -> None:
    """``message.received``: a resident's JA/NEE (SMS, chat or e-mail) answers a sent
    suggestion; STOP in the chat or an e-mail withdraws consent (SMS STOP is the opt-out's)."""
    data = envelope.data
    channel = data.get("channel")
    if channel not in ("sms", "chat", "email"):
        return
    party_id = _party_id(data.get("party_id"))
    if party_id is None:
        return
    keyword = _keyword(data)
    with system_processing("suggestions.answer", Activity.PROACTIVE_SERVICE):
        if channel in STOP_ENDS and keyword == Keyword.STOP:
            ends, method = STOP_ENDS[channel]
            withdraw_channel(
                party_id, ends, method, f"{channel} message {data['message_id']}", whole=True
            )
            return
        if keyword not in ANSWERS:
            return
        answered = _answered(party_id, data)
        if answered is not None:
            services.record_answer(answered, ANSWERS[keyword], f"resident:{channel}")


def expire_due_job() -> int:
    """Periodic job: expire open suggestions past their expiry."""
    with unit_of_work(), system_processing("suggestions.expire", Activity.PROACTIVE_SERVICE):
        return services.expire_due()
