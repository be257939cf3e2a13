"""What retention runs and erasures did: one row per run or erased party, and the aggregate
counts kept of what retention removed."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Index, Integer, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from kcc.db import Base, JSONType, UTCDateTime, new_uuid, utcnow


class RetentionRun(Base):
    """One run of ``kcc retention run``; ``removed`` counts per category."""

    __tablename__ = "retention_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    dry_run: Mapped[bool] = mapped_column(default=False)
    removed: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)


class RetentionCount(Base):
    """Aggregate statistics that outlive the rows: how many of a category, per month and kind, were removed."""

    __tablename__ = "retention_counts"

    id: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[str] = mapped_column(String(40))
    month: Mapped[str] = mapped_column(String(7), doc="YYYY-MM of the removed rows' own date.")
    kind: Mapped[str] = mapped_column(
        String(40), default="", doc="E.g. the channel of contact moments."
    )
    count: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (
        UniqueConstraint("category", "month", "kind"),
        Index("ix_retention_counts_category", "category"),
    )


class ErasureRequest(Base):
    """One erasure on request of one party (each party of a merged group has its own row).

    The party is named the way the processing log names it (a keyed hash of its public id),
    and ``trace_id`` is the trace of the log's delete records written with it.
    """

    __tablename__ = "erasure_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=new_uuid)
    subject_lookup: Mapped[str] = mapped_column(
        String(64), index=True, doc="Keyed hash of the party uuid, as in the processing log."
    )
    trace_id: Mapped[str] = mapped_column(String(32), doc="The trace of the erasure's log records.")
    reason: Mapped[str] = mapped_column(Text, doc="Why the party was erased (the request).")
    requested_by: Mapped[str] = mapped_column(String(64), doc="The user's uuid, or the job.")
    erased_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    complete: Mapped[bool] = mapped_column(doc="Nothing erasable was left and nothing was held.")
    result: Mapped[dict[str, Any]] = mapped_column(
        JSONType, default=dict, doc="Rows erased and left per section, and what was kept."
    )
