"""Domain events about messages from residents: one received, an SMS number opting out or in.

The channels record them; the core (consent) and the journeys (suggestions) subscribe, so
neither needs to know which package carried the message.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kcc.events.base import DomainEvent, event_type


@event_type
@dataclass(frozen=True)
class MessageReceived(DomainEvent):
    """A resident's message was put into its conversation.

    ``earlier_message_ids`` are the ids of the messages sent to the resident earlier in the
    same conversation (newest first, at most ``EARLIER_MESSAGES``): an answer by e-mail
    belongs to the message its thread answers.
    """

    name = "message.received"
    message_id: str
    channel: str
    party_id: str | None
    text: str
    conversation_id: str | None
    contact_moment_id: str | None
    earlier_message_ids: list[str] = field(default_factory=list)


EARLIER_MESSAGES = 50


@event_type
@dataclass(frozen=True)
class SmsOptedOut(DomainEvent):
    """A phone number withdrew SMS contact; ``evidence_message_id`` is the message saying so."""

    name = "sms.opted_out"
    address: str
    source: str
    keyword: str | None
    evidence_message_id: str | None


@event_type
@dataclass(frozen=True)
class SmsOptedIn(DomainEvent):
    """A phone number restored SMS contact (START and its variants)."""

    name = "sms.opted_in"
    address: str
    keyword: str | None
    evidence_message_id: str | None
