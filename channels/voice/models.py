"""One row per phone call that rang in, keyed on the exchange's call id."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from kcc.db import Base, UTCDateTime, new_uuid, utcnow


class PhoneCall(Base):
    """A call that rang into the contact centre: who called, who took it, how it ended."""

    __tablename__ = "phone_calls"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=new_uuid)
    provider: Mapped[str] = mapped_column(String(40), doc="twilio, or the exchange's name.")
    call_id: Mapped[str] = mapped_column(String(100), doc="The exchange's id (Twilio CallSid).")
    caller_number: Mapped[str] = mapped_column(
        String(40), doc="The caller's number, E.164 where it could be read."
    )
    called_number: Mapped[str] = mapped_column(String(40), default="")
    party_id: Mapped[int | None] = mapped_column(
        ForeignKey("parties.id", ondelete="SET NULL"), index=True
    )
    team: Mapped[str] = mapped_column(String(100), doc="The queue the call rang into.")
    status: Mapped[str] = mapped_column(
        String(20), default="ringing", doc="ringing, in_progress, completed or missed"
    )
    taken_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    taken_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    duration_seconds: Mapped[int | None] = mapped_column()
    end_status: Mapped[str] = mapped_column(
        String(20), default="", doc="The exchange's last call status (completed, no-answer, ...)."
    )
    contact_moment_id: Mapped[int | None] = mapped_column(
        ForeignKey("contact_moments.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        UniqueConstraint("provider", "call_id"),
        Index("ix_phone_calls_status_team", "status", "team"),
    )
