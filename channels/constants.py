"""Stored statuses and choices of the channels package, as StrEnums."""

from __future__ import annotations

from enum import StrEnum


class ConversationStatus(StrEnum):
    """open: waiting for us; pending: waiting for the resident; snoozed: put aside until a
    time; closed: wrapped up."""

    OPEN = "open"
    PENDING = "pending"
    SNOOZED = "snoozed"
    CLOSED = "closed"


OPEN_CONVERSATION_STATUSES = (
    ConversationStatus.OPEN,
    ConversationStatus.PENDING,
    ConversationStatus.SNOOZED,
)


class Presence(StrEnum):
    """Whether an agent takes conversations now (``away``: signed in, but not taking work)."""

    AVAILABLE = "available"
    AWAY = "away"


class Priority(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class MessageStatus(StrEnum):
    """Inbound messages are ``received``; outbound ones move through the delivery machine."""

    RECEIVED = "received"
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    DELIVERED = "delivered"
    UNDELIVERED = "undelivered"
    FAILED = "failed"
    READ = "read"


FINAL_STATUSES = (MessageStatus.UNDELIVERED, MessageStatus.FAILED, MessageStatus.READ)


class ThreadKeyKind(StrEnum):
    """What identifies a conversation outside: an e-mail Message-ID, a chat session."""

    EMAIL_MESSAGE_ID = "email_message_id"
    CHAT_SESSION = "chat_session"


class OptOutKind(StrEnum):
    STOP = "stop"
    START = "start"
    HELP = "help"


class SignedSource(StrEnum):
    WEB_FORM = "web_form"
    EMAIL = "email"
