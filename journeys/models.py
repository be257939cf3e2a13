"""Tables of the journeys package: definitions, versions, instances, steps, timers, life events."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kcc.db import Base, JSONType, UTCDateTime, new_uuid, utcnow

BIG_ID = BigInteger().with_variant(Integer, "sqlite")


class Journey(Base):
    """A life-event journey by its stable key (e.g. ``moving``); its content lives in versions."""

    __tablename__ = "journeys"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    suspended_at: Mapped[datetime | None] = mapped_column(
        UTCDateTime, doc="Emergency stop: no events applied, no timers fired, until resumed."
    )
    suspended_by: Mapped[str | None] = mapped_column(String(64))
    suspended_reason: Mapped[str | None] = mapped_column(String(500))

    versions: Mapped[list[JourneyVersion]] = relationship(
        back_populates="journey", order_by="JourneyVersion.number"
    )


class JourneyVersion(Base):
    """One version of a journey document: draft, then published, then retired."""

    __tablename__ = "journey_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    journey_id: Mapped[int] = mapped_column(ForeignKey("journeys.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10), default="draft")
    source: Mapped[str] = mapped_column(Text, doc="The document as uploaded (YAML).")
    document: Mapped[dict[str, Any]] = mapped_column(JSONType, doc="The parsed document.")
    checksum: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(64))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_by: Mapped[str | None] = mapped_column(
        String(64), doc="The second process owner who approved the version for publication."
    )
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    suspended_at: Mapped[datetime | None] = mapped_column(
        UTCDateTime, doc="Emergency stop of this version's instances, until resumed."
    )
    suspended_by: Mapped[str | None] = mapped_column(String(64))
    suspended_reason: Mapped[str | None] = mapped_column(String(500))

    journey: Mapped[Journey] = relationship(back_populates="versions")

    __table_args__ = (UniqueConstraint("journey_id", "number"),)


class JourneyInstance(Base):
    """One party on one journey version, at a stored configuration with its datamodel."""

    __tablename__ = "journey_instances"

    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=new_uuid)
    version_id: Mapped[int] = mapped_column(ForeignKey("journey_versions.id", ondelete="RESTRICT"))
    journey_key: Mapped[str] = mapped_column(String(64))
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(10), default="active")
    exclusive: Mapped[bool] = mapped_column(
        default=True, doc="At most one active per party and key."
    )
    configuration: Mapped[list[str]] = mapped_column(JSONType, doc="Active state ids.")
    datamodel: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    step_count: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    version: Mapped[JourneyVersion] = relationship()

    __table_args__ = (
        Index("ix_journey_instances_party", "party_id", "id"),
        Index("ix_journey_instances_version_status", "version_id", "status"),
        Index(  # retention: ended journeys by when they ended
            "ix_journey_instances_ended",
            "completed_at",
            sqlite_where=text("status <> 'active'"),
            postgresql_where=text("status <> 'active'"),
        ),
        Index(
            "uq_journey_instances_one_active",
            "party_id",
            "journey_key",
            unique=True,
            sqlite_where=text("status = 'active' AND exclusive"),
            postgresql_where=text("status = 'active' AND exclusive"),
        ),
    )


class JourneyStep(Base):
    """Append-only: what moved an instance, from where to where, and why."""

    __tablename__ = "journey_steps"

    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("journey_instances.id", ondelete="CASCADE"))
    event_id: Mapped[str] = mapped_column(String(200), doc="Makes a repeat of an event a no-op.")
    event: Mapped[str] = mapped_column(String(100))
    from_states: Mapped[list[str]] = mapped_column(JSONType)
    to_states: Mapped[list[str]] = mapped_column(JSONType)
    moved: Mapped[bool] = mapped_column(default=True)
    cause_type: Mapped[str] = mapped_column(String(20))
    cause_ref: Mapped[str | None] = mapped_column(String(200))
    why: Mapped[str] = mapped_column(Text, default="")
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("instance_id", "event_id"),)


class JourneyTimer(Base):
    """A due timer: fired once by the periodic sweep, cancelled when its state is left."""

    __tablename__ = "journey_timers"

    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=new_uuid)
    instance_id: Mapped[int] = mapped_column(ForeignKey("journey_instances.id", ondelete="CASCADE"))
    state: Mapped[str] = mapped_column(String(100))
    event: Mapped[str] = mapped_column(String(100))
    duration: Mapped[str] = mapped_column(String(40))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    fired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index("ix_journey_timers_instance", "instance_id"),
        Index(
            "ix_journey_timers_pending",
            "instance_id",
            "state",
            sqlite_where=text("fired_at IS NULL AND cancelled_at IS NULL"),
            postgresql_where=text("fired_at IS NULL AND cancelled_at IS NULL"),
        ),
        Index(
            "ix_journey_timers_due",
            "due_at",
            sqlite_where=text("fired_at IS NULL AND cancelled_at IS NULL"),
            postgresql_where=text("fired_at IS NULL AND cancelled_at IS NULL"),
        ),
    )


class LifeEvent(Base):
    """A CloudEvent another system sent (without the BSN); a repeat of (source, id) is a no-op."""

    __tablename__ = "life_events"

    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=new_uuid)
    source: Mapped[str] = mapped_column(String(500))
    ce_id: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(10))
    party_id: Mapped[int | None] = mapped_column(ForeignKey("parties.id", ondelete="SET NULL"))
    data: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    sealed: Mapped[str | None] = mapped_column(
        Text, doc="The sensitive fields a journey declared (BSNs among them), encrypted as JSON."
    )
    occurred_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        UniqueConstraint("source", "ce_id"),
        Index("ix_life_events_party", "party_id"),
    )


class JourneyDelivery(Base):
    """An event one journey could not take for a party: failed (retried with backoff) or held
    while the journey or version is suspended. Other journeys of the same event are not held up.
    """

    __tablename__ = "journey_deliveries"

    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=new_uuid)
    journey_key: Mapped[str] = mapped_column(String(64))
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id", ondelete="CASCADE"))
    trigger_on: Mapped[str] = mapped_column(String(200), doc="The event type, as triggers name it.")
    occasion: Mapped[str] = mapped_column(String(200), doc="The event id the engine keys on.")
    cause: Mapped[dict[str, Any]] = mapped_column(JSONType, doc="type, ref and why.")
    subject: Mapped[dict[str, Any]] = mapped_column(
        JSONType, doc="What the triggers' conditions read (declared fields only)."
    )
    data: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    data_prefix: Mapped[str] = mapped_column(String(20), default="")
    status: Mapped[str] = mapped_column(String(10), doc="failed, held, done or given_up.")
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        UniqueConstraint("journey_key", "party_id", "occasion"),
        Index("ix_journey_deliveries_party", "party_id"),
        Index("ix_journey_deliveries_journey", "journey_key", "id"),
        Index(
            "ix_journey_deliveries_due",
            "next_attempt_at",
            sqlite_where=text("status IN ('failed', 'held')"),
            postgresql_where=text("status IN ('failed', 'held')"),
        ),
    )
