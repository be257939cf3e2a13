"""Create users, issue and revoke API tokens, authenticate bearer tokens."""

from __future__ import annotations

import re
import uuid
from typing import cast

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import Table, bindparam, select

from kcc.auth.models import ApiToken, Caller, User
from kcc.auth.token_cache import token_cache
from kcc.constants import Role
from kcc.crypto import hash_api_token, new_api_token
from kcc.db import db, utcnow
from kcc.errors import Conflict, NotFound, ValidationFailed


def _token_hash(token: str) -> str:
    return hash_api_token(current_app.config["KCC_SETTINGS"].secret_key, token)


def create_user(
    name: str,
    role: str,
    display_name: str = "",
    team: str | None = None,
    password_hash: str | None = None,
    email: str = "",
) -> tuple[User, str]:
    """Create a user and a first API token. The token is returned once and never stored."""
    if role not in Role.__members__.values():
        raise ValidationFailed.field(
            "role", _l("must be one of %(choices)s", choices=", ".join(r.value for r in Role))
        )
    session = db.session()
    if session.scalar(select(User.id).where(User.name == name)) is not None:
        raise Conflict(_l("a user named %(name)r exists already", name=name))
    user = User(
        name=name,
        role=role,
        display_name=display_name or name,
        team=team,
        password_hash=password_hash,
    )
    session.add(user)
    set_email(user, email)
    return user, issue_token(user, label="initial")


def issue_token(user: User, label: str = "") -> str:
    token = new_api_token()
    db.session().add(ApiToken(user_id=user.id, token_hash=_token_hash(token), label=label))
    db.session().flush()
    return token


def revoke_token(token_uuid: uuid.UUID) -> None:
    token = db.session().scalar(select(ApiToken).where(ApiToken.uuid == token_uuid))
    if token is None:
        raise NotFound(_l("no such token"))
    if token.revoked_at is None:
        token.revoked_at = utcnow()


def revoke_token_value(token: str) -> bool:
    row = db.session().scalar(select(ApiToken).where(ApiToken.token_hash == _token_hash(token)))
    if row is None:
        return False
    row.revoked_at = row.revoked_at or utcnow()
    return True


_USERS = cast(Table, User.__table__)
_TOKENS = cast(Table, ApiToken.__table__)
# Every authenticated request runs this: a Core statement built once, one round trip, no
# ORM entity (the caller is a plain value; code that changes a user loads it explicitly).
_TOKEN_LOOKUP = (
    select(
        _USERS.c.id,
        _USERS.c.uuid,
        _USERS.c.name,
        _USERS.c.display_name,
        _USERS.c.role,
        _USERS.c.team,
    )
    .join(_TOKENS, _TOKENS.c.user_id == _USERS.c.id)
    .where(_TOKENS.c.token_hash == bindparam("token_hash"))
    .where(_TOKENS.c.revoked_at.is_(None))
    .where(_USERS.c.is_active.is_(True))
)


def authenticate_token(token: str) -> Caller | None:
    """The active user a valid, unrevoked token belongs to, or None.

    A successful check is remembered in this process for at most a second
    (``kcc.auth.token_cache``); a change of the user or the token ends that at once.
    """
    token_hash = _token_hash(token)
    cache = token_cache()
    known = cache.get(token_hash)
    if known is not None:
        return known
    ticket = cache.ticket()
    row = db.connection().execute(_TOKEN_LOOKUP, {"token_hash": token_hash}).first()
    if row is None:
        return None
    caller = Caller(*row)
    cache.put(token_hash, caller, ticket)
    return caller


# An address's shape only: the mail server is the judge of whether it exists.
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]{2,}$")


def set_email(user: User, email: str, *, field: str = "email") -> User:
    """Give ``user`` an e-mail address of their own (lower-cased), or take it away (empty)."""
    email = email.strip().lower()
    if email and (len(email) > 254 or not EMAIL.match(email)):
        raise ValidationFailed.field(field, _l("not an e-mail address"))
    user.email = email
    db.session().flush()
    return user


def find_user(user_uuid: uuid.UUID) -> User:
    user = db.session().scalar(select(User).where(User.uuid == user_uuid))
    if user is None:
        raise NotFound(_l("no user with id %(user_uuid)s", user_uuid=user_uuid))
    return user
