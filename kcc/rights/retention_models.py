"""What retention runs did: one row per run, and the aggregate counts kept of what was removed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kcc.db import Base, JSONType, UTCDateTime, utcnow


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
