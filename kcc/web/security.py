"""Security headers on every page, CSRF on every form, and the chat's embedding origins."""

from __future__ import annotations

import os

from flask import Flask, Response, abort, request
from flask_babel import lazy_gettext as _l

from kcc.auth.sessions import CSRF_FIELD, SAFE_METHODS, csrf_token, csrf_valid

EMBED_ORIGINS_ENV = "KCC_CHAT_EMBED_ORIGINS"
CHAT_PATH = "/chat"
STALE_FORM = _l(
    "The form's security token is missing or has expired. Reload the page and try again."
)
HSTS = "max-age=31536000; includeSubDomains"
NOT_PAGES = ("/api/", "/channels/", "/klantinteracties/")
BASE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'"
)


def embed_origins(value: str | None) -> tuple[str, ...]:
    """The origins allowed to frame /chat, from a comma- or space-separated list."""
    found = [o.strip().rstrip("/") for o in (value or "").replace(",", " ").split()]
    return tuple(
        o for o in found if o.startswith(("https://", "http://")) and "'" not in o and ";" not in o
    )


def is_page(path: str) -> bool:
    return not path.startswith(NOT_PAGES)


def init_security(app: Flask) -> None:
    app.config.setdefault(
        "KCC_CHAT_EMBED_ORIGINS", embed_origins(os.environ.get(EMBED_ORIGINS_ENV))
    )
    app.config.setdefault("PERMANENT_SESSION_LIFETIME", 10 * 60 * 60)
    # Production runs behind HTTPS only (its session cookie is Secure): browsers keep to it.
    app.config.setdefault("KCC_HSTS", bool(app.config.get("SESSION_COOKIE_SECURE")))
    app.jinja_env.globals.update(csrf_token=csrf_token, csrf_field=CSRF_FIELD)

    @app.before_request
    def _csrf_on_forms() -> None:
        if request.method in SAFE_METHODS or not is_page(request.path):
            return
        if not csrf_valid():
            abort(400, str(STALE_FORM))

    @app.after_request
    def _page_headers(response: Response) -> Response:
        if not is_page(request.path):
            return response
        headers = response.headers
        if request.path == CHAT_PATH:
            ancestors = " ".join(("'self'", *app.config["KCC_CHAT_EMBED_ORIGINS"]))
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
