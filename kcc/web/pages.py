"""Page helpers: who may open a page, HTML error pages, and a blueprint factory."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Blueprint, Response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from kcc.auth.access import authorize
from kcc.auth.models import User
from kcc.constants import Role
from kcc.db import db
from kcc.errors import Forbidden, KccError, Unauthorized

F = TypeVar("F", bound=Callable[..., Any])

STAFF_PAGES = (Role.AGENT, Role.SUPERVISOR, Role.ADMIN)
SUPERVISOR_PAGES = (Role.SUPERVISOR, Role.ADMIN)
STUDIO_PAGES = (Role.PROCESS_OWNER, Role.ADMIN, Role.SUPERVISOR)
ALL_PAGES = (Role.AGENT, Role.SUPERVISOR, Role.PROCESS_OWNER, Role.ADMIN)
HOME_BY_ROLE = {
    Role.AGENT: "web_agent.home",
    Role.SUPERVISOR: "web_dashboard.dashboard",
    Role.ADMIN: "web_agent.home",
    Role.PROCESS_OWNER: "web_studio.studio",
}


def page(*roles: Role, activity: str) -> Callable[[F], F]:
    """Only signed-in users with these roles may open the page; others sign in or get 403."""

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                user = authorize(roles, activity)
            except Unauthorized:
                return redirect(url_for("web_auth.sign_in", next=request.full_path.rstrip("?")))
            return view(user, *args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate


def error_page(status: int, detail: str) -> tuple[str, int]:
    titles = {
        400: _("The request could not be handled"),
        403: _("You may not open this page"),
        404: _("This page does not exist"),
        409: _("This conflicts with stored data"),
        413: _("The upload is too large"),
        422: _("The input is not valid"),
    }
    title = titles.get(status, _("Something went wrong"))
    return render_template("error.html", title=title, status=status, detail=detail), status


def html_errors(bp: Blueprint) -> Blueprint:
    """Errors on pages are HTML pages, not problem+json."""

    @bp.errorhandler(KccError)
    def _kcc(error: KccError) -> tuple[str, int]:
        db.rollback()
        if isinstance(error, Forbidden):
            return error_page(403, _("Your role does not give access to this page."))
        return error_page(error.status, error.detail)

    @bp.errorhandler(HTTPException)
    def _http(error: HTTPException) -> tuple[str, int] | Response:
        db.rollback()
        return error_page(error.code or 500, error.description or "")

    return bp


def home_endpoint(user: User) -> str:
    return HOME_BY_ROLE.get(Role(user.role), "web_agent.home")
