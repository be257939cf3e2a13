"""Signed-in browser sessions: who is signed in, expiry, lockout and the CSRF token."""

from __future__ import annotations

import hmac
import secrets
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta

from flask import request, session
from sqlalchemy import select

from kcc.auth.models import User
from kcc.auth.passwords import verify_password
from kcc.db import db, utcnow

CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
IDLE_SECONDS = 30 * 60
ABSOLUTE_SECONDS = 10 * 60 * 60


@dataclass(frozen=True)
class SignInOutcome:
    """The result of a sign-in attempt; ``user`` is set only when it succeeded."""

    user: User | None
    locked: bool = False


def sign_in(name: str, password: str) -> SignInOutcome:
    """Check a password; count failures and lock the account for a while after too many."""
    user = db.session().scalar(select(User).where(User.name == name).with_for_update())
    now = utcnow()
    if user is None or not user.is_active:
        verify_password(None, password)
        return SignInOutcome(None)
    if user.locked_until is not None and user.locked_until > now:
        return SignInOutcome(None, locked=True)
    if not verify_password(user.password_hash, password):
        user.failed_sign_ins = (user.failed_sign_ins or 0) + 1
        if user.failed_sign_ins >= MAX_FAILURES:
            user.locked_until = now + LOCKOUT
            user.failed_sign_ins = 0
            db.session().flush()
            return SignInOutcome(None, locked=True)
        db.session().flush()
        return SignInOutcome(None)
    user.failed_sign_ins = 0
    user.locked_until = None
    db.session().flush()
    start_session(user)
    return SignInOutcome(user)


def start_session(user: User) -> None:
    """A fresh session (new CSRF token) for ``user``."""
    language = session.get("lang")
    session.clear()
    session.permanent = True
    now = int(time.time())
    session.update(uid=str(user.uuid), started=now, seen=now, csrf=secrets.token_urlsafe(32))
    if language:
        session["lang"] = language


def end_session() -> None:
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language


def signed_in_user() -> User | None:
    """The active user of a live session, or None (expired sessions are cleared)."""
    uid = session.get("uid")
    if not uid:
        return None
    now = int(time.time())
    if (
        now - int(session.get("started", 0)) > ABSOLUTE_SECONDS
        or now - int(session.get("seen", 0)) > IDLE_SECONDS
    ):
        end_session()
        session["expired"] = True
        return None
    try:
        user_uuid = uuid.UUID(str(uid))
    except ValueError:
        end_session()
        return None
    user = db.session().scalar(select(User).where(User.uuid == user_uuid, User.is_active.is_(True)))
    if user is None:
        end_session()
        return None
    if now - int(session.get("seen", 0)) > 60:
        session["seen"] = now
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
