"""Domain events about parties."""

from __future__ import annotations

from dataclasses import dataclass

from kcc.events.base import DomainEvent, event_type


@event_type
@dataclass(frozen=True)
class PartyRegistered(DomainEvent):
    name = "party.registered"
    party_id: str
    type: str


@event_type
@dataclass(frozen=True)
class PartyUpdated(DomainEvent):
    name = "party.updated"
    party_id: str
    fields: list[str]
