"""The knowledge base: answers agents give at first contact, their versions and topics."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from kcc.db import Base, JSONType, UTCDateTime, new_uuid, utcnow


class Answer(Base):
    """A question with its ready answer in plain language (B1), in Dutch and English.

    ``search_text`` is what PostgreSQL's Dutch text search indexes (``knowledge_fts_search``:
    ``to_tsvector('dutch', search_text)`` with a GIN index, kept in step by a trigger made by
    the migration); ``search_stems`` the same words stemmed, which SQLite's FTS5 table
    ``knowledge_fts`` indexes on the embedded default.
    """

    __tablename__ = "knowledge_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=new_uuid)
    question_nl: Mapped[str] = mapped_column(String(300), default="")
    answer_nl: Mapped[str] = mapped_column(Text, default="")
    question_en: Mapped[str] = mapped_column(String(300), default="")
    answer_en: Mapped[str] = mapped_column(Text, default="")
    keywords: Mapped[list[str]] = mapped_column(
        JSONType, default=list, doc="Extra words to find it by."
    )
    owner_team: Mapped[str] = mapped_column(String(100), doc="Team that keeps it (directory).")
    review_on: Mapped[date] = mapped_column(Date, doc="When its owners must check it again.")
    status: Mapped[str] = mapped_column(String(20), default="draft", doc="draft or published.")
    version: Mapped[int] = mapped_column(default=1, doc="Raised by every change.")
    search_text: Mapped[str] = mapped_column(Text, default="")
    search_stems: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    __table_args__ = (
        Index("ix_knowledge_answers_review", "owner_team", "review_on"),
        Index("ix_knowledge_answers_status", "status"),
    )


class AnswerVersion(Base):
    """One stored version of an answer, as it was written (append-only)."""

    __tablename__ = "knowledge_answer_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(
        ForeignKey("knowledge_answers.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column()
    content: Mapped[dict[str, Any]] = mapped_column(JSONType, doc="The answer's fields then.")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    __table_args__ = (UniqueConstraint("answer_id", "version"),)


class AnswerTopic(Base):
    """A topic an answer is about (what ranks it for a conversation about that topic)."""

    __tablename__ = "knowledge_answer_topics"

    answer_id: Mapped[int] = mapped_column(
        ForeignKey("knowledge_answers.id", ondelete="CASCADE"), primary_key=True
    )
    topic_id: Mapped[int] = mapped_column(
        ForeignKey("topics.id", ondelete="RESTRICT"), primary_key=True, index=True
    )
