"""Domain events of the suggestions."""

from __future__ import annotations

from dataclasses import dataclass

from kcc.events.base import DomainEvent, event_type


@event_type
@dataclass(frozen=True)
class SuggestionAccepted(DomainEvent):
    """A resident said yes to an offer (by SMS, chat, e-mail, the page or told to an agent)."""

    name = "suggestion.accepted"
    suggestion_id: str
    party_id: str
    service: str
    answered_by: str
