"""Idempotency-Key on POST: a replay with the same key returns the first response."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Response, make_response, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from kcc.auth.access import current_user
from kcc.db import db
from kcc.errors import Conflict, ValidationFailed
from kcc.http.models import IdempotencyRecord

F = TypeVar("F", bound=Callable[..., Any])
HEADER = "Idempotency-Key"


def idempotent(view: F) -> F:
    """Store the response of a POST carrying ``Idempotency-Key`` in the same transaction.

    The key is claimed before the view runs. A copy racing the first one waits on the claim
    (PostgreSQL's unique index) until the first commits and then replays its response; if
    the first rolled back, the copy does the work itself.
    """

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        key = request.headers.get(HEADER)
        if not key:
            return view(*args, **kwargs)
        if len(key) > 200:
            raise ValidationFailed.field(HEADER, _l("at most 200 characters"))
        user = current_user()
        fingerprint = hashlib.sha256(
            request.method.encode() + request.path.encode() + b"\n" + request.get_data()
        ).hexdigest()
        stored = _stored(user.id, key)
        if stored is not None:
            return _replay(stored, fingerprint)
        claim = IdempotencyRecord(
            user_id=user.id,
            key=key,
            method_path=f"{request.method} {request.path}"[:300],
            request_hash=fingerprint,
            status=0,
            body="",
        )
        try:
            _claim(claim)
        except IntegrityError:
            stored = _stored(user.id, key) if db.dialect != "sqlite" else None
            if stored is None:
                raise Conflict(
                    _l("a request with this Idempotency-Key is being processed; retry shortly")
                ) from None
            return _replay(stored, fingerprint)
        response = make_response(view(*args, **kwargs))
        claim.status = response.status_code
        claim.body = response.get_data(as_text=True)
        db.session().flush()
        return response

    return wrapper  # type: ignore[return-value]


def _claim(claim: IdempotencyRecord) -> None:
    session = db.session()
    if db.dialect == "sqlite":
        # pysqlite opens no transaction for a SAVEPOINT, so releasing one as the request's
        # first write would commit the claim; SQLite serialises writers anyway, and a lost
        # race ends the request with a 409 and a rollback.
        session.add(claim)
        session.flush()
        return
    # Added inside the savepoint, so that a lost race leaves nothing pending behind.
    with session.begin_nested():
        session.add(claim)
        session.flush()


def _stored(user_id: int, key: str) -> IdempotencyRecord | None:
    return db.session().scalar(
        select(IdempotencyRecord).where(
            IdempotencyRecord.user_id == user_id, IdempotencyRecord.key == key
        )
    )


def _replay(stored: IdempotencyRecord, fingerprint: str) -> Response:
    if stored.request_hash != fingerprint:
        raise ValidationFailed.field(HEADER, _l("this key was used for a different request"))
    replay = Response(stored.body, status=stored.status, mimetype="application/json")
    replay.headers["Idempotent-Replayed"] = "true"
    return replay
