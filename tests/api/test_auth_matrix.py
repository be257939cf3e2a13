"""The role matrix: every /api/v1 operation declares who may call it, and the app enforces it.

The test walks the app's URL map, so operations that plugins add are covered as they land.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from flask import Flask
from werkzeug.routing import IntegerConverter, UUIDConverter

from kcc.auth.access import ACCESS_ATTR
from kcc.constants import Role

DOCUMENTATION_ENDPOINTS = ("api-docs.",)
IGNORED_METHODS = {"HEAD", "OPTIONS"}


@dataclass(frozen=True)
class Operation:
    method: str
    rule: str
    endpoint: str
    access: dict[str, Any] | None

    @property
    def name(self) -> str:
        return f"{self.method} {self.rule}"


def _view_for(app: Flask, endpoint: str, method: str) -> Callable[..., Any]:
    view = app.view_functions[endpoint]
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        return getattr(view_class, method.lower())  # type: ignore[no-any-return]
    return view


def operations(app: Flask) -> Iterator[Operation]:
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1") or rule.endpoint.startswith(DOCUMENTATION_ENDPOINTS):
            continue
        for method in sorted((rule.methods or set()) - IGNORED_METHODS):
            view = _view_for(app, rule.endpoint, method)
            yield Operation(method, rule.rule, rule.endpoint, getattr(view, ACCESS_ATTR, None))


def url_for_rule(app: Flask, endpoint: str, rule: str) -> str:
    [found] = [r for r in app.url_map.iter_rules() if r.endpoint == endpoint and r.rule == rule]
    values: dict[str, Any] = {}
    for name in found.arguments:
        converter = found._converters[name]
        if isinstance(converter, UUIDConverter):
            values[name] = uuid.uuid4()
        elif isinstance(converter, IntegerConverter):
            values[name] = 1
        else:
            values[name] = "x"
    return app.url_map.bind("localhost").build(endpoint, values)


def test_every_operation_declares_its_access(app):
    found = list(operations(app))
    assert len(found) >= 20
    missing = [op.name for op in found if op.access is None]
    assert missing == [], f"operations without @requires or @public: {missing}"
    for op in found:
        roles = op.access["roles"]  # type: ignore[index]
        if roles is not None:
            assert roles, f"{op.name} allows no role at all"
            assert set(roles) <= set(Role), op.name
            assert op.access["activity"], f"{op.name} names no processing activity"  # type: ignore[index]


def test_core_operations_are_in_the_matrix(app):
    names = {op.name for op in operations(app)}
    for expected in (
        "GET /api/v1/parties",
        "POST /api/v1/parties",
        "GET /api/v1/parties/<uuid:party_id>/view",
        "POST /api/v1/contact-moments",
        "PATCH /api/v1/tasks/<uuid:task_id>",
        "GET /api/v1/processing-log",
        "DELETE /api/v1/tokens/current",
    ):
        assert expected in names


def test_who_may_do_what_in_the_core(app):
    access = {op.name: op.access for op in operations(app)}
    assert access["GET /api/v1/processing-log"]["roles"] == {Role.SUPERVISOR, Role.ADMIN}
    assert Role.AGENT not in access["POST /api/v1/users"]["roles"]
    assert Role.SYSTEM not in access["GET /api/v1/parties/<uuid:party_id>/view"]["roles"]
    assert access["GET /api/v1/health"]["roles"] is None


def test_role_matrix(app, client, make_caller):
    callers = {role: make_caller(role.value) for role in Role}
    checked = 0
    failures: list[str] = []
    for op in operations(app):
        allowed = op.access["roles"] if op.access else None
        if allowed is None:
            continue
        url = url_for_rule(app, op.endpoint, op.rule)
        for role in Role:
            caller = callers[role]
            if op.method == "DELETE" and op.rule.endswith("/tokens/current"):
                caller = make_caller(
                    role.value
                )  # revoking must not lock out the rest of the matrix
            kwargs: dict[str, Any] = {"json": {}} if op.method in ("POST", "PUT", "PATCH") else {}
            response = caller.client.open(
                url, method=op.method, headers={"Authorization": f"Bearer {caller.token}"}, **kwargs
            )
            checked += 1
            status = response.status_code
            if status >= 500:
                failures.append(f"{role} {op.method} {url}: {status}")
            elif role in allowed and status in (401, 403):
                failures.append(
                    f"{role} {op.method} {url}: allowed but got {status} {response.json}"
                )
            elif role not in allowed and status != 403:
                failures.append(f"{role} {op.method} {url}: not allowed but got {status}")
            if status in (401, 403):
                assert response.mimetype == "application/problem+json"
    assert checked >= 100
    assert failures == []


def test_no_token_is_401_everywhere(app, client):
    for op in operations(app):
        if op.access is None or op.access["roles"] is None:
            continue
        url = url_for_rule(app, op.endpoint, op.rule)
        kwargs: dict[str, Any] = {"json": {}} if op.method in ("POST", "PUT", "PATCH") else {}
        response = client.open(url, method=op.method, **kwargs)
        assert response.status_code == 401, f"{op.name}: {response.status_code}"
        assert "WWW-Authenticate" in response.headers
