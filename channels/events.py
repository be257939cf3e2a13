"""Domain events recorded by the channels."""

from __future__ import annotations

from dataclasses import dataclass

from kcc.events.base import DomainEvent, event_type


@event_type
@dataclass(frozen=True)
class ConversationMessageAdded(DomainEvent):
    name = "conversation.message_added"
    conversation_id: str
    message_id: str
    channel: str
    direction: str
    party_id: str | None


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
    name = "sms.opted_in"
    address: str
    keyword: str | None
    evidence_message_id: str | None


@event_type
@dataclass(frozen=True)
class ConversationClosed(DomainEvent):
    name = "conversation.closed"
    conversation_id: str
    party_id: str | None
