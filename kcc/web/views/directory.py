"""The directory page: departments, their teams and who works in them. Staff may read it;
administrators keep it (add a department or team, set a default team, close a team, move an
employee, give an employee their own e-mail address)."""

from __future__ import annotations

import uuid

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from kcc.auth.models import User
from kcc.auth.services import find_user, set_email
from kcc.constants import Role
from kcc.directory import services
from kcc.errors import ValidationFailed
from kcc.privacy.activities import Activity
from kcc.web.pages import STAFF_PAGES, html_errors, page

bp = html_errors(Blueprint("web_directory", __name__, template_folder="../templates"))

KEEPERS = (Role.ADMIN,)


def _field(name: str, limit: int = 200) -> str:
    return request.form.get(name, "").strip()[:limit]


@bp.get("/directory")
@page(*STAFF_PAGES, activity=Activity.SYSTEM)
def directory(user: User) -> str:
    """Every department with its teams and their members."""
    employees = services.list_employees()
    return render_template(
        "directory.html",
        user=user,
        departments=services.list_departments(),
        teams=services.list_team_records(),
        members={
            team: [e for e in employees if e.team == team]
            for team in {e.team for e in employees if e.team}
        },
        employees=[e for e in employees if e.role != Role.SYSTEM],
        keeper=user.role in KEEPERS,
        done=request.args.get("done"),
    )


def _back(done: str) -> Response:
    return redirect(url_for("web_directory.directory", done=done), code=303)


@bp.post("/directory/departments")
@page(*KEEPERS, activity=Activity.SYSTEM)
def add_department(user: User) -> Response:
    key, name = _field("key", 100), _field("name")
    if not key or not name:
        raise ValidationFailed.field("key", _l("a department needs a key and a name"))
    services.create_department(key, name, email=_field("email", 254))
    return _back("department")


@bp.post("/directory/teams")
@page(*KEEPERS, activity=Activity.SYSTEM)
def add_team(user: User) -> Response:
    key, name = _field("key", 100), _field("name")
    if not key or not name:
        raise ValidationFailed.field("key", _l("a team needs a key and a name"))
    services.create_team(
        key, name, department_key=_field("department", 100) or None, email=_field("email", 254)
    )
    return _back("team")


@bp.post("/directory/departments/<string:key>/default-team")
@page(*KEEPERS, activity=Activity.SYSTEM)
def default_team(user: User, key: str) -> Response:
    services.update_department(key, {"default_team": _field("team", 100) or None})
    return _back("default")


@bp.post("/directory/teams/<string:key>/active")
@page(*KEEPERS, activity=Activity.SYSTEM)
def team_active(user: User, key: str) -> Response:
    services.update_team(key, {"is_active": request.form.get("active") == "1"})
    return _back("team-state")


@bp.post("/directory/employees")
@page(*KEEPERS, activity=Activity.SYSTEM)
def employee_team(user: User) -> Response:
    try:
        employee = uuid.UUID(request.form.get("user", ""))
    except ValueError:
        raise ValidationFailed.field("user", _l("choose an employee")) from None
    services.set_employee_team(employee, _field("team", 100) or None)
    return _back("employee")


@bp.post("/directory/employees/email")
@page(*KEEPERS, activity=Activity.SYSTEM)
def employee_email(user: User) -> Response:
    """An employee's own address, where callback requests for them are mailed."""
    try:
        employee = find_user(uuid.UUID(request.form.get("user", "")))
    except ValueError:
        raise ValidationFailed.field("user", _l("choose an employee")) from None
    set_email(employee, _field("email", 254))
    return _back("employee-email")
