"""Sign-in, sign-out and the start page that sends each role to its own home."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from kcc.auth.models import User
from kcc.auth.sessions import NOTICE, change_password, end_session, sign_in, signed_in_user
from kcc.privacy.activities import Activity
from kcc.web.pages import ALL_PAGES, home_endpoint, html_errors, page

bp = html_errors(
    Blueprint(
        "web_auth",
        __name__,
        template_folder="../templates",
        static_folder="../static",
        static_url_path="/static/web",
    )
)

MAX_NAME = 150
MAX_PASSWORD = 1024
MIN_PASSWORD = 12


def _safe_next(target: str | None) -> str | None:
    """Only same-site paths, so the sign-in form cannot send people elsewhere."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.get("/")
def start() -> Response:
    user = signed_in_user()
    if user is None:
        return redirect(url_for("web_auth.sign_in"))
    return redirect(url_for(home_endpoint(user)))


@bp.route("/sign-in", methods=["GET", "POST"], endpoint="sign_in")
def sign_in_page() -> Response | tuple[str, int, dict[str, str]]:
    error = None
    status = 200
    headers: dict[str, str] = {}
    if request.method == "POST":
        name = request.form.get("name", "").strip()[:MAX_NAME]
        password = request.form.get("password", "")[:MAX_PASSWORD]
        outcome = sign_in(name, password, request.remote_addr or "unknown")
        if outcome.user is not None:
            return redirect(
                _safe_next(request.form.get("next")) or url_for(home_endpoint(outcome.user))
            )
        status = 401
        error = _("The name or the password is not correct.")
        if outcome.throttled is not None:
            status = 429
            retry_after = outcome.throttled.retry_after
            headers["Retry-After"] = str(retry_after)
            error = _(
                "Too many wrong attempts from here. Try again in %(minutes)s minutes.",
                minutes=max(1, -(-retry_after // 60)),
            )
    notice = session.pop(NOTICE, None)
    return (
        render_template(
            "sign_in.html",
            error=error,
            notice=notice,
            next=_safe_next(request.values.get("next")) or "",
        ),
        status,
        headers,
    )


@bp.post("/sign-out")
def sign_out() -> Response:
    end_session()
    return redirect(url_for("web_auth.sign_in", signed_out=1))


@bp.route("/account/password", methods=["GET", "POST"], endpoint="password")
@page(*ALL_PAGES, activity=Activity.SYSTEM)
def password_page(user: User) -> Response | tuple[str, int] | str:
    """Change one's own password; every session of the user ends, this browser starts anew."""
    error = None
    if request.method == "POST":
        current = request.form.get("current", "")[:MAX_PASSWORD]
        new = request.form.get("new", "")[:MAX_PASSWORD]
        if len(new) < MIN_PASSWORD:
            error = _(
                "The new password must be at least %(count)s characters long.", count=MIN_PASSWORD
            )
        elif new != request.form.get("repeat", "")[:MAX_PASSWORD]:
            error = _("The two new passwords are not the same.")
        elif new == current:
            error = _("The new password must differ from the current one.")
        elif not change_password(user, current, new):
            error = _("The current password is not correct.")
        else:
            return redirect(url_for("web_auth.password", changed=1))
    return render_template(
        "password.html",
        user=user,
        error=error,
        changed=bool(request.args.get("changed")) and error is None,
        min_length=MIN_PASSWORD,
    ), (422 if error else 200)
