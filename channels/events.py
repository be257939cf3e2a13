"""Domain events recorded by the channels."""

from __future__ import annotations

from dataclasses import dataclass

from kcc.events.base import DomainEvent, event_type
from kcc.messaging.events import SmsOptedIn, SmsOptedOut

# The opt-out events are the core's (consent subscribes to them); the channels record them.
__all__ = [
    "ConversationClosed",
    "ConversationHandedOff",
    "ConversationMessageAdded",
    "ConversationNoteAdded",
    "ConversationReopened",
    "ConversationSnoozed",
    "SmsOptedIn",
    "SmsOptedOut",
]


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
    subject: str = ""
    outcome: str | None = None
    closed_by: str | None = None


@event_type
@dataclass(frozen=True)
class ConversationHandedOff(DomainEvent):
    """Taken by an agent, assigned or transferred to a colleague or a team."""

    name = "conversation.handed_off"
    conversation_id: str
    kind: str  # taken, assigned, transferred
    user_id: str | None
    team: str | None
    previous_user_id: str | None
    previous_team: str | None
    by: str | None


@event_type
@dataclass(frozen=True)
class ConversationSnoozed(DomainEvent):
    name = "conversation.snoozed"
    conversation_id: str
    until: str
    by: str | None


@event_type
@dataclass(frozen=True)
class ConversationReopened(DomainEvent):
    """Back in its queue: a resident wrote again, or its snooze ended."""

    name = "conversation.reopened"
    conversation_id: str
    previous_status: str
    reason: str  # message or snooze_ended


@event_type
@dataclass(frozen=True)
class ConversationNoteAdded(DomainEvent):
    """An internal note; its text stays in the note, not in the event."""

    name = "conversation.note_added"
    conversation_id: str
    note_id: str
    author_id: str | None
