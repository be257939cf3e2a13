"""Working a task to its end: complete it, hand it to a colleague or team, comment on it, and
record what came of a callback."""

from __future__ import annotations

import uuid
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from kcc.auth.models import User
from kcc.constants import Action, TaskKind, TaskStatus
from kcc.db import db, utcnow
from kcc.directory.services import require_active_colleague, require_active_team
from kcc.errors import Conflict, NotFound, ValidationFailed
from kcc.events.outbox import record
from kcc.privacy.bsn import mask_text
from kcc.privacy.services import log_processing
from kcc.tasks import announce
from kcc.tasks.events import TaskChanged, TaskCommented, TaskCompleted, TaskReassigned
from kcc.tasks.models import Task, TaskComment

CLOSED = (TaskStatus.DONE, TaskStatus.CANCELLED)


class CallbackResult(StrEnum):
    """What came of one attempt to call a resident back."""

    REACHED = "reached"
    NOT_REACHED = "not_reached"
    LEFT_MESSAGE = "left_message"


def _locked_open_task(task_uuid: uuid.UUID) -> Task:
    task = db.session().scalar(
        select(Task)
        .options(joinedload(Task.party), joinedload(Task.assigned_user))
        .where(Task.uuid == task_uuid)
        .with_for_update(of=Task)
    )
    if task is None:
        raise NotFound(_l("no task with id %(task_uuid)s", task_uuid=task_uuid))
    if task.status in CLOSED:
        raise Conflict(_l("the task is %(status)s already", status=task.status))
    return task


def _user(user_id: int | None) -> User | None:
    return db.session().get(User, user_id) if user_id is not None else None


def _log(task: Task) -> None:
    if task.party is not None:
        log_processing([task.party.uuid], Action.UPDATE)


def _comment(task: Task, author_id: int | None, text: str, result: str | None) -> TaskComment:
    comment = TaskComment(
        task_id=task.id, author_id=author_id, text=mask_text(text)[0], callback_result=result
    )
    db.session().add(comment)
    db.session().flush()
    record(
        TaskCommented(task_id=str(task.uuid), comment_id=str(comment.uuid), callback_result=result)
    )
    return comment


def _close(task: Task, by_user_id: int | None) -> None:
    task.status = TaskStatus.DONE
    task.completed_at = utcnow()
    db.session().flush()
    by = _user(by_user_id)
    record(
        TaskCompleted(
            task_id=str(task.uuid),
            kind=task.kind,
            party_id=str(task.party.uuid) if task.party else None,
            by_user_id=str(by.uuid) if by else None,
        )
    )
    record(TaskChanged(task_id=str(task.uuid), status=task.status, fields=["status"]))


def complete_task(task_uuid: uuid.UUID, by_user_id: int | None, note: str = "") -> Task:
    """Mark an open task done, with an optional closing comment."""
    task = _locked_open_task(task_uuid)
    if note.strip():
        _comment(task, by_user_id, note, None)
    _close(task, by_user_id)
    _log(task)
    announce.task_changed(task, "task.completed")
    return task


def reassign_task(
    task_uuid: uuid.UUID,
    by_user_id: int | None,
    *,
    user_id: uuid.UUID | None = None,
    team: str | None = None,
    note: str = "",
) -> Task:
    """Hand an open task to an active colleague or to an active team's queue.

    A colleague takes it personally (the task keeps its team); a team gets it unassigned.
    """
    if (user_id is None) == (team is None):
        raise ValidationFailed.field("user_id", _l("name either a colleague (user_id) or a team"))
    task = _locked_open_task(task_uuid)
    before_user, before_team = task.assigned_user, task.assigned_team
    if user_id is not None:
        colleague = require_active_colleague(user_id, field="user_id")
        if before_user is not None and colleague.id == before_user.id:
            raise Conflict(
                _l(
                    "the task is assigned to %(display_name)s already",
                    display_name=colleague.display_name,
                )
            )
        task.assigned_user = colleague
        task.assigned_team = task.assigned_team or colleague.team
    else:
        assert team is not None
        require_active_team(team, field="team")
        if before_user is None and before_team == team:
            raise Conflict(_l("the task is in the queue of team %(team)s already", team=team))
        task.assigned_user = None
        task.assigned_team = team
    if note.strip():
        _comment(task, by_user_id, note, None)
    db.session().flush()
    record(
        TaskReassigned(
            task_id=str(task.uuid),
            from_user_id=str(before_user.uuid) if before_user else None,
            from_team=before_team,
            to_user_id=str(task.assigned_user.uuid) if task.assigned_user else None,
            to_team=task.assigned_team,
        )
    )
    record(
        TaskChanged(
            task_id=str(task.uuid),
            status=task.status,
            fields=["assigned_team", "assigned_user_id"],
        )
    )
    _log(task)
    announce.task_moved(task, before_user, before_team)
    return task


def comment_on_task(task_uuid: uuid.UUID, author_id: int | None, text: str) -> TaskComment:
    """Add a colleague's comment to a task (open or closed)."""
    if not text.strip():
        raise ValidationFailed.field("text", _l("a comment needs some text"))
    task = db.session().scalar(
        select(Task).options(joinedload(Task.party)).where(Task.uuid == task_uuid)
    )
    if task is None:
        raise NotFound(_l("no task with id %(task_uuid)s", task_uuid=task_uuid))
    comment = _comment(task, author_id, text, None)
    _log(task)
    announce.task_changed(task, "task.commented")
    return comment


def record_callback(
    task_uuid: uuid.UUID, by_user_id: int | None, result: str, note: str = ""
) -> TaskComment:
    """Record one attempt to call the resident back.

    Reaching the resident completes the callback; not reaching them or leaving a message
    keeps it open (in progress) for the next attempt.
    """
    task = _locked_open_task(task_uuid)
    if task.kind != TaskKind.CALLBACK:
        raise ValidationFailed.field(
            "result", _l("only a callback records call outcomes, not a %(kind)s", kind=task.kind)
        )
    comment = _comment(task, by_user_id, note, CallbackResult(result).value)
    if result == CallbackResult.REACHED:
        _close(task, by_user_id)
    elif task.status != TaskStatus.IN_PROGRESS:
        task.status = TaskStatus.IN_PROGRESS
        db.session().flush()
        record(TaskChanged(task_id=str(task.uuid), status=task.status, fields=["status"]))
    _log(task)
    announce.task_changed(task, "task.callback_recorded")
    return comment


def task_comments(task_uuid: uuid.UUID) -> list[TaskComment]:
    """The task's comments and callback outcomes, oldest first."""
    task = db.session().scalar(
        select(Task).options(joinedload(Task.party)).where(Task.uuid == task_uuid)
    )
    if task is None:
        raise NotFound(_l("no task with id %(task_uuid)s", task_uuid=task_uuid))
    if task.party is not None:
        log_processing([task.party.uuid], Action.READ)
    return list(
        db.session().scalars(
            select(TaskComment)
            .options(joinedload(TaskComment.author))
            .where(TaskComment.task_id == task.id)
            .order_by(TaskComment.created_at, TaskComment.id)
        )
    )
