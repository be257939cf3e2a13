"""Departments and teams: the places a conversation, task or callback request can go to."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kcc.db import Base, UTCDateTime, new_uuid, utcnow


class Department(Base):
    """A department of the municipality (afdeling), e.g. Burgerzaken."""

    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=new_uuid)
    key: Mapped[str] = mapped_column(String(100), unique=True, doc="Stable short name.")
    name: Mapped[str] = mapped_column(String(200), doc="Name shown to people.")
    email: Mapped[str] = mapped_column(
        String(254), default="", doc="Functional mailbox for notifications."
    )
    default_team_key: Mapped[str | None] = mapped_column(
        String(100),
        doc="The team that takes work routed to the department (its key); none: the mailbox only.",
    )
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Team(Base):
    """A team (e.g. the KCC front office, Parkeren) that owns a queue of work.

    ``key`` is what users' ``team`` and tasks' ``assigned_team`` name.
    """

    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=new_uuid)
    key: Mapped[str] = mapped_column(String(100), unique=True, doc="Stable short name.")
    name: Mapped[str] = mapped_column(String(200), doc="Name shown to people.")
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="RESTRICT"), index=True
    )
    email: Mapped[str] = mapped_column(
        String(254), default="", doc="Functional mailbox for notifications."
    )
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    department: Mapped[Department | None] = relationship()
