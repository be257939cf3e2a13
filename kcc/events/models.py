"""The transactional outbox and the record of which subscriber handled which event."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Index, Integer, String, Text, UniqueConstraint, Uuid, text
from sqlalchemy.orm import Mapped, mapped_column

from kcc.db import Base, JSONType, UTCDateTime, utcnow


class OutboxEvent(Base):
    """A domain event, written in the same transaction as the change it describes."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    event_id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    name: Mapped[str] = mapped_column(String(100))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    dispatched_at: Mapped[datetime | None] = mapped_column(
        UTCDateTime, doc="Last hand-over to the queue."
    )
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, doc="Every subscriber done.")
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        Index(
            "ix_outbox_pending",
            "occurred_at",
            sqlite_where=text("handled_at IS NULL"),
            postgresql_where=text("handled_at IS NULL"),
        ),
    )


class EventDelivery(Base):
    """Proof that one subscriber handled one event; the unique key makes handlers run once."""

    __tablename__ = "event_deliveries"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    event_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    subscriber: Mapped[str] = mapped_column(String(200))
    handled_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("event_id", "subscriber"),)
