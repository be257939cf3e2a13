"""Tables of the front office: what each agent has read, internal notes, canned replies and
agents' presence."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from kcc.db import Base, UTCDateTime, new_uuid, utcnow

BigId = BigInteger().with_variant(Integer, "sqlite")


class ConversationRead(Base):
    """How far one agent has read one conversation: the newest message they were shown."""

    __tablename__ = "conversation_reads"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    last_read_message_id: Mapped[int] = mapped_column(BigId, default=0)
    read_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("conversation_id", "user_id"),)


class ConversationNote(Base):
    """An agent's internal note on a conversation: never sent, never in the resident's chat."""

    __tablename__ = "conversation_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=new_uuid)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (Index("ix_conversation_notes_conversation", "conversation_id", "id"),)


class CannedReply(Base):
    """A reusable answer of a team; ``{naam}``-style placeholders are filled in when used."""

    __tablename__ = "canned_replies"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=new_uuid)
    team: Mapped[str] = mapped_column(String(100), doc="The directory team that uses it.")
    title: Mapped[str] = mapped_column(String(100), doc="What agents pick it by.")
    body: Mapped[str] = mapped_column(Text, doc="The text, with placeholders such as {name}.")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    __table_args__ = (UniqueConstraint("team", "title"),)


class AgentPresence(Base):
    """Whether a user takes conversations now; no row means available."""

    __tablename__ = "agent_presence"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    status: Mapped[str] = mapped_column(String(10), doc="available or away")
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
