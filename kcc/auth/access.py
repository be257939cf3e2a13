"""Per-endpoint access rules: who may call it and which processing activity it serves."""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection
from typing import Any, TypeVar

from flask import g, request
from flask_babel import lazy_gettext as _l

from kcc.auth import sessions
from kcc.auth.models import Caller
from kcc.auth.services import authenticate_token
from kcc.constants import Role
from kcc.errors import Forbidden, Unauthorized
from kcc.privacy.context import ProcessingContext, new_trace, set_current

F = TypeVar("F", bound=Callable[..., Any])

ACCESS_ATTR = "_kcc_access"


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() not in ("bearer", "token") or not token.strip():
        return None
    return token.strip()


def known_caller() -> Caller | None:
    """The authenticated caller of this request, if there is one."""
    user: Caller | None = g.get("kcc_user")
    return user


def current_user() -> Caller:
    user = known_caller()
    if user is None:
        raise Unauthorized(_l("this endpoint needs a bearer token"))
    return user


def requires(*roles: Role, activity: str) -> Callable[[F], F]:
    """Only these roles may call the view; its processing serves ``activity``."""
    allowed = frozenset(roles)

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            authorize(allowed, activity)
            return view(*args, **kwargs)

        setattr(wrapper, ACCESS_ATTR, {"roles": allowed, "activity": activity})
        return wrapper  # type: ignore[return-value]

    return decorate


def authorize(allowed: Collection[Role], activity: str) -> Caller:
    """The caller by bearer token, else by signed-in session (unsafe methods need CSRF)."""
    token = bearer_token()
    if token is not None:
        user = authenticate_token(token)
        if user is None:
            raise Unauthorized(_l("the token is unknown, revoked, or its user is inactive"))
    else:
        user = _session_user()
    if user.role not in allowed:
        raise Forbidden(
            _l(
                "the role '%(role)s' may not call %(method)s %(path)s",
                role=user.role,
                method=request.method,
                path=request.path,
            )
        )
    g.kcc_user = user
    trace_id, span_id = new_trace(request.headers.get("traceparent"))
    set_current(
        ProcessingContext(
            actor_type=user.role,
            actor_id=str(user.uuid),
            activity=activity,
            operation=f"{request.method} {request.url_rule.rule if request.url_rule else request.path}",
            trace_id=trace_id,
            span_id=span_id,
            user_id=user.id,
        )
    )
    return user


def _session_user() -> Caller:
    signed_in = sessions.signed_in_user()
    if signed_in is None:
        raise Unauthorized(_l("missing bearer token: send 'Authorization: Bearer <token>'"))
    user = Caller.of(signed_in)
    # The header for scripts calling the API, the form field for the pages' own forms.
    if request.method not in sessions.SAFE_METHODS and not sessions.csrf_valid():
        raise Forbidden(
            _l(
                "a request with a session cookie needs the %(header)s header",
                header=sessions.CSRF_HEADER,
            )
        )
    return user


def public(view: F) -> F:
    """Marks a view that needs no bearer token (webhooks check their own signatures)."""
    setattr(view, ACCESS_ATTR, {"roles": None, "activity": None})
    return view


STAFF = (Role.AGENT, Role.SUPERVISOR, Role.ADMIN)
STAFF_AND_SYSTEM = (*STAFF, Role.SYSTEM)
SUPERVISION = (Role.SUPERVISOR, Role.ADMIN)
