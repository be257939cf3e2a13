"""Signed-in browser sessions: held on the server, with timeouts, throttling and the CSRF token.

The (signed) cookie carries only a random session key, the CSRF token and the language. The
session itself is a ``web_sessions`` row found by the key's SHA-256, so it can be ended on
the server at once: signing out ends it, and a password change, disabling the user or an
admin's revocation end every session of the user. The idle and absolute timeouts are
checked against the row's times, so an old or copied cookie gains nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from flask import Flask, Request, current_app, has_request_context, request, session
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from sqlalchemy import delete, select, update

from kcc.auth import throttle
from kcc.auth.models import Caller, User, WebSession
from kcc.auth.passwords import hash_password, verify_password
from kcc.auth.throttle import Throttled
from kcc.db import db, utcnow

CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
IDLE_SECONDS = 30 * 60
ABSOLUTE_SECONDS = 10 * 60 * 60
IDLE = timedelta(seconds=IDLE_SECONDS)
ABSOLUTE = timedelta(seconds=ABSOLUTE_SECONDS)
# last_seen_at is written at most this often, so most requests do not write.
TOUCH = timedelta(seconds=60)
KEY = "sid"
# Requests a page makes by itself (the live stream, fragment refreshes, the session check)
# carry this header: they do not count as the person being active, so a page left open
# still idles out. Sending it can only shorten one's own session.
BACKGROUND_HEADER = "X-KCC-Background"
_QUIET = "kcc.web_session.quiet"
NOTICE = "notice"
# The signed-in user, once looked up, for the rest of the request (in the WSGI environ, so
# it can never outlive the request).
_CACHE = "kcc.web_session.user"


class CookieSessions(SecureCookieSessionInterface):
    """Flask's signed cookie, opened only when the request brings one.

    Flask builds the cookie's signer for every request before it looks for the cookie; an API
    call with a bearer token (nearly every request under load) brings none, so it gets an
    empty session without that work. Saving is unchanged: an empty, unmodified session sets
    no cookie.
    """

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if app.secret_key and self.get_cookie_name(app) not in request.cookies:
            return self.session_class()
        return super().open_session(app, request)


class EndReason(StrEnum):
    SIGNED_OUT = "signed_out"
    IDLE = "idle"
    EXPIRED = "expired"
    PASSWORD_CHANGED = "password_changed"  # noqa: S105  (a reason, not a password)
    DISABLED = "disabled"
    REVOKED = "revoked"
    REPLACED = "replaced"


# What the sign-in page tells someone whose session ended by itself or was ended elsewhere.
TIMED_OUT = frozenset({EndReason.IDLE, EndReason.EXPIRED})


@dataclass(frozen=True)
class SignInOutcome:
    """The result of a sign-in attempt; ``user`` is set only when it succeeded.

    ``throttled`` is set when this address must wait before trying again.
    """

    user: User | None
    throttled: Throttled | None = None


def _forget() -> None:
    """Drop the request's remembered user (after the sessions changed)."""
    if has_request_context():
        request.environ.pop(_CACHE, None)


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def sign_in(name: str, password: str, address: str) -> SignInOutcome:
    """Check a password from ``address``; wrong ones slow that address down (kcc.auth.throttle).

    A throttled address is refused before the password is checked, so guessing gains
    nothing; the account itself stays open to its owner at any other address.
    """
    waiting = throttle.throttled(name, address)
    if waiting is not None:
        return SignInOutcome(None, throttled=waiting)
    user = db.session().scalar(select(User).where(User.name == name))
    if user is None or not user.is_active:
        verify_password(None, password)
        return SignInOutcome(None, throttled=throttle.count_failure(name, address))
    if not verify_password(user.password_hash, password):
        return SignInOutcome(None, throttled=throttle.count_failure(name, address))
    start_session(user)
    return SignInOutcome(user)


def start_session(user: User) -> None:
    """A fresh server-side session (new key, new CSRF token) for ``user`` in this browser."""
    _end_current(EndReason.REPLACED)
    now = utcnow()
    # Sessions of this user that are over are of no further use: keep the table small.
    db.session().execute(
        delete(WebSession).where(
            WebSession.user_id == user.id,
            (WebSession.ended_at.is_not(None))
            | (WebSession.last_seen_at < now - idle_timeout())
            | (WebSession.created_at < now - ABSOLUTE),
        )
    )
    key = secrets.token_urlsafe(32)
    db.session().add(
        WebSession(key_hash=_hash(key), user_id=user.id, created_at=now, last_seen_at=now)
    )
    db.session().flush()
    _reset_cookie()
    session.permanent = True
    session.update({KEY: key, "csrf": secrets.token_urlsafe(32)})
    _forget()


def end_session(reason: EndReason = EndReason.SIGNED_OUT) -> None:
    """Sign this browser out: the server-side session ends, the cookie keeps only the language."""
    _end_current(reason)
    _reset_cookie()


def _end_current(reason: EndReason) -> None:
    key = session.get(KEY)
    if key:
        db.session().execute(
            update(WebSession)
            .where(WebSession.key_hash == _hash(str(key)), WebSession.ended_at.is_(None))
            .values(ended_at=utcnow(), end_reason=reason)
        )
    _forget()


def _reset_cookie(notice: str | None = None) -> None:
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language
    if notice:
        session[NOTICE] = notice


def end_user_sessions(user_id: int, reason: EndReason) -> int:
    """End every open session of a user at once; returns how many were open."""
    result = db.session().execute(
        update(WebSession)
        .where(WebSession.user_id == user_id, WebSession.ended_at.is_(None))
        .values(ended_at=utcnow(), end_reason=reason)
    )
    _forget()
    return int(getattr(result, "rowcount", 0) or 0)


def open_sessions(user_id: int) -> list[WebSession]:
    """The user's sessions that have not ended or timed out, newest first."""
    now = utcnow()
    return list(
        db.session().scalars(
            select(WebSession)
            .where(
                WebSession.user_id == user_id,
                WebSession.ended_at.is_(None),
                WebSession.last_seen_at >= now - idle_timeout(),
                WebSession.created_at >= now - ABSOLUTE,
            )
            .order_by(WebSession.created_at.desc(), WebSession.id.desc())
        )
    )


def change_password(caller: Caller | User, current: str, new: str) -> bool:
    """Set a new password when ``current`` is right; every session of the user ends.

    This browser gets a fresh session, since its user has just proved who they are.
    """
    user = db.session().get(User, caller.id)
    if user is None:
        return False
    if not verify_password(user.password_hash, current):
        return False
    set_password(user, new)
    start_session(user)
    return True


def set_password(user: User, new: str) -> None:
    """A new password (an admin's reset or the user's own change) ends every session."""
    user.password_hash = hash_password(new)
    end_user_sessions(user.id, EndReason.PASSWORD_CHANGED)
    db.session().flush()


def set_active(user: User, active: bool) -> None:
    """Enable or disable a user; disabling ends every session at once."""
    user.is_active = active
    if not active:
        end_user_sessions(user.id, EndReason.DISABLED)
    db.session().flush()


def signed_in_user() -> User | None:
    """The active user of a live server-side session, or None.

    A session that timed out or was ended is closed in the cookie too, and the sign-in page
    is told why (``notice``: ``expired`` or ``ended``).
    """
    if _CACHE in request.environ:
        cached: User | None = request.environ[_CACHE]
        return cached
    user = _check_session()
    request.environ[_CACHE] = user
    return user


def idle_timeout() -> timedelta:
    """How long a session lasts without the person doing anything (KCC_SESSION_IDLE_SECONDS)."""
    seconds = current_app.config.get("KCC_SESSION_IDLE_SECONDS") or IDLE_SECONDS
    return timedelta(seconds=int(seconds))


def _touch_interval() -> timedelta:
    return min(TOUCH, idle_timeout() / 10)


def mark_background() -> None:
    """This request was made by the page itself: it does not keep the session alive."""
    request.environ[_QUIET] = True


def _is_background() -> bool:
    return bool(request.environ.get(_QUIET) or request.headers.get(BACKGROUND_HEADER))


def current_key() -> str | None:
    """The session key this browser's cookie carries, if any."""
    key = session.get(KEY)
    return str(key) if key else None


def seconds_left() -> float | None:
    """Seconds until this browser's session idles out (or reaches its end), or None."""
    key = current_key()
    return remaining(key, idle_timeout()) if key else None


def remaining(key: str, idle: timedelta) -> float | None:
    """Seconds until the session with ``key`` ends; None when it has ended or its user is
    disabled. Reads only: it neither extends nor ends the session (outside a request too)."""
    row = (
        db.session()
        .execute(
            select(WebSession.last_seen_at, WebSession.created_at)
            .join(User, User.id == WebSession.user_id)
            .where(
                WebSession.key_hash == _hash(key),
                WebSession.ended_at.is_(None),
                User.is_active.is_(True),
            )
        )
        .one_or_none()
    )
    if row is None:
        return None
    now = utcnow()
    left = min(row.last_seen_at + idle - now, row.created_at + ABSOLUTE - now)
    seconds = left.total_seconds()
    return seconds if seconds > 0 else None


def keep_alive() -> float | None:
    """The person chose to stay signed in: their idle time starts again; seconds left or None."""
    user = signed_in_user()
    key = session.get(KEY)
    if user is None or not key:
        return None
    db.session().execute(
        update(WebSession)
        .where(WebSession.key_hash == _hash(str(key)), WebSession.ended_at.is_(None))
        .values(last_seen_at=utcnow())
    )
    return seconds_left()


def _check_session() -> User | None:
    key = session.get(KEY)
    if not key:
        if "uid" in session:  # a cookie from before sessions were kept on the server
            _reset_cookie(notice="ended")
        return None
    row = (
        db.session()
        .execute(
            select(WebSession, User)
            .join(User, User.id == WebSession.user_id)
            .where(WebSession.key_hash == _hash(str(key)))
        )
        .one_or_none()
    )
    if row is None:
        _reset_cookie(notice="ended")
        return None
    web_session, user = row
    if web_session.ended_at is not None:
        timed_out = web_session.end_reason in TIMED_OUT
        _reset_cookie(notice="expired" if timed_out else "ended")
        return None
    now = utcnow()
    reason = None
    if not user.is_active:
        reason = EndReason.DISABLED
    elif now - web_session.created_at > ABSOLUTE:
        reason = EndReason.EXPIRED
    elif now - web_session.last_seen_at > idle_timeout():
        reason = EndReason.IDLE
    if reason is not None:
        web_session.ended_at = now
        web_session.end_reason = reason
        _reset_cookie(notice="expired" if reason in TIMED_OUT else "ended")
        return None
    if now - web_session.last_seen_at > _touch_interval() and not _is_background():
        web_session.last_seen_at = now
    return user


def csrf_token() -> str:
    """This session's CSRF token (created on first use)."""
    token = session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        session["csrf"] = token
    return str(token)


def csrf_valid(value: str | None = None) -> bool:
    """Whether the request carries this session's CSRF token (header or form field)."""
    expected = session.get("csrf")
    sent = (
        value
        if value is not None
        else request.headers.get(CSRF_HEADER) or request.form.get(CSRF_FIELD)
    )
    return bool(expected and sent and hmac.compare_digest(str(expected), str(sent)))
