"""Internal tasks (InterneTaak): callbacks, follow-ups, complaints and objections."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kcc.db import Base, UTCDateTime, new_uuid, utcnow

if TYPE_CHECKING:
    from kcc.auth.models import User
    from kcc.contacts.models import ContactMoment
    from kcc.parties.models import Party


class Task(Base):
    """Follow-up work for a colleague or team, with a deadline."""

    __tablename__ = "tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=new_uuid)
    kind: Mapped[str] = mapped_column(String(20), doc="callback, follow_up, complaint, objection")
    party_id: Mapped[int | None] = mapped_column(ForeignKey("parties.id", ondelete="RESTRICT"))
    contact_moment_id: Mapped[int | None] = mapped_column(
        ForeignKey("contact_moments.id", ondelete="SET NULL"), index=True
    )
    assigned_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    assigned_team: Mapped[str | None] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(
        Text, default="", doc="What is asked (gevraagde handeling)."
    )
    note: Mapped[str] = mapped_column(Text, default="", doc="Explanation (toelichting).")
    status: Mapped[str] = mapped_column(String(20), default="open")
    received_at: Mapped[datetime] = mapped_column(
        UTCDateTime, doc="Date of receipt; starts statutory terms."
    )
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    advisory_committee: Mapped[bool] = mapped_column(default=False)
    extended_at: Mapped[datetime | None] = mapped_column(
        UTCDateTime, doc="When the term was extended."
    )
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    number: Mapped[str | None] = mapped_column(String(10), doc="Interne taak nummer.")
    reference: Mapped[str | None] = mapped_column(String(10), doc="Referentienummer.")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    party: Mapped[Party | None] = relationship()
    contact_moment: Mapped[ContactMoment | None] = relationship()
    assigned_user: Mapped[User | None] = relationship()

    __table_args__ = (
        Index("ix_tasks_party_status", "party_id", "status"),
        Index("ix_tasks_status_due", "status", "due_at"),
    )
