"""The append-only processing log (Logboek Dataverwerkingen)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, Index, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from kcc.db import Base, UTCDateTime, new_uuid, utcnow


class ProcessingRecord(Base):
    """One processing of a party's personal data. Rows are only ever inserted.

    The data subject is stored encrypted (``subject_encrypted``) and found through a keyed
    hash (``subject_lookup``), never in plain text.
    """

    __tablename__ = "processing_log"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=new_uuid)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    trace_id: Mapped[str] = mapped_column(String(32), doc="W3C trace id of the request or job.")
    span_id: Mapped[str] = mapped_column(String(16))
    operation: Mapped[str] = mapped_column(String(100), doc="The endpoint or job that processed.")
    action: Mapped[str] = mapped_column(
        String(10), doc="create, read, update, delete, search, export"
    )
    activity: Mapped[str] = mapped_column(
        String(100), doc="Processing activity in the GDPR register."
    )
    status: Mapped[str] = mapped_column(String(10), default="ok")
    actor_type: Mapped[str] = mapped_column(String(20), doc="user role or 'system'")
    actor_id: Mapped[str] = mapped_column(String(64), doc="User uuid, or the job name.")
    subject_type: Mapped[str] = mapped_column(String(20), default="party")
    subject_lookup: Mapped[str] = mapped_column(String(64), doc="Keyed hash of the party uuid.")
    subject_encrypted: Mapped[str] = mapped_column(String(200))

    __table_args__ = (Index("ix_processing_log_subject", "subject_lookup", "id"),)
