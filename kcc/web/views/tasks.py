"""The task pages: my tasks and my team's, and one task with its controls (complete, record a
callback, hand it on, comment)."""

from __future__ import annotations

import uuid

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response

from kcc.auth.models import User
from kcc.constants import OPEN_TASK_STATUSES
from kcc.db import db, utcnow
from kcc.directory.services import list_employees, list_teams
from kcc.errors import ValidationFailed
from kcc.privacy.activities import Activity
from kcc.tasks import handling, services
from kcc.tasks.models import Task
from kcc.web.pages import STAFF_PAGES, html_errors, page

bp = html_errors(Blueprint("web_tasks", __name__, template_folder="../templates"))

LISTED = 100


def _tasks(user: User, scope: str) -> list[Task]:
    stmt = select(Task).where(Task.status.in_(OPEN_TASK_STATUSES))
    if scope == "team":
        stmt = stmt.where(Task.assigned_team == (user.team or ""))
    else:
        stmt = stmt.where(Task.assigned_user_id == user.id)
    return list(
        db.session().scalars(
            stmt.options(joinedload(Task.party), joinedload(Task.assigned_user))
            .order_by(Task.due_at.is_(None), Task.due_at, Task.id)
            .limit(LISTED)
        )
    )


@bp.get("/tasks")
@page(*STAFF_PAGES, activity=Activity.TASK_HANDLING)
def task_list(user: User) -> str:
    """Open tasks: mine (assigned to me) or my team's (its whole queue)."""
    scope = "team" if request.args.get("scope") == "team" else "mine"
    tasks = _tasks(user, scope)
    from kcc.constants import Action
    from kcc.privacy.services import log_processing

    log_processing([t.party.uuid for t in tasks if t.party is not None], Action.READ)
    return render_template("tasks.html", user=user, scope=scope, tasks=tasks, now=utcnow())


@bp.get("/tasks/<uuid:task_id>")
@page(*STAFF_PAGES, activity=Activity.TASK_HANDLING)
def task_page(user: User, task_id: uuid.UUID) -> str:
    """One task with its comments and the controls to finish it."""
    task = services.get_task(task_id)
    return render_template(
        "task.html",
        user=user,
        task=task,
        comments=handling.task_comments(task_id),
        teams=list_teams(),
        colleagues=[u for u in list_employees(active_only=True) if u.role != "system"],
        now=utcnow(),
    )


def _back(task_id: uuid.UUID, done: str) -> Response:
    return redirect(url_for("web_tasks.task_page", task_id=task_id, done=done), code=303)


@bp.post("/tasks/<uuid:task_id>/complete")
@page(*STAFF_PAGES, activity=Activity.TASK_HANDLING)
def complete(user: User, task_id: uuid.UUID) -> Response:
    handling.complete_task(task_id, user.id, request.form.get("note", "")[:4000])
    return _back(task_id, "completed")


@bp.post("/tasks/<uuid:task_id>/callback")
@page(*STAFF_PAGES, activity=Activity.TASK_HANDLING)
def callback(user: User, task_id: uuid.UUID) -> Response:
    result = request.form.get("result", "")
    if result not in {r.value for r in handling.CallbackResult}:
        raise ValidationFailed.field("result", _("choose how the call went"))
    handling.record_callback(task_id, user.id, result, request.form.get("note", "")[:4000])
    return _back(task_id, "callback")


@bp.post("/tasks/<uuid:task_id>/reassign")
@page(*STAFF_PAGES, activity=Activity.TASK_HANDLING)
def reassign(user: User, task_id: uuid.UUID) -> Response:
    target = request.form.get("to", "")
    kind, _sep, value = target.partition(":")
    note = request.form.get("note", "")[:4000]
    if kind == "user":
        try:
            colleague = uuid.UUID(value)
        except ValueError:
            raise ValidationFailed.field("to", _("choose a colleague or a team")) from None
        handling.reassign_task(task_id, user.id, user_id=colleague, note=note)
    elif kind == "team" and value:
        handling.reassign_task(task_id, user.id, team=value, note=note)
    else:
        raise ValidationFailed.field("to", _("choose a colleague or a team"))
    return _back(task_id, "reassigned")


@bp.post("/tasks/<uuid:task_id>/comment")
@page(*STAFF_PAGES, activity=Activity.TASK_HANDLING)
def comment(user: User, task_id: uuid.UUID) -> Response:
    handling.comment_on_task(task_id, user.id, request.form.get("text", "")[:4000])
    return _back(task_id, "commented")
