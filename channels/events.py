"""Domain events recorded by the channels."""

from __future__ import annotations

from dataclasses import dataclass

from kcc.events.base import DomainEvent, event_type
from kcc.messaging.events import SmsOptedIn, SmsOptedOut

# The opt-out events are the core's (consent subscribes to them); the channels record them.
__all__ = ["ConversationClosed", "ConversationMessageAdded", "SmsOptedIn", "SmsOptedOut"]


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
class ConversationClosed(DomainEvent):
    name = "conversation.closed"
    conversation_id: str
    party_id: str | None
