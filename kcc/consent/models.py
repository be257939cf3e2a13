"""The consent history: append-only records of consents granted and withdrawn."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from kcc.db import Base, UTCDateTime, new_uuid, utcnow


class ConsentRecord(Base):
    """One consent granted, or one withdrawal. Rows are only ever inserted.

    The current state of a purpose and channel is the newest record for it (a grant past its
    ``expires_at`` no longer counts). A withdrawal names the grant it ends in ``withdraws_id``
    when there is one; that column is unique, so a grant is withdrawn at most once.
    """

    __tablename__ = "consent_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=new_uuid)
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id", ondelete="CASCADE"))
    purpose: Mapped[str] = mapped_column(String(80), doc="'proactive' or 'journey:<key>'.")
    channel: Mapped[str] = mapped_column(String(10), doc="sms, email or any")
    action: Mapped[str] = mapped_column(String(10), doc="granted or withdrawn")
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    method: Mapped[str] = mapped_column(
        String(20), doc="How it reached us: counter, phone, sms, chat, email, web, api."
    )
    contact_moment_id: Mapped[int | None] = mapped_column(
        ForeignKey("contact_moments.id", ondelete="SET NULL"),
        doc="The contact moment in which it was given.",
    )
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"),
        doc="The agent or system user that recorded it.",
    )
    language: Mapped[str] = mapped_column(String(5), default="nl")
    text_version: Mapped[int | None] = mapped_column(
        doc="Version of the consent text agreed to (grants)."
    )
    text: Mapped[str] = mapped_column(Text, default="", doc="The exact text agreed to (grants).")
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdraws_id: Mapped[int | None] = mapped_column(
        ForeignKey("consent_records.id", ondelete="CASCADE"),
        unique=True,
        doc="The grant this withdrawal ends.",
    )
    evidence: Mapped[str] = mapped_column(
        String(300), default="", doc="E.g. the SMS that said STOP."
    )

    __table_args__ = (Index("ix_consent_records_party", "party_id", "purpose", "channel", "id"),)
