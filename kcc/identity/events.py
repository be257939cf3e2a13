"""Domain events about merging parties."""

from __future__ import annotations

from dataclasses import dataclass

from kcc.events.base import DomainEvent, event_type


@event_type
@dataclass(frozen=True)
class PartyMerged(DomainEvent):
    """Every reference to ``duplicate_id`` now points at ``survivor_id`` (see ``moved``)."""

    name = "party.merged"
    merge_id: str
    survivor_id: str
    duplicate_id: str
    moved: dict[str, int]


@event_type
@dataclass(frozen=True)
class PartyUnmerged(DomainEvent):
    """A merge was undone: the duplicate is active again with what was moved away."""

    name = "party.unmerged"
    merge_id: str
    survivor_id: str
    duplicate_id: str
    restored: dict[str, int]
