"""The agent's home: one search box and my tasks, beside the panels packages add (the queue)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from kcc.auth.models import User
from kcc.constants import OPEN_TASK_STATUSES
from kcc.db import db, utcnow
from kcc.errors import KccError
from kcc.parties.schemas import PartySchema
from kcc.parties.services import search_parties
from kcc.privacy.activities import Activity
from kcc.tasks.models import Task
from kcc.web.i18n import page_language
from kcc.web.pages import STAFF_PAGES, html_errors, page
from kcc.web.panels import render_panels
from kcc.web.registry import PanelPage
from kcc.web.search import detect

bp = html_errors(Blueprint("web_agent", __name__, template_folder="../templates"))

RESULTS = 25
TASKS = 50


def my_tasks(user: User) -> list[Task]:
    """Open tasks assigned to the user or their team, overdue first, then by due date."""
    owner = Task.assigned_user_id == user.id
    if user.team:
        owner = owner | ((Task.assigned_user_id.is_(None)) & (Task.assigned_team == user.team))
    return list(
        db.session().scalars(
            select(Task)
            .where(owner, Task.status.in_(OPEN_TASK_STATUSES))
            .options(joinedload(Task.party))
            .order_by(Task.due_at.is_(None), Task.due_at, Task.id)
            .limit(TASKS)
        )
    )


@bp.get("/agent")
@page(*STAFF_PAGES, activity=Activity.CUSTOMER_CONTACT)
def home(user: User) -> str:
    text = request.args.get("q", "")
    detected = detect(text)
    results: list[dict[str, Any]] = []
    error = None
    if detected is not None:
        try:
            parties, _ = search_parties(detected.query, RESULTS, None)
            results = PartySchema(many=True).dump(parties)
        except KccError as exc:
            error = str(exc.detail)
    return render_template(
        "home.html",
        user=user,
        q=text,
        detected=detected,
        results=results,
        error=error,
        tasks=my_tasks(user),
        now=utcnow(),
        panels=render_panels("home", PanelPage(user, page_language())),
    )
