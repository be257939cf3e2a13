"""Sign-in throttling: wrong passwords slow down the address they come from, never the owner.

An account-wide lockout hands anyone who knows a user name the power to lock its owner
out. Instead, failures are counted per account *at one address* and per address (across
accounts, against password spraying), in moving windows of the ``limits`` library: in Redis
when configured, so every web process counts together, in memory otherwise. Counting happens
only where a password is checked; no other request pays for it. A throttled address is
answered 429 with ``Retry-After`` without its password being checked; the owner signing in
from elsewhere is not affected. Each time a limit trips, a ``sign_in_throttles`` row records it
for supervisors (``GET /api/v1/sign-in-throttles``) and the security log says so.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from flask import Flask
from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from sqlalchemy import delete, select

from kcc.auth.models import SignInThrottle
from kcc.db import db
from kcc.pagination import decode_cursor, encode_cursor

log = logging.getLogger("kcc.security")

KEY_PREFIX = "kcc-sign-in"


class Scope(StrEnum):
    ACCOUNT_AT_ADDRESS = "account_at_address"
    ADDRESS = "address"


LIMITS: dict[Scope, RateLimitItem] = {
    Scope.ACCOUNT_AT_ADDRESS: parse("5 per 15 minutes"),
    Scope.ADDRESS: parse("30 per 15 minutes"),
}


@dataclass(frozen=True)
class Throttled:
    """An address may not try again for ``retry_after`` seconds."""

    scope: Scope
    retry_after: int


class _Counts:
    """The window counter of the app built last (one per process in production)."""

    window: MovingWindowRateLimiter = MovingWindowRateLimiter(storage_from_string("memory://"))


def init_throttle(app: Flask) -> None:
    """Redis storage when configured (shared by every web process), memory otherwise."""
    redis_url = app.config["KCC_SETTINGS"].redis_url
    options = {"key_prefix": KEY_PREFIX} if redis_url else {}
    storage = storage_from_string(redis_url or "memory://", **options)
    _Counts.window = MovingWindowRateLimiter(storage)


def reset() -> None:
    """Forget every count (tests; an operator after a false alarm)."""
    _Counts.window.storage.reset()


def _keys(name: str, address: str) -> Iterator[tuple[Scope, tuple[str, ...]]]:
    account = name.casefold()[:150]
    yield Scope.ACCOUNT_AT_ADDRESS, ("account", account, address)
    yield Scope.ADDRESS, ("address", address)


def _retry_after(item: RateLimitItem, keys: tuple[str, ...]) -> int:
    reset_at = _Counts.window.get_window_stats(item, *keys).reset_time
    return max(1, math.ceil(reset_at - time.time()))


def throttled(name: str, address: str) -> Throttled | None:
    """Whether sign-ins for ``name`` from ``address`` must wait (None: go ahead)."""
    try:
        for scope, keys in _keys(name, address):
            if not _Counts.window.test(LIMITS[scope], *keys):
                return Throttled(scope, _retry_after(LIMITS[scope], keys))
    except Exception:  # an unreachable store must not stop every sign-in
        log.exception("sign-in throttle store unavailable; sign-ins are not throttled")
    return None


def count_failure(name: str, address: str) -> Throttled | None:
    """Count a wrong password; when that trips a limit, record it for supervisors."""
    tripped = None
    try:
        for scope, keys in _keys(name, address):
            item = LIMITS[scope]
            _Counts.window.hit(item, *keys)
            if tripped is None and not _Counts.window.test(item, *keys):
                tripped = Throttled(scope, _retry_after(item, keys))
    except Exception:
        log.exception("sign-in throttle store unavailable; the failure was not counted")
        return None
    if tripped is not None:
        _record(name, address, tripped)
    return tripped


def _record(name: str, address: str, tripped: Throttled) -> None:
    log.warning(
        "sign-in throttled: account=%r address=%s scope=%s retry_after=%ss",
        name[:150],
        address,
        tripped.scope,
        tripped.retry_after,
    )
    db.session().add(
        SignInThrottle(
            account=name[:150],
            source=address[:64],
            scope=tripped.scope,
            retry_after_seconds=tripped.retry_after,
        )
    )
    db.session().flush()


def list_records(
    limit: int, cursor: str | None, since: datetime | None = None
) -> tuple[list[SignInThrottle], str | None]:
    """Tripped sign-in limits, newest first, keyset-paginated."""
    query = select(SignInThrottle).order_by(SignInThrottle.id.desc()).limit(limit + 1)
    if since is not None:
        query = query.where(SignInThrottle.occurred_at >= since)
    after = decode_cursor(cursor, {"id": int})
    if after is not None:
        query = query.where(SignInThrottle.id < after["id"])
    rows = list(db.session().scalars(query))
    next_cursor = encode_cursor({"id": rows[limit - 1].id}) if len(rows) > limit else None
    return rows[:limit], next_cursor


def expired_records(cutoff: datetime) -> Any:
    """Retention: (id, date, kind) of records older than ``cutoff``."""
    return select(SignInThrottle.id, SignInThrottle.occurred_at, SignInThrottle.scope).where(
        SignInThrottle.occurred_at < cutoff
    )


def remove_records(ids: list[int]) -> object:
    """Retention: delete these records."""
    return db.session().execute(delete(SignInThrottle).where(SignInThrottle.id.in_(ids)))
