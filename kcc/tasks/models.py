"""Internal tasks (InterneTaak): callbacks, follow-ups, complaints and objections."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, Text, Uuid, text
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
    comments: Mapped[list[TaskComment]] = relationship(
        order_by="TaskComment.created_at, TaskComment.id", viewonly=True
    )

    __table_args__ = (
        Index("ix_tasks_party_status", "party_id", "status"),
        Index("ix_tasks_status_due", "status", "due_at"),
        # The dashboard's callbacks per topic: the callbacks of a period, with their moments.
        Index(
            "ix_tasks_callbacks",
            "received_at",
            "contact_moment_id",
            postgresql_where=text("kind = 'callback'"),
            sqlite_where=text("kind = 'callback'"),
        ),
    )


class TaskComment(Base):
    """A colleague's comment on a task, or the outcome of one callback attempt."""

    __tablename__ = "task_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=new_uuid)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    text: Mapped[str] = mapped_column(Text, default="")
    callback_result: Mapped[str | None] = mapped_column(
        String(20), doc="reached, not_reached or left_message when a callback was tried."
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User | None] = relationship()

    __table_args__ = (Index("ix_task_comments_task_created", "task_id", "created_at"),)


class StaffMail(Base):
    """An e-mail to a colleague, team or department mailbox about work routed to them.

    The row comes first; a job sends it and marks it sent, so a second run sends nothing.
    It names the task and links to the console, never the resident.
    """

    __tablename__ = "staff_mails"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=new_uuid)
    task_id: Mapped[int | None] = mapped_column(
        ForeignKey("tasks.id", ondelete="SET NULL"), index=True
    )
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="queued", doc="queued, sent, failed")
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(String(300), default="")
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (Index("ix_staff_mails_status_created", "status", "created_at"),)
