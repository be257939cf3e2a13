"""Sending a suggestion: consent for its own purpose is checked under the party's lock when
queued and again when sent; a cap on proactive messages per resident and no offer twice."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from journeys.suggestions.acceptance import answer_link
from journeys.suggestions.constants import MESSAGE_CHANNELS, UNSENT_STATUSES, SuggestionStatus
from journeys.suggestions.explain import consent_dict
from journeys.suggestions.machine import can, move
from journeys.suggestions.models import Suggestion
from journeys.suggestions.withdrawal import withdrawal_link
from kcc.consent.models import ConsentRecord
from kcc.consent.services import grant_for, history, lock_consents
from kcc.constants import Action
from kcc.db import db, utcnow
from kcc.errors import ConfigurationError
from kcc.messaging import available_channels, send_to_party
from kcc.parties.models import Party
from kcc.privacy.services import log_processing

# A suggestion's message carries the reference ``suggestion:<uuid>``; the messaging port asks
# ``send_refusal`` about it at the moment of sending.
REFERENCE_PREFIX = "suggestion"
REPLY_HINT = {
    "sms": {
        "nl": "Wilt u hulp hierbij? Antwoord JA{n} of NEE{n}, of kies hier: {answer}\nGeen berichten meer? Stuur STOP of ga naar: {stop}",
        "en": "Would you like help with this? Reply YES{n} or NO{n}, or choose here: {answer}\nNo more messages? Text STOP or go to: {stop}",
    },
    "email": {
        "nl": (
            "Wilt u hulp hierbij? Beantwoord deze e-mail met JA{n} of NEE{n}, of kies hier: "
            "{answer}\n\nWilt u geen berichten meer? Antwoord met STOP of ga naar: {stop}"
        ),
        "en": (
            "Would you like help with this? Reply to this e-mail with YES{n} or NO{n}, or "
            "choose here: {answer}\n\nNo more messages? Reply STOP or go to: {stop}"
        ),
    },
}
DEFAULT_CAP = 3
DEFAULT_CAP_DAYS = 30


@dataclass(frozen=True)
class Cap:
    """At most ``messages`` proactive messages to one resident in ``days`` days."""

    messages: int = DEFAULT_CAP
    days: int = DEFAULT_CAP_DAYS


def cap_from_environment(env: Mapping[str, str]) -> Cap:
    """The cap from ``KCC_SUGGESTION_CAP`` and ``KCC_SUGGESTION_CAP_DAYS`` (positive numbers)."""
    try:
        cap = Cap(
            int(env.get("KCC_SUGGESTION_CAP", DEFAULT_CAP)),
            int(env.get("KCC_SUGGESTION_CAP_DAYS", DEFAULT_CAP_DAYS)),
        )
    except ValueError:
        raise ConfigurationError(
            "KCC_SUGGESTION_CAP and KCC_SUGGESTION_CAP_DAYS are whole numbers"
        ) from None
    if cap.messages < 1 or cap.days < 1:
        raise ConfigurationError(
            "KCC_SUGGESTION_CAP and KCC_SUGGESTION_CAP_DAYS must be at least 1"
        )
    return cap


def current_cap() -> Cap:
    """The cap configured for this app (``KCC_SUGGESTION_CAP``, ``KCC_SUGGESTION_CAP_DAYS``)."""
    found = current_app.config.get("KCC_SUGGESTION_CAP")
    return found if isinstance(found, Cap) else Cap()


def channel_order(party: Party) -> list[str]:
    preferred = [party.preferred_channel] if party.preferred_channel in MESSAGE_CHANNELS else []
    return [*preferred, *(c for c in MESSAGE_CHANNELS if c not in preferred)]


def consent_for(records: list[ConsentRecord], purpose: str, channel: str) -> ConsentRecord | None:
    """From a party's records (newest first): the grant permitting ``purpose`` on ``channel`` now."""
    return grant_for(records, purpose, channel)


def any_consent(records: list[ConsentRecord], purpose: str) -> ConsentRecord | None:
    """A grant permitting ``purpose`` on some message channel now."""
    for channel in MESSAGE_CHANNELS:
        found = consent_for(records, purpose, channel)
        if found is not None:
            return found
    return None


def message_text(
    suggestion: Suggestion, language: str, channel: str = "sms", number: int | None = None
) -> str:
    """The document's B1 text in the resident's language (else English), how to answer (with
    the offer's number while several are open), the signed link that answers the offer in one
    click, and the signed link that withdraws consent or objects in one click."""
    lang = language if language in suggestion.texts else ("en" if language != "nl" else "nl")
    hints = REPLY_HINT.get(channel, REPLY_HINT["sms"])
    hint = (
        hints.get(lang, hints["en"])
        .replace("{n}", f" {number}" if number else "")
        .replace("{answer}", answer_link(suggestion.uuid, lang))
        .replace("{stop}", withdrawal_link(suggestion.uuid, lang))
    )
    text = suggestion.texts.get(lang) or suggestion.texts.get("nl", "")
    return f"{text}\n\n{hint}" if channel == "email" else f"{text}\n{hint}"


def reply_number(suggestion: Suggestion) -> tuple[int, bool]:
    """(the smallest number no other open offer to the resident has, whether others are open)."""
    taken = list(
        db.session().scalars(
            select(Suggestion.reply_number).where(
                Suggestion.party_id == suggestion.party_id,
                Suggestion.status == SuggestionStatus.SENT,
                Suggestion.id != suggestion.id,
            )
        )
    )
    number = 1
    while number in taken:
        number += 1
    return number, bool(taken)


def held_back(suggestion: Suggestion) -> str | None:
    """Why a suggestion may not go to its resident now: the same offer sent before, or the cap.

    One query: the resident's sent suggestions that are recent (for the cap) or for the same
    service (for a repeat).
    """
    cap = current_cap()
    since = utcnow() - timedelta(days=cap.days)
    rows = (
        db.session()
        .execute(
            select(Suggestion.service, Suggestion.texts, Suggestion.sent_at).where(
                Suggestion.party_id == suggestion.party_id,
                Suggestion.sent_at.is_not(None),
                (Suggestion.sent_at >= since) | (Suggestion.service == suggestion.service),
            )
        )
        .all()
    )
    sent_ats = [(service, texts, sent_at) for service, texts, sent_at in rows if sent_at]
    repeat = [
        sent_at
        for service, texts, sent_at in sent_ats
        if service == suggestion.service and texts == suggestion.texts
    ]
    if repeat:
        return f"the same offer was sent to the resident on {max(repeat).date().isoformat()}"
    sent = sum(1 for _, _, sent_at in sent_ats if sent_at >= since)
    if sent >= cap.messages:
        return (
            f"the resident had {sent} proactive messages in the last {cap.days} days "
            f"(at most {cap.messages})"
        )
    return None


def deliver(suggestion: Suggestion, party: Party) -> bool:
    """Send an unsent suggestion on the first permitted channel that reaches the party.

    The caller holds the party's consent lock, so a withdrawal cannot slip in between the
    check and the queued message. Without any consent left the suggestion is withdrawn.
    One that awaits an agent's approval (or is no longer open) is left as it is.
    """
    if not can(suggestion, "deliver"):
        return False
    records = history(party.id)
    consented = False
    for channel in channel_order(party):
        consent = consent_for(records, suggestion.consent_purpose, channel)
        if consent is not None and not consented:
            reason = held_back(suggestion)
            if reason is not None:
                _hold(suggestion, reason)
                return False
        if consent is None:
            continue
        consented = True
        if channel not in available_channels():
            continue
        language = party.preferred_language or "nl"
        number, others = reply_number(suggestion)
        message_id = send_to_party(
            channel,
            party.uuid,
            message_text(suggestion, language, channel, number if others else None),
            language,
            f"{REFERENCE_PREFIX}:{suggestion.uuid}",
        )
        if message_id is None:
            continue
        move(suggestion, "deliver")
        suggestion.channel, suggestion.message_id = channel, message_id
        suggestion.reply_number = number
        suggestion.consent_record_id, suggestion.sent_at = consent.id, utcnow()
        suggestion.explanation = {**suggestion.explanation, "consent": consent_dict(consent)}
        suggestion.note = ""
        return True
    if not consented:
        move(suggestion, "withdraw")
        suggestion.closed_at = utcnow()
        suggestion.note = (
            "withdrawn: the resident's consent was withdrawn or expired before it could be sent"
        )
    else:
        suggestion.note = (
            "not sent: no permitted channel reaches the resident (no address, or opted out)"
        )
    return False


def _hold(suggestion: Suggestion, reason: str) -> None:
    """Not sent, and never will be: a repeat is closed, a capped one too (a later state may
    offer again once the period has passed)."""
    move(suggestion, "withdraw")
    suggestion.closed_at = utcnow()
    suggestion.note = f"not sent: {reason}"


def send_now(suggestion_id: int) -> Suggestion:
    """Lock the party's consents, then the suggestion row, and deliver it when still unsent."""
    session = db.session()
    party_id = session.scalar(select(Suggestion.party_id).where(Suggestion.id == suggestion_id))
    assert party_id is not None
    lock_consents(party_id)
    query = (
        select(Suggestion)
        .where(Suggestion.id == suggestion_id)
        .execution_options(populate_existing=True)
    )
    if db.dialect == "postgresql":
        query = query.with_for_update()
    suggestion = session.scalars(query).one()
    if suggestion.status in UNSENT_STATUSES:
        party = session.get(Party, party_id)
        assert party is not None
        deliver(suggestion, party)
    session.flush()
    return suggestion


def send_refusal(reference: str) -> str | None:
    """The messaging port's check at the moment of sending a suggestion's message.

    Takes the party's consent lock (held until the send job's transaction commits) and reads
    the suggestion and the consents afresh. The message may go only while the suggestion is
    still sent-and-open and a consent still permits its channel; when consent is gone the
    suggestion is withdrawn here, so the withdrawal wins however the two interleave.
    """
    try:
        suggestion_uuid = uuid.UUID(reference.removeprefix(f"{REFERENCE_PREFIX}:"))
    except ValueError:
        return f"'{reference}' names no suggestion"
    session = db.session()
    party_id = session.scalar(select(Suggestion.party_id).where(Suggestion.uuid == suggestion_uuid))
    if party_id is None:
        return "the suggestion no longer exists"
    lock_consents(party_id)
    suggestion = session.scalars(
        select(Suggestion)
        .where(Suggestion.uuid == suggestion_uuid)
        .execution_options(populate_existing=True)
    ).one()
    if suggestion.status != SuggestionStatus.SENT:
        return f"the suggestion is {suggestion.status} now"
    if (
        consent_for(history(party_id), suggestion.consent_purpose, suggestion.channel or "")
        is not None
    ):
        return None
    move(suggestion, "withdraw")
    suggestion.closed_at = utcnow()
    suggestion.note = "withdrawn: the resident withdrew consent before the message went out"
    session.flush()
    party_uuid = session.scalar(select(Party.uuid).where(Party.id == party_id))
    if party_uuid is not None:
        log_processing([party_uuid], Action.UPDATE)
    return "the resident withdrew consent for this suggestion before it went out"
