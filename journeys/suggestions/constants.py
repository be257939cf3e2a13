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
    WITHHELD = "withheld"  # an agent decided not to send it; the resident never saw it


OPEN_STATUSES = (SuggestionStatus.PROPOSED, SuggestionStatus.APPROVED, SuggestionStatus.SENT)
UNSENT_STATUSES = (SuggestionStatus.PROPOSED, SuggestionStatus.APPROVED)


class Delivery(StrEnum):
    """What happens to a new suggestion, from the document's ``approval`` (stored per suggestion)."""

    SEND = "send"  # deliver at once on the resident's preferred permitted channel
    APPROVE = "approve"  # an agent approves each one before it goes out


class Approval(StrEnum):
    """A suggestion's ``approval`` in the journey document (see the journey JSON Schema)."""

    NONE = "none"
    AGENT = "agent"


def delivery_for(approval: str | None) -> Delivery:
    """The delivery a document's ``approval`` asks for; absent means ``none``."""
    return Delivery.APPROVE if approval == Approval.AGENT else Delivery.SEND


MESSAGE_CHANNELS = ("sms", "email")
