"""Suggestions a journey offers a resident, and 'ask for consent' items for agents."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from kcc.db import Base, JSONType, UTCDateTime, new_uuid, utcnow


class Suggestion(Base):
    """One service offered to a resident by a journey state; it informs and never decides."""

    __tablename__ = "suggestions"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=new_uuid)
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id", ondelete="CASCADE"))
    instance_id: Mapped[int | None] = mapped_column(
        ForeignKey("journey_instances.id", ondelete="CASCADE")
    )
    journey_key: Mapped[str] = mapped_column(String(64))
    journey_version: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(100))
    service: Mapped[str] = mapped_column(String(64), doc="Key in the service catalogue.")
    texts: Mapped[dict[str, str]] = mapped_column(
        JSONType, doc="The B1 text per language, from the document."
    )
    consent_purpose: Mapped[str] = mapped_column(
        String(80), doc="The document's consent purpose label."
    )
    status: Mapped[str] = mapped_column(String(10), default="proposed")
    delivery: Mapped[str] = mapped_column(String(10), default="send", doc="send or approve")
    channel: Mapped[str | None] = mapped_column(String(10), doc="The channel it was sent on.")
    message_id: Mapped[str | None] = mapped_column(
        String(64), doc="The outbound message queued for it."
    )
    task_id: Mapped[str | None] = mapped_column(
        String(36), doc="The task made for the team that follows up the resident's yes."
    )
    reply_number: Mapped[int | None] = mapped_column(
        Integer,
        doc="The number a resident answers with (JA 2) while several offers are open at once.",
    )
    consent_record_id: Mapped[int | None] = mapped_column(
        ForeignKey("consent_records.id", ondelete="SET NULL"), doc="The consent it was sent under."
    )
    explanation: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    source_event_id: Mapped[str] = mapped_column(String(64), doc="The journey.state_entered event.")
    position: Mapped[int] = mapped_column(
        Integer, default=0, doc="Index among the state's suggestions."
    )
    note: Mapped[str] = mapped_column(Text, default="", doc="Why it stopped or could not be sent.")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_by: Mapped[str | None] = mapped_column(
        String(80), doc="resident (sms/chat) or agent:<uuid>"
    )
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def needs_approval(self) -> bool:
        """The document asks an agent to approve it before it may be sent."""
        return self.delivery == "approve"

    __table_args__ = (
        UniqueConstraint("source_event_id", "position"),
        Index("ix_suggestions_party", "party_id", "id"),
        Index("ix_suggestions_status_expires", "status", "expires_at"),
    )


class ConsentRequest(Base):
    """A journey wanted to offer something but the resident never consented: ask at the next contact."""

    __tablename__ = "consent_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=new_uuid)
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id", ondelete="CASCADE"))
    instance_id: Mapped[int | None] = mapped_column(
        ForeignKey("journey_instances.id", ondelete="CASCADE")
    )
    journey_key: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(100))
    services: Mapped[list[str]] = mapped_column(JSONType, default=list)
    source_event_id: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(
        UTCDateTime, doc="When the resident consented (or not needed)."
    )

    __table_args__ = (Index("ix_consent_requests_party", "party_id", "resolved_at"),)
