"""Subscribers and jobs of the suggestions: journey states, consent changes, residents' answers."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import ColumnElement, Select, select

from journeys.catalogue import service
from journeys.suggestions import services
from journeys.suggestions.constants import SuggestionStatus
from journeys.suggestions.models import Suggestion
from kcc.consent.constants import CollectionMethod, ConsentChannel
from kcc.consent.withdrawals import withdraw_channel
from kcc.db import db, unit_of_work
from kcc.events.base import EventEnvelope
from kcc.messaging import available_channels, send_to_party
from kcc.messaging.keywords import Keyword, answer_of, first_own_line, keyword_of
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


def _own_text(data: dict[str, Any]) -> str:
    """A received message's own words: an e-mail's first own line, else the whole text."""
    text = str(data.get("text") or "")
    return first_own_line(text) if data.get("channel") == "email" else text


def _keyword(data: dict[str, Any]) -> Keyword | None:
    return keyword_of(_own_text(data))


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
    if answer_of(_own_text(data)) is None:
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
        answer = answer_of(_own_text(data))
        if answer is None:
            return
        keyword, number = answer
        if channel == "email":
            answered = _answered(party_id, data)
        else:
            answered = _numbered(party_id, channel, number)
        if answered is not None:
            services.record_answer(answered, ANSWERS[keyword], f"resident:{channel}")
            if keyword == Keyword.NO:
                _reply(party_id, channel, REPLIES["declined"])


REPLIES = {
    "declined": {
        "nl": "Dank u voor uw antwoord. U krijgt over dit aanbod geen bericht meer.",
        "en": "Thank you for your answer. You will get no more messages about this offer.",
    },
    "which": {
        "nl": "U heeft meer dan één aanbod open: {offers}. Antwoord met het nummer, bijvoorbeeld JA {first}.",
        "en": "You have more than one open offer: {offers}. Reply with the number, for example YES {first}.",
    },
    "unknown": {
        "nl": "Wij vinden geen aanbod met nummer {number}. U heeft open: {offers}. Antwoord bijvoorbeeld JA {first}.",
        "en": "We find no offer with number {number}. Open for you: {offers}. Reply for example YES {first}.",
    },
}


def _title(suggestion: Suggestion, language: str) -> str:
    titles = (service(suggestion.service) or {}).get("title") or {}
    return str(titles.get(language) or titles.get("nl") or suggestion.texts.get(language) or "")


def _numbered(party_id: int, channel: str, number: int | None) -> Suggestion | None:
    """The open offer an SMS or chat answer is about. With several open and no number, or a
    number no open offer has, the resident is asked which (nothing is answered)."""
    waiting = list(
        db.session().scalars(
            _awaiting_answer(Suggestion.party_id == party_id).order_by(
                Suggestion.reply_number, Suggestion.id
            )
        )
    )
    if number is None and len(waiting) == 1:
        return waiting[0]
    chosen = next((s for s in waiting if number is not None and s.reply_number == number), None)
    if chosen is not None or not waiting:
        return chosen
    language = _language(party_id)
    offers = "; ".join(f"{s.reply_number} {_title(s, language)}" for s in waiting)
    kind = "which" if number is None else "unknown"
    text = REPLIES[kind][language].format(
        offers=offers, first=waiting[0].reply_number, number=number
    )
    _reply(party_id, channel, {language: text})
    return None


def _language(party_id: int) -> str:
    found = db.session().scalar(select(Party.preferred_language).where(Party.id == party_id))
    return "en" if found == "en" else "nl"


def _reply(party_id: int, channel: str, texts: dict[str, str]) -> None:
    """Answer the resident on the channel they wrote on, when a sender serves it."""
    if channel not in available_channels():
        return
    language = _language(party_id)
    party_uuid = db.session().scalar(select(Party.uuid).where(Party.id == party_id))
    text = texts.get(language) or next(iter(texts.values()))
    if party_uuid is not None:
        send_to_party(channel, party_uuid, text, language, f"suggestion-reply:{party_uuid}")


def expire_due_job() -> int:
    """Periodic job: expire open suggestions past their expiry."""
    with unit_of_work(), system_processing("suggestions.expire", Activity.PROACTIVE_SERVICE):
        return services.expire_due()
