"""Domain events of the consent registry."""

from __future__ import annotations

from dataclasses import dataclass

from kcc.events.base import DomainEvent, event_type


@event_type
@dataclass(frozen=True)
class ConsentGranted(DomainEvent):
    name = "consent.granted"
    consent_id: str
    party_id: str
    purpose: str
    channel: str


@event_type
@dataclass(frozen=True)
class ConsentWithdrawn(DomainEvent):
    """A consent ended; anything waiting on it must stop."""

    name = "consent.withdrawn"
    consent_id: str
    party_id: str
    purpose: str
    channel: str


@event_type
@dataclass(frozen=True)
class ProcessingObjected(DomainEvent):
    """A resident objected (AVG art. 21): the journeys that follow them must end."""

    name = "consent.objected"
    consent_id: str
    party_id: str
