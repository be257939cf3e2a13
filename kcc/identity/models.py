"""Merge records (which party was merged into which) and every row a merge changed."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import BigInteger, ForeignKey, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kcc.db import Base, JSONType, UTCDateTime, new_uuid, utcnow

if TYPE_CHECKING:
    from kcc.auth.models import User
    from kcc.parties.models import Party


class MergeRecord(Base):
    """One merge of a duplicate party into a surviving party; undone when ``undone_at`` is set."""

    __tablename__ = "merge_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=new_uuid)
    survivor_id: Mapped[int] = mapped_column(
        ForeignKey("parties.id", ondelete="RESTRICT"), index=True
    )
    duplicate_id: Mapped[int] = mapped_column(
        ForeignKey("parties.id", ondelete="RESTRICT"), index=True
    )
    reason: Mapped[str] = mapped_column(Text, doc="Why the agent merged the two parties.")
    merged_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    merged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    undone_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    survivor: Mapped[Party] = relationship(foreign_keys=[survivor_id])
    duplicate: Mapped[Party] = relationship(foreign_keys=[duplicate_id])
    merged_by: Mapped[User | None] = relationship(foreign_keys=[merged_by_id])
    undone_by: Mapped[User | None] = relationship(foreign_keys=[undone_by_id])
    moves: Mapped[list[MergeMove]] = relationship(
        back_populates="merge", cascade="all, delete-orphan", order_by="MergeMove.id"
    )


class MergeMove(Base):
    """One column of one row that a merge changed (or left alone because it would clash).

    ``row_key`` is the row's primary key as a dict; ``old_value`` what the column held before.
    """

    __tablename__ = "merge_moves"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    merge_id: Mapped[int] = mapped_column(
        ForeignKey("merge_records.id", ondelete="CASCADE"), index=True
    )
    table_name: Mapped[str] = mapped_column(String(100))
    column_name: Mapped[str] = mapped_column(String(100))
    row_key: Mapped[dict[str, Any]] = mapped_column(JSONType)
    old_value: Mapped[Any] = mapped_column(JSONType, nullable=True)
    new_value: Mapped[Any] = mapped_column(JSONType, nullable=True)
    flags: Mapped[dict[str, Any] | None] = mapped_column(
        JSONType,
        nullable=True,
        doc="One-per-party flags (e.g. is_default) of a moved row before the merge.",
    )
    outcome: Mapped[str] = mapped_column(String(10), doc="moved, skipped or changed")
    undo_outcome: Mapped[str | None] = mapped_column(String(10), doc="restored, gone or clash")

    merge: Mapped[MergeRecord] = relationship(back_populates="moves")
