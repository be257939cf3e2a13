"""The app factory: the one composition root that wires the core and the outer packages."""

from __future__ import annotations

import importlib
import logging
import os
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from flask import Flask, Response, request
from werkzeug.middleware.proxy_fix import ProxyFix

from kcc import consent, jobs, live, web
from kcc.auth import token_cache
from kcc.auth.sessions import ABSOLUTE_SECONDS, CookieSessions
from kcc.auth.throttle import init_throttle
from kcc.config import Settings, load_settings
from kcc.crypto import DataCipher
from kcc.db import db
from kcc.errors import KccError
from kcc.http.input_guard import check_request
from kcc.http.openapi import ErrorResponsesPlugin
from kcc.http.problems import KccApi, register_error_handlers
from kcc.privacy import redaction
from kcc.privacy.context import set_current

API_VERSION = "1.0.0"
PLUGINS = ("channels", "journeys", "klantinteracties")
MAX_BODY_BYTES = 1024 * 1024
MAX_URL_BYTES = 8192
RETENTION_SECONDS = 24 * 60 * 60
JSON_TYPES = ("application/json", "application/merge-patch+json")


class UnsupportedMediaType(KccError):
    status = 415
    title = "Unsupported Media Type"
    type_slug = "unsupported-media-type"


class UriTooLong(KccError):
    status = 414
    title = "URI Too Long"
    type_slug = "uri-too-long"


class KccFlask(Flask):
    """Commits the request's one transaction when the view returned normally."""

    def dispatch_request(self) -> Any:
        rv = super().dispatch_request()
        db.commit()
        return rv

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        """Every view, hook and error handler of this app is a plain function (a test checks
        each one), so Flask's test for a coroutine, which unwraps every decorator, need not
        run a dozen times per request."""
        return func


def create_app(settings: Settings | None = None, plugins: tuple[str, ...] | None = None) -> Flask:
    """Build the app from ``settings`` (default: the environment) and load the plugins."""
    app = KccFlask("kcc", instance_relative_config=True)
    app.session_interface = CookieSessions()
    os.makedirs(app.instance_path, exist_ok=True)
    settings = settings or load_settings(instance_path=app.instance_path)
    _configure(app, settings)
    db.configure(settings.database_url)
    app.extensions["kcc.cipher"] = DataCipher(settings.data_key)
    jobs.init_app(app)
    init_throttle(app)
    token_cache.init_app(app)
    jobs.register_periodic(
        "outbox-sweep", "kcc.events.outbox.sweep_now", settings.sweep_interval_seconds
    )
    jobs.register_periodic("staff-mail-sweep", "kcc.tasks.mail.sweep_staff_mail", 60)
    api = KccApi(app, spec_kwargs={"extra_plugins": [ErrorResponsesPlugin(app)]})
    app.extensions["kcc.api"] = api
    register_error_handlers(app)
    _register_core(api)
    consent.init_app(app)
    live.init_app(app)
    _register_sections()
    _register_topics(app)
    _register_hooks(app)
    for name in PLUGINS if plugins is None else plugins:
        module = importlib.import_module(name)
        module.init_app(app)
    web.init_app(app)
    return app


def _configure(app: Flask, settings: Settings) -> None:
    app.config.update(
        KCC_SETTINGS=settings,
        KCC_SESSION_IDLE_SECONDS=settings.session_idle_seconds,
        SECRET_KEY=settings.secret_key,
        MAX_CONTENT_LENGTH=MAX_BODY_BYTES,
        API_TITLE="KCC — municipal contact centre API",
        API_VERSION=API_VERSION,
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api/v1",
        OPENAPI_JSON_PATH="openapi.json",
        API_SPEC_OPTIONS={
            "info": {
                "description": "Parties, contact moments, tasks and the customer view of the KCC."
            },
            "components": {
                "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            },
            "security": [{"bearer": []}],
        },
        JSON_SORT_KEYS=False,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.is_production,
        # The browser forgets the cookie when the server ends the session at the latest.
        PERMANENT_SESSION_LIFETIME=timedelta(seconds=ABSOLUTE_SECONDS),
    )
    # Behind N reverse proxies the client's address is the N-th from the right in
    # X-Forwarded-For; sign-in throttling and the chat's limits count per client address.
    proxies = int(os.environ.get("KCC_TRUSTED_PROXIES", "0") or 0)
    if proxies > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies)  # type: ignore[method-assign]
    logging.basicConfig(level=logging.INFO if settings.is_production else logging.WARNING)
    redaction.install()


def _register_core(api: KccApi) -> None:
    from kcc.auth.api import blp as users
    from kcc.contacts.api import blp as contacts
    from kcc.directory.api import blp as directory
    from kcc.health.api import blp as health
    from kcc.identity.api import blp as identity
    from kcc.parties.api import blp as parties
    from kcc.rights.export_api import blp as subject_access
    from kcc.rights.log_api import blp as processing_log
    from kcc.tasks.api import blp as tasks
    from kcc.view.api import blp as view

    for blueprint in (
        health,
        users,
        parties,
        view,
        contacts,
        tasks,
        processing_log,
        identity,
        subject_access,
        directory,
    ):
        api.register_blueprint(blueprint)


def _register_sections() -> None:
    """Core sections of the customer view, the core's privacy sections, and the retention run."""
    from kcc.auth import throttle
    from kcc.consent.models import ConsentRecord
    from kcc.consent.sections import consents_section
    from kcc.rights.core_sections import register_core_sections
    from kcc.rights.retention import Category, register_retention_category
    from kcc.view.services import register_section

    register_section("consents", consents_section, tables=[ConsentRecord])
    register_core_sections()
    register_retention_category(
        Category("sign_in_throttles", 90, throttle.expired_records, throttle.remove_records)
    )
    jobs.register_periodic("retention", "kcc.rights.retention.retention_job", RETENTION_SECONDS)


def _register_topics(app: Flask) -> None:
    """The topic catalogue, the topics confirmed on contact moments and the knowledge base."""
    from kcc import knowledge, topics
    from kcc.contacts.topics_api import moments_blp
    from kcc.rights.topic_sections import register_topic_privacy

    topics.init_app(app)
    knowledge.init_app(app)
    app.extensions["kcc.api"].register_blueprint(moments_blp)
    register_topic_privacy()


def _extra_body_type(app: Flask, path: str, mimetype: str) -> bool:
    """Whether a package registered ``mimetype`` for bodies under ``path`` (KCC_EXTRA_BODY_TYPES)."""
    return any(
        path.startswith(prefix) and mimetype in types
        for prefix, types in app.config.get("KCC_EXTRA_BODY_TYPES", ())
    )


def _takes_json_body(app: Flask) -> bool:
    """Whether the matched view declares a JSON body (flask-smorest ``@blp.arguments``).

    Such a view must not run on a request without one: its schema would read the missing
    body as ``{}`` and an all-optional schema would store an empty record.
    """
    view = app.view_functions.get(request.endpoint or "")
    view_class = getattr(view, "view_class", None)
    handler = getattr(view_class, request.method.lower(), view)
    arguments = getattr(handler, "_apidoc", {}).get("arguments", {}).get("parameters", [])
    return any(parameter.get("in") == "json" for parameter in arguments)


def _register_hooks(app: Flask) -> None:
    app.before_request(check_request)

    @app.before_request
    def _limit_url() -> None:
        if len(request.full_path.encode()) > MAX_URL_BYTES:
            raise UriTooLong(
                f"the URL is longer than {MAX_URL_BYTES} bytes; send fewer or shorter parameters"
            )

    @app.before_request
    def _require_json() -> None:
        has_body = bool(request.content_length or request.headers.get("Transfer-Encoding"))
        if (
            request.method in ("POST", "PUT", "PATCH")
            and request.path.startswith("/api/")
            and (has_body or _takes_json_body(app))
            and request.mimetype not in JSON_TYPES
            and not _extra_body_type(app, request.path, request.mimetype)
        ):
            raise UnsupportedMediaType(
                f"send the body as application/json, not {request.mimetype}"
                if request.mimetype
                else "send a JSON body with Content-Type: application/json"
            )

    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers.setdefault("API-Version", API_VERSION)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        if request.path.startswith("/api/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.teardown_request
    def _teardown(_exc: BaseException | None) -> None:
        db.remove()
        set_current(None)
