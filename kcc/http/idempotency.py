"""Idempotency-Key on POST: a replay with the same key returns the first response."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Response, make_response, request
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from kcc.auth.access import current_user
from kcc.db import db
from kcc.errors import Conflict, ValidationFailed
from kcc.http.models import IdempotencyRecord

F = TypeVar("F", bound=Callable[..., Any])
HEADER = "Idempotency-Key"


def idempotent(view: F) -> F:
    """Store the response of a POST carrying ``Idempotency-Key`` in the same transaction."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        key = request.headers.get(HEADER)
        if not key:
            return view(*args, **kwargs)
        if len(key) > 200:
            raise ValidationFailed.field(HEADER, "at most 200 characters")
        user = current_user()
        fingerprint = hashlib.sha256(
            request.method.encode() + request.path.encode() + b"\n" + request.get_data()
        ).hexdigest()
        session = db.session()
        stored = session.scalar(
            select(IdempotencyRecord).where(
                IdempotencyRecord.user_id == user.id, IdempotencyRecord.key == key
            )
        )
        if stored is not None:
            if stored.request_hash != fingerprint:
                raise ValidationFailed.field(HEADER, "this key was used for a different request")
            replay = Response(stored.body, status=stored.status, mimetype="application/json")
            replay.headers["Idempotent-Replayed"] = "true"
            return replay
        response = make_response(view(*args, **kwargs))
        session.add(
            IdempotencyRecord(
                user_id=user.id,
                key=key,
                method_path=f"{request.method} {request.path}"[:300],
                request_hash=fingerprint,
                status=response.status_code,
                body=response.get_data(as_text=True),
            )
        )
        try:
            with session.begin_nested():
                session.flush()
        except IntegrityError:
            raise Conflict(
                "a request with this Idempotency-Key is being processed; retry shortly"
            ) from None
        return response

    return wrapper  # type: ignore[return-value]
