"""Domain events about the service catalogue."""

from __future__ import annotations

from dataclasses import dataclass

from kcc.events.base import DomainEvent, event_type


@event_type
@dataclass(frozen=True)
class JourneyServiceChanged(DomainEvent):
    """A service was added to, changed in or removed from the catalogue (``change``)."""

    name = "journey_service.changed"
    key: str
    change: str
    version: int
    by: str | None
