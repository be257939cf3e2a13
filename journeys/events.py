"""Domain events the journeys package records (others, e.g. suggestions, may subscribe)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kcc.events.base import DomainEvent, event_type


@event_type
@dataclass(frozen=True)
class LifeEventReceived(DomainEvent):
    """A CloudEvent from another system, matched to a party (the BSN is not in it)."""

    name = "life_event.received"
    life_event_id: str
    party_id: str
    type: str
    source: str
    data: dict[str, Any]


@event_type
@dataclass(frozen=True)
class JourneyStarted(DomainEvent):
    name = "journey.started"
    instance_id: str
    party_id: str
    journey: str
    version: int


@event_type
@dataclass(frozen=True)
class JourneyStateEntered(DomainEvent):
    """A journey entered a state that offers suggestions (delivered only with consent, elsewhere)."""

    name = "journey.state_entered"
    instance_id: str
    party_id: str
    journey: str
    version: int
    state: str
    suggestions: list[dict[str, Any]]


@event_type
@dataclass(frozen=True)
class JourneyCompleted(DomainEvent):
    name = "journey.completed"
    instance_id: str
    party_id: str
    journey: str
    version: int
    final_state: str
