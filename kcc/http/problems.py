"""RFC 9457 problem+json responses for every error the app returns."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import marshmallow as ma
from flask import Flask, Response, json, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_smorest import Api
from sqlalchemy.exc import DataError, IntegrityError, OperationalError, StatementError
from werkzeug.exceptions import HTTPException, InternalServerError

from kcc.db import db
from kcc.errors import KccError, Text
from kcc.http.field_messages import translated_reason

log = logging.getLogger(__name__)

PROBLEM_TYPE_BASE = "https://kcc.example.nl/problems/"
PROBLEM_MEDIA_TYPE = "application/problem+json"


class InvalidParamSchema(ma.Schema):
    name = ma.fields.String(metadata={"description": "The offending field or parameter."})
    reason = ma.fields.String(metadata={"description": "What is wrong with it."})


class ProblemSchema(ma.Schema):
    """An RFC 9457 problem document."""

    type = ma.fields.String(metadata={"description": "URI naming the kind of problem."})
    title = ma.fields.String(metadata={"description": "Short summary of the kind of problem."})
    status = ma.fields.Integer(metadata={"description": "The HTTP status code."})
    detail = ma.fields.String(metadata={"description": "What went wrong in this case."})
    instance = ma.fields.String(metadata={"description": "The path that was called."})
    invalid_params = ma.fields.List(ma.fields.Nested(InvalidParamSchema))


def problem(
    status: int,
    title: str,
    detail: str,
    slug: str,
    invalid_params: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + slug,
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.path,
    }
    if invalid_params:
        body["invalid_params"] = invalid_params
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_MEDIA_TYPE)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def flatten_messages(messages: Any, prefix: str = "") -> list[dict[str, str]]:
    """Turn webargs/marshmallow's nested message dicts into ``[{name, reason}]``."""
    found: list[dict[str, str]] = []
    if isinstance(messages, dict):
        for key, value in messages.items():
            if prefix == "" and key in ("json", "query", "form", "path", "headers", "files"):
                found.extend(flatten_messages(value, ""))
                continue
            name = f"{prefix}.{key}" if prefix else str(key)
            if key == "_schema":
                name = prefix or "body"
            found.extend(flatten_messages(value, name))
    elif isinstance(messages, list):
        if all(isinstance(m, str) for m in messages):
            found.extend({"name": prefix or "body", "reason": m} for m in messages)
        else:
            for m in messages:
                found.extend(flatten_messages(m, prefix))
    else:
        found.append({"name": prefix or "body", "reason": str(messages)})
    return found


SLUGS = {
    400: "bad-request",
    401: "unauthorized",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    406: "not-acceptable",
    409: "conflict",
    413: "payload-too-large",
    415: "unsupported-media-type",
    422: "validation",
    429: "too-many-requests",
    500: "internal",
    503: "unavailable",
}

DETAILS = {
    404: _l("no resource lives at this path"),
    405: _l("this method is not allowed on this path"),
    413: _l("the request body is larger than the limit of 1 MiB"),
    415: _l("send the body as application/json"),
}

# Werkzeug's names of the statuses the API answers with, marked for translation.
TITLES = {
    "Bad Request": _l("Bad Request"),
    "Unauthorized": _l("Unauthorized"),
    "Forbidden": _l("Forbidden"),
    "Not Found": _l("Not Found"),
    "Method Not Allowed": _l("Method Not Allowed"),
    "Not Acceptable": _l("Not Acceptable"),
    "Conflict": _l("Conflict"),
    "Request Entity Too Large": _l("Request Entity Too Large"),
    "Unsupported Media Type": _l("Unsupported Media Type"),
    "Unprocessable Entity": _l("Unprocessable Entity"),
    "Too Many Requests": _l("Too Many Requests"),
    "Internal Server Error": _l("Internal Server Error"),
    "Service Unavailable": _l("Service Unavailable"),
}


class KccApi(Api):
    """flask-smorest's Api with problem+json errors in responses and in the OpenAPI document."""

    ERROR_SCHEMA = ProblemSchema

    def _register_responses(self) -> None:
        """Every error response component is problem+json, as the errors really are."""
        content_type: str = getattr(self, "DEFAULT_RESPONSE_CONTENT_TYPE", "application/json")
        self.DEFAULT_RESPONSE_CONTENT_TYPE = PROBLEM_MEDIA_TYPE
        try:
            super()._register_responses()
        finally:
            self.DEFAULT_RESPONSE_CONTENT_TYPE = content_type

    def handle_http_exception(self, error: HTTPException) -> Response:
        return http_problem(error)


@dataclass(frozen=True)
class Problem:
    """How the app answers one error, before it is put in a body of some shape."""

    status: int
    title: str
    detail: str
    slug: str
    invalid_params: list[dict[str, str]] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)


def describe(error: BaseException) -> Problem:
    """The answer to ``error``: rolls the session back and logs what an operator must see.

    Every API shares this path; each renders the result in its own body (``render`` here, the
    Klantinteracties standard's in that package).
    """
    db.rollback()
    if isinstance(error, KccError):
        headers = {"WWW-Authenticate": 'Bearer realm="kcc"'} if error.status == 401 else {}
        return Problem(
            error.status,
            str(error.title),
            str(error.detail),
            error.type_slug,
            _worded(error.invalid_params),
            headers,
        )
    if isinstance(error, IntegrityError):
        log.info(
            "integrity error on %s %s: %s", request.method, request.path, type(error.orig).__name__
        )
        return Problem(
            409,
            _("Conflict"),
            _("the change conflicts with stored data (a duplicate or a missing reference)"),
            "conflict",
        )
    if isinstance(error, OperationalError):
        log.error("database unavailable on %s %s", request.method, request.path, exc_info=error)
        return Problem(
            503,
            _("Service unavailable"),
            _("the database is not reachable; try again shortly"),
            "unavailable",
            headers={"Retry-After": "5"},
        )
    if isinstance(error, DataError | OverflowError) or (
        # A value the column type could not bind (raised before the database saw it).
        isinstance(error, StatementError) and isinstance(error.orig, OverflowError | ValueError)
    ):
        cause = getattr(error, "orig", error)
        log.info("data error on %s %s: %s", request.method, request.path, type(cause).__name__)
        return Problem(
            422,
            _("Validation failed"),
            _("a value in the request is out of range or malformed for its field"),
            "validation",
        )
    if isinstance(error, HTTPException):
        return _http(error)
    return _http(InternalServerError(original_exception=error))


def _http(error: HTTPException) -> Problem:
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    messages = data.get("messages") or data.get("errors")
    invalid = _worded(flatten_messages(messages), translated_reason) if messages else []
    if status == 500:
        original = getattr(error, "original_exception", None)
        if original is not None:
            log.error("unhandled error on %s %s", request.method, request.path, exc_info=original)
        detail = _("an unexpected error occurred; it has been logged")
    elif invalid:
        detail = "; ".join(f"{p['name']}: {p['reason']}" for p in invalid[:5])
    elif status == 400 and "JSON" in (error.description or ""):
        detail = _("the body is not valid JSON")
    else:
        detail = str(DETAILS.get(status) or error.description or _title(error))
    headers = dict(data.get("headers") or {})
    if status == 405 and hasattr(error, "valid_methods") and error.valid_methods:
        headers["Allow"] = ", ".join(sorted(error.valid_methods))
    title = _("Validation failed") if status == 422 and invalid else _title(error)
    return Problem(status, title, detail, SLUGS.get(status, "error"), invalid, headers)


def _title(error: HTTPException) -> str:
    return str(TITLES.get(error.name, error.name))


def _worded(
    params: list[dict[str, Text]], words: Callable[[str], str] = str
) -> list[dict[str, str]]:
    """Invalid parameters with their reasons in the caller's language."""
    return [{**p, "reason": words(str(p["reason"]))} for p in params]


def render(found: Problem) -> Response:
    """The problem as this API's RFC 9457 body."""
    return problem(
        found.status, found.title, found.detail, found.slug, found.invalid_params, found.headers
    )


def http_problem(error: HTTPException) -> Response:
    return render(describe(error))


def register_error_handlers(app: Flask) -> None:
    """One handler for every error: ``describe`` decides the answer, ``render`` its body."""

    @app.errorhandler(Exception)
    def _answer(error: Exception) -> Response:
        return render(describe(error))
