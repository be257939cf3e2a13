"""Domain events about contact moments."""

from __future__ import annotations

from dataclasses import dataclass

from kcc.events.base import DomainEvent, event_type


@event_type
@dataclass(frozen=True)
class ContactMomentRecorded(DomainEvent):
    name = "contact_moment.recorded"
    contact_moment_id: str
    channel: str
    direction: str
    subject: str
    party_ids: list[str]
    objects: list[dict[str, str]]
    agent_id: str | None
