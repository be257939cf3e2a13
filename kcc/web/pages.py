"""Page helpers: who may open a page, HTML error pages, navigation and URLs for scripts."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Blueprint, Flask, Response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

from kcc.auth.access import authorize
from kcc.auth.models import User
from kcc.constants import Role
from kcc.db import db
from kcc.errors import Forbidden, KccError, Unauthorized
from kcc.web.registry import register_navigation, shell

F = TypeVar("F", bound=Callable[..., Any])

STAFF_PAGES = (Role.AGENT, Role.SUPERVISOR, Role.ADMIN)
SUPERVISOR_PAGES = (Role.SUPERVISOR, Role.ADMIN)
ALL_PAGES = (Role.AGENT, Role.SUPERVISOR, Role.PROCESS_OWNER, Role.ADMIN)
# The shell's start page per role; a package may offer one for a role not listed here.
HOME_BY_ROLE = {
    Role.AGENT: "web_agent.home",
    Role.SUPERVISOR: "web_dashboard.dashboard",
    Role.ADMIN: "web_agent.home",
}
FALLBACK_HOME = "web_auth.password"
# Numbers standing in for placeholders while a URL template is built (see url_template).
PLACEHOLDER_SAMPLE = 918_273_645


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
        return error_page(error.status, str(error.detail))

    @bp.errorhandler(HTTPException)
    def _http(error: HTTPException) -> tuple[str, int] | Response:
        db.rollback()
        return error_page(error.code or 500, error.description or "")

    return bp


def home_endpoint(user: User) -> str:
    """The shell's start page for the user's role, else a package's, else the first menu entry.

    A role with no page at all on this installation starts on its own password page.
    """
    role = Role(user.role)
    if role in HOME_BY_ROLE:
        return HOME_BY_ROLE[role]
    registry = shell()
    if role in registry.homes:
        return registry.homes[role]
    entries = [e.endpoint for e in registry.navigation if role in e.roles]
    return entries[0] if entries else FALLBACK_HOME


def register_core_navigation(app: Flask) -> None:
    """The shell's own menu entries; packages add theirs between them by order."""
    register_navigation(app, _l("Search and queue"), "web_agent.home", STAFF_PAGES, 10)
    register_navigation(app, _l("Tasks"), "web_tasks.task_list", STAFF_PAGES, 16)
    register_navigation(app, _l("Dashboard"), "web_dashboard.dashboard", SUPERVISOR_PAGES, 30)
    register_navigation(
        app, _l("Processing log"), "web_dashboard.processing_log", SUPERVISOR_PAGES, 40
    )
    register_navigation(app, _l("Organisation"), "web_directory.directory", STAFF_PAGES, 50)


def navigation(user: User) -> list[tuple[str, str]]:
    """The menu for the user's role: (label, URL) in order."""
    role = str(user.role)
    return [(str(e.label), url_for(e.endpoint)) for e in shell().navigation if role in e.roles]


def url_template(endpoint: str, *placeholders: str, **values: Any) -> str:
    """The URL of ``endpoint`` with ``{name}`` for each placeholder, for a page's script to fill.

    ``url_template("chat.ChatMessages", "session_id")`` gives
    ``/api/v1/chat/sessions/{session_id}/messages``: the page names the route, the script only
    puts the value in, so a route that is not there fails when the page is rendered.
    """
    samples: dict[str, Any] = {
        name: PLACEHOLDER_SAMPLE + index for index, name in enumerate(placeholders)
    }
    url = url_for(endpoint, **values, **samples)
    for name, sample in samples.items():
        url = url.replace(str(sample), "{" + name + "}", 1)
    return url
