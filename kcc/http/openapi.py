"""An apispec plugin that documents the error responses and security of every operation."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from apispec import BasePlugin
from flask import Flask

from kcc.auth.access import ACCESS_ATTR

ERROR_CODES = (400, 401, 403, 404, 409, 413, 415, 503)


def access_of(app: Flask, rule: Any, method: str) -> dict[str, Any] | None:
    """The access marker (`requires`/`public`) of the view behind ``rule`` and ``method``."""
    view = app.view_functions.get(rule.endpoint)
    if view is None:
        return None
    view_class = getattr(view, "view_class", None)
    target = getattr(view_class, method.lower(), None) if view_class is not None else view
    return getattr(target, ACCESS_ATTR, None)


class ErrorResponsesPlugin(BasePlugin):
    """Adds the error responses (401/403/404/409/413/415/...) and per-operation security."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def operation_helper(
        self, path: str | None = None, operations: dict[str, Any] | None = None, **kwargs: Any
    ) -> None:
        rule = kwargs.get("rule")
        if rule is None or not operations:
            return
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            access = access_of(self.app, rule, method)
            codes: list[int] = []
            if access is not None and access.get("roles") is None:
                operation["security"] = []
            else:
                codes += [401, 403]
            if rule.arguments:
                codes.append(404)
            if method.lower() in ("post", "put", "patch"):
                codes += [400, 413, 415]
            if method.lower() in ("post", "patch", "delete", "put"):
                codes.append(409)
            codes.append(503)
            for code in codes:
                # flask-smorest registers a problem+json response component per status name.
                responses.setdefault(str(code), HTTPStatus(code).name)
            _describe(responses)


def _describe(responses: dict[str, Any]) -> None:
    """OpenAPI requires a description on every response object; a hand-written one
    (``@blp.doc(responses=...)``) often has only its content."""
    for code, response in responses.items():
        if isinstance(response, dict) and "$ref" not in response:
            try:
                phrase = HTTPStatus(int(code)).phrase
            except ValueError:
                phrase = "Response"
            response.setdefault("description", phrase)
