"""Domain events about tasks."""

from __future__ import annotations

from dataclasses import dataclass

from kcc.events.base import DomainEvent, event_type


@event_type
@dataclass(frozen=True)
class TaskCreated(DomainEvent):
    name = "task.created"
    task_id: str
    kind: str
    party_id: str | None
    due_at: str | None


@event_type
@dataclass(frozen=True)
class TaskChanged(DomainEvent):
    name = "task.changed"
    task_id: str
    status: str
    fields: list[str]


@event_type
@dataclass(frozen=True)
class TaskDeleted(DomainEvent):
    name = "task.deleted"
    task_id: str
    kind: str
    party_id: str | None
