"""Webhook subscribers per catalogue service, and one delivery row per subscriber and event."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from kcc.db import Base, JSONType, UTCDateTime, new_uuid, utcnow


class ServiceSubscriber(Base):
    """A system told when a resident asks for a service: a URL and a shared signing secret."""

    __tablename__ = "service_subscribers"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=new_uuid)
    service: Mapped[str] = mapped_column(String(64), index=True, doc="Key in the catalogue.")
    url: Mapped[str] = mapped_column(String(500))
    secret_encrypted: Mapped[str] = mapped_column(Text, doc="The HMAC secret, encrypted.")
    description: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ServiceDelivery(Base):
    """One CloudEvent on its way to one subscriber: pending, delivered or failed."""

    __tablename__ = "service_deliveries"
    __table_args__ = (
        UniqueConstraint("subscriber_id", "event_id", name="uq_service_deliveries_event"),
        Index("ix_service_deliveries_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=new_uuid)
    subscriber_id: Mapped[int] = mapped_column(
        ForeignKey("service_subscribers.id", ondelete="CASCADE")
    )
    party_id: Mapped[int] = mapped_column(
        ForeignKey("parties.id", ondelete="CASCADE"), index=True, doc="The resident it is about."
    )
    event_id: Mapped[str] = mapped_column(String(64), doc="The CloudEvent's id.")
    subject: Mapped[str] = mapped_column(String(64), doc="The suggestion's id.")
    body: Mapped[dict[str, Any]] = mapped_column(JSONType, doc="The CloudEvent as sent.")
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_status: Mapped[int | None] = mapped_column(Integer, doc="The last HTTP status.")
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
