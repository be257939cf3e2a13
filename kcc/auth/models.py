"""Users (agents, supervisors, process owners, admins, systems) and their API tokens."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ForeignKey, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kcc.db import Base, UTCDateTime, new_uuid, utcnow


@dataclass(frozen=True, slots=True)
class Caller:
    """Who is calling: the fields of the authenticated user that requests need."""

    id: int
    uuid: uuid.UUID
    name: str
    display_name: str
    role: str
    team: str | None
    is_active: bool = True

    @classmethod
    def of(cls, user: User) -> Caller:
        return cls(user.id, user.uuid, user.name, user.display_name, user.role, user.team)


class User(Base):
    """A person or application that calls the API (a Klantinteracties Actor)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=new_uuid)
    name: Mapped[str] = mapped_column(String(150), unique=True, doc="Login name.")
    display_name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(
        String(20), doc="agent, supervisor, process_owner, admin, system"
    )
    team: Mapped[str | None] = mapped_column(String(100), doc="Team the user works in.")
    email: Mapped[str] = mapped_column(
        String(254),
        default="",
        server_default="",
        doc="The user's own e-mail address; work routed to them personally is announced there.",
    )
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    tokens: Mapped[list[ApiToken]] = relationship(back_populates="user")


class ApiToken(Base):
    """A bearer token, stored only as a keyed hash; shown once at creation."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=new_uuid)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(back_populates="tokens")


class WebSession(Base):
    """A signed-in browser session, held on the server so that it can be ended at once.

    The browser's cookie carries a random session key; only its SHA-256 is stored. Signing
    out, a password change, disabling the user and an admin's revocation set ``ended_at``;
    idle and absolute timeouts are checked against these times, never against the cookie.
    """

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    end_reason: Mapped[str | None] = mapped_column(
        String(20),
        doc="signed_out, idle, expired, password_changed, disabled, revoked, replaced",
    )

    user: Mapped[User] = relationship()


class SignInThrottle(Base):
    """A sign-in limit that tripped: which account was tried from where (for supervisors)."""

    __tablename__ = "sign_in_throttles"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=new_uuid)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    account: Mapped[str] = mapped_column(
        String(150), doc="The user name tried (it need not exist)."
    )
    source: Mapped[str] = mapped_column(
        String(64), doc="The client address the attempts came from."
    )
    scope: Mapped[str] = mapped_column(
        String(30),
        doc="account_at_address (one account from one address) or address (many accounts).",
    )
    retry_after_seconds: Mapped[int] = mapped_column(doc="How long the address must wait.")
