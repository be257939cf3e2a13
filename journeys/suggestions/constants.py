"""Stored statuses and choices of suggestions."""

from __future__ import annotations

from enum import StrEnum


class SuggestionStatus(StrEnum):
    PROPOSED = "proposed"
    APPROVED = "approved"
    SENT = "sent"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"


OPEN_STATUSES = (SuggestionStatus.PROPOSED, SuggestionStatus.APPROVED, SuggestionStatus.SENT)
UNSENT_STATUSES = (SuggestionStatus.PROPOSED, SuggestionStatus.APPROVED)


class Delivery(StrEnum):
    """What the journey document says happens to a new suggestion."""

    SEND = "send"  # deliver at once on the resident's preferred permitted channel
    APPROVE = "approve"  # an agent approves each one before it goes out


MESSAGE_CHANNELS = ("sms", "email")
