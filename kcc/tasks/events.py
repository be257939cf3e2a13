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


@event_type
@dataclass(frozen=True)
class TaskCompleted(DomainEvent):
    name = "task.completed"
    task_id: str
    kind: str
    party_id: str | None
    by_user_id: str | None


@event_type
@dataclass(frozen=True)
class TaskReassigned(DomainEvent):
    name = "task.reassigned"
    task_id: str
    from_user_id: str | None
    from_team: str | None
    to_user_id: str | None
    to_team: str | None


@event_type
@dataclass(frozen=True)
class TaskCommented(DomainEvent):
    name = "task.commented"
    task_id: str
    comment_id: str
    callback_result: str | None


@event_type
@dataclass(frozen=True)
class ContactRequested(DomainEvent):
    """A callback request (contactverzoek) routed to a colleague, a team or a department."""

    name = "task.contact_requested"
    task_id: str
    party_id: str | None
    to_user_id: str | None
    to_team: str | None
    to_department: str | None
