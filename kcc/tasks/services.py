"""Create, change and list tasks; statutory deadlines come from ``deadlines``."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, literal, select
from sqlalchemy.orm import joinedload

from kcc.auth.models import User
from kcc.constants import OPEN_TASK_STATUSES, Action, TaskKind, TaskStatus
from kcc.contacts.models import ContactMoment
from kcc.db import UTCDateTime, db, utcnow
from kcc.directory.services import require_active_colleague, require_active_team
from kcc.errors import Conflict, NotFound, ValidationFailed
from kcc.events.outbox import record
from kcc.pagination import decode_cursor, encode_cursor
from kcc.parties.models import Party
from kcc.privacy.bsn import protect_record, scrub
from kcc.privacy.services import log_processing
from kcc.tasks import deadlines
from kcc.tasks.events import TaskChanged, TaskCreated, TaskDeleted
from kcc.tasks.models import Task

STATUTORY = (TaskKind.COMPLAINT, TaskKind.OBJECTION)
CLOSED = (TaskStatus.DONE, TaskStatus.CANCELLED)
NO_DUE_DATE = datetime(9999, 12, 31, tzinfo=UTC)


@dataclass
class TaskInput:
    kind: str
    party_id: uuid.UUID | None = None
    contact_moment_id: uuid.UUID | None = None
    assigned_user_id: uuid.UUID | None = None
    assigned_team: str | None = None
    description: str = ""
    note: str = ""
    received_at: datetime | None = None
    due_at: datetime | None = None
    advisory_committee: bool = False


def _task_query() -> Select[Task]:
    return select(Task).options(
        joinedload(Task.party), joinedload(Task.assigned_user), joinedload(Task.contact_moment)
    )


def _check_directory(user_uuid: uuid.UUID | None, team: str | None) -> None:
    """Work routed by people goes to an active colleague or an active team of the directory."""
    if user_uuid is not None:
        require_active_colleague(user_uuid, field="assigned_user_id")
    if team:
        require_active_team(team, field="assigned_team")


def create_task(data: TaskInput, *, check_directory: bool = False) -> Task:
    """Create a task; complaints and objections get their statutory ``due_at``.

    ``check_directory``: the assignee must be an active user and the team an active team of
    the directory (for work routed by people; adapters keep the names other systems send).
    """
    data = protect_record(data, "description", "note", sealed_in=None)  # no BSN in clear
    if check_directory:
        _check_directory(data.assigned_user_id, data.assigned_team)
    received_at = data.received_at or utcnow()
    if received_at > utcnow() + timedelta(minutes=5):
        raise ValidationFailed.field("received_at", _l("lies in the future"))
    if data.kind in STATUTORY and data.due_at is not None:
        raise ValidationFailed.field(
            "due_at", _l("is computed from the statutory term for this kind")
        )
    if data.kind not in (TaskKind.COMPLAINT, TaskKind.OBJECTION) and data.advisory_committee:
        raise ValidationFailed.field(
            "advisory_committee", _l("applies to complaints and objections only")
        )
    if data.assigned_user_id is None and not data.assigned_team:
        raise ValidationFailed.field("assigned_team", _l("assign the task to a user or a team"))
    task = Task(
        kind=data.kind,
        description=data.description,
        note=data.note,
        received_at=received_at,
        advisory_committee=data.advisory_committee,
        assigned_team=data.assigned_team,
        status=TaskStatus.OPEN,
    )
    task.due_at = data.due_at or deadlines.default_due(
        data.kind, received_at, data.advisory_committee
    )
    if data.party_id is not None:
        task.party = _party(data.party_id)
    if data.contact_moment_id is not None:
        task.contact_moment = _contact(data.contact_moment_id)
    if data.assigned_user_id is not None:
        task.assigned_user = _user(data.assigned_user_id)
    db.session().add(task)
    db.session().flush()
    record(
        TaskCreated(
            task_id=str(task.uuid),
            kind=task.kind,
            party_id=str(task.party.uuid) if task.party else None,
            due_at=task.due_at.isoformat() if task.due_at else None,
        )
    )
    if task.party is not None:
        log_processing([task.party.uuid], Action.CREATE)
    return task


def _party(party_uuid: uuid.UUID) -> Party:
    party = db.session().scalar(select(Party).where(Party.uuid == party_uuid))
    if party is None:
        raise ValidationFailed.field(
            "party_id", _l("no party with id %(party_uuid)s", party_uuid=party_uuid)
        )
    return party


def _contact(moment_uuid: uuid.UUID) -> ContactMoment:
    moment = db.session().scalar(select(ContactMoment).where(ContactMoment.uuid == moment_uuid))
    if moment is None:
        raise ValidationFailed.field(
            "contact_moment_id",
            _l("no contact moment with id %(moment_uuid)s", moment_uuid=moment_uuid),
        )
    return moment


def _user(user_uuid: uuid.UUID) -> User:
    user = db.session().scalar(select(User).where(User.uuid == user_uuid))
    if user is None:
        raise ValidationFailed.field(
            "assigned_user_id", _l("no user with id %(user_uuid)s", user_uuid=user_uuid)
        )
    return user


def get_task(task_uuid: uuid.UUID) -> Task:
    task = db.session().scalar(_task_query().where(Task.uuid == task_uuid))
    if task is None:
        raise NotFound(_l("no task with id %(task_uuid)s", task_uuid=task_uuid))
    if task.party is not None:
        log_processing([task.party.uuid], Action.READ)
    return task


def update_task(
    task_uuid: uuid.UUID, changes: dict[str, Any], *, check_directory: bool = False
) -> Task:
    """Change status, assignment or note; ``extend: true`` extends a statutory term once.

    ``check_directory`` as for ``create_task``, for the assignment being changed.
    """
    changes = scrub(changes)[0]  # a description or note holds no BSN in clear
    if check_directory:
        _check_directory(changes.get("assigned_user_id"), changes.get("assigned_team"))
    task = db.session().scalar(_task_query().where(Task.uuid == task_uuid).with_for_update(of=Task))
    if task is None:
        raise NotFound(_l("no task with id %(task_uuid)s", task_uuid=task_uuid))
    if task.status in CLOSED and changes.get("status", task.status) in CLOSED:
        raise Conflict(
            _l(
                "the task is %(status)s; reopen it by setting status to open first",
                status=task.status,
            )
        )
    if "status" in changes:
        _set_status(task, changes["status"])
    if "assigned_user_id" in changes:
        task.assigned_user = (
            _user(changes["assigned_user_id"]) if changes["assigned_user_id"] else None
        )
    if "assigned_team" in changes:
        task.assigned_team = changes["assigned_team"]
    if task.assigned_user is None and not task.assigned_team:
        raise ValidationFailed.field(
            "assigned_team", _l("a task stays assigned to a user or a team")
        )
    for name in ("description", "note", "number", "reference"):
        if name in changes:
            setattr(task, name, changes[name])
    if "contact_moment_id" in changes:
        task.contact_moment = _contact(changes["contact_moment_id"])
    if "due_at" in changes:
        if task.kind in STATUTORY:
            raise ValidationFailed.field(
                "due_at", _l("is computed from the statutory term; use extend")
            )
        task.due_at = changes["due_at"]
    if changes.get("extend"):
        deadlines.check_extension(task.kind, task.extended_at is not None)
        task.extended_at = utcnow()
        task.due_at = deadlines.statutory_due(
            task.kind, task.received_at, task.advisory_committee, True
        )
    db.session().flush()
    record(TaskChanged(task_id=str(task.uuid), status=task.status, fields=sorted(changes)))
    if task.party is not None:
        log_processing([task.party.uuid], Action.UPDATE)
    return task


def delete_task(task_uuid: uuid.UUID) -> None:
    """Delete a task (the Klantinteracties standard lets its clients remove an interne taak)."""
    task = db.session().scalar(_task_query().where(Task.uuid == task_uuid))
    if task is None:
        raise NotFound(_l("no task with id %(task_uuid)s", task_uuid=task_uuid))
    party = task.party
    db.session().delete(task)
    db.session().flush()
    record(
        TaskDeleted(
            task_id=str(task_uuid), kind=task.kind, party_id=str(party.uuid) if party else None
        )
    )
    if party is not None:
        log_processing([party.uuid], Action.DELETE)


def _set_status(task: Task, status: str) -> None:
    task.status = status
    task.completed_at = utcnow() if status in CLOSED else None


@dataclass
class TaskQuery:
    status: str | None = None
    open_only: bool = False
    kind: str | None = None
    party_id: uuid.UUID | None = None
    assigned_user_id: uuid.UUID | None = None
    assigned_team: str | None = None
    overdue: bool = False
    due_within_days: int | None = None


def list_tasks(query: TaskQuery, limit: int, cursor: str | None) -> tuple[list[Task], str | None]:
    """Tasks by due date (soonest first, undated last), keyset-paginated.

    ``overdue`` lists open tasks past due; ``due_within_days`` open tasks due before then.
    """
    stmt = _task_query()
    if query.status:
        stmt = stmt.where(Task.status == query.status)
    if query.open_only or query.overdue or query.due_within_days is not None:
        stmt = stmt.where(Task.status.in_(OPEN_TASK_STATUSES))
    if query.kind:
        stmt = stmt.where(Task.kind == query.kind)
    if query.party_id:
        stmt = stmt.where(Task.party_id == _party(query.party_id).id)
    if query.assigned_user_id:
        stmt = stmt.where(Task.assigned_user_id == _user(query.assigned_user_id).id)
    if query.assigned_team:
        stmt = stmt.where(Task.assigned_team == query.assigned_team)
    now = utcnow()
    if query.overdue:
        stmt = stmt.where(Task.due_at < now)
    if query.due_within_days is not None:
        stmt = stmt.where(Task.due_at < now + timedelta(days=query.due_within_days))
    # Undated tasks sort last, behind a far-future stand-in date.
    due_key = func.coalesce(Task.due_at, literal(NO_DUE_DATE, UTCDateTime))
    after = decode_cursor(cursor, {"due": datetime, "id": int})
    if after is not None:
        due = after["due"]
        stmt = stmt.where((due_key > due) | ((due_key == due) & (Task.id > after["id"])))
    stmt = stmt.order_by(due_key, Task.id).limit(limit + 1)
    rows = list(db.session().scalars(stmt).unique())
    next_cursor = None
    if len(rows) > limit:
        last = rows[limit - 1]
        next_cursor = encode_cursor(
            {"due": (last.due_at or NO_DUE_DATE).isoformat(), "id": last.id}
        )
    rows = rows[:limit]
    log_processing([t.party.uuid for t in rows if t.party is not None], Action.READ)
    return rows, next_cursor
