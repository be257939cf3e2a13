"""Security headers on every page, CSRF on every form, and who may embed which page."""

from __future__ import annotations

from flask import Flask, Response, abort, request
from flask_babel import lazy_gettext as _l

from kcc.auth.sessions import CSRF_FIELD, SAFE_METHODS, csrf_token, csrf_valid
from kcc.web.registry import shell

STALE_FORM = _l(
    "The form's security token is missing or has expired. Reload the page and try again."
)
HSTS = "max-age=31536000; includeSubDomains"
API_PREFIX = "/api/"
BASE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'"
)


def embed_origins(value: str | None) -> tuple[str, ...]:
    """The origins allowed to frame a page, from a comma- or space-separated list."""
    found = [o.strip().rstrip("/") for o in (value or "").replace(",", " ").split()]
    return tuple(
        o for o in found if o.startswith(("https://", "http://")) and "'" not in o and ";" not in o
    )


def is_page_request() -> bool:
    """A page or a page's file (a registered page blueprint), or a path no route serves.

    The API and the webhooks are blueprints too, but not page blueprints: they answer JSON to
    callers that do not render it, and check their callers their own way.
    """
    if request.blueprint is not None:
        return request.blueprint in shell().page_blueprints
    return request.endpoint is None and not request.path.startswith(API_PREFIX)


def _frame_ancestors(app: Flask) -> str | None:
    """The sites that may embed this page, when its package allowed that."""
    setting = shell().framable.get(request.endpoint or "")
    if setting is None:
        return None
    return " ".join(("'self'", *app.config.get(setting, ())))


def init_security(app: Flask) -> None:
    app.config.setdefault("PERMANENT_SESSION_LIFETIME", 10 * 60 * 60)
    # Production runs behind HTTPS only (its session cookie is Secure): browsers keep to it.
    app.config.setdefault("KCC_HSTS", bool(app.config.get("SESSION_COOKIE_SECURE")))
    app.jinja_env.globals.update(csrf_token=csrf_token, csrf_field=CSRF_FIELD)

    @app.before_request
    def _csrf_on_forms() -> None:
        if request.method in SAFE_METHODS or request.blueprint not in shell().page_blueprints:
            return
        if not csrf_valid():
            abort(400, str(STALE_FORM))

    @app.after_request
    def _page_headers(response: Response) -> Response:
        if not is_page_request():
            return response
        headers = response.headers
        ancestors = _frame_ancestors(app)
        if ancestors is not None:
            headers["Content-Security-Policy"] = f"{BASE_POLICY}; frame-ancestors {ancestors}"
        else:
            headers["Content-Security-Policy"] = f"{BASE_POLICY}; frame-ancestors 'none'"
            headers["X-Frame-Options"] = "DENY"
        headers["Referrer-Policy"] = "same-origin"
        headers["X-Content-Type-Options"] = "nosniff"
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()"
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        if app.config["KCC_HSTS"]:
            headers["Strict-Transport-Security"] = HSTS
        if response.mimetype == "text/html":
            headers["Cache-Control"] = "no-store"
        return response
