"""Tables of the channels package: conversations, messages, opt-outs, chat sessions."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    BigInteger,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kcc.db import Base, JSONType, UTCDateTime, new_uuid, utcnow

if TYPE_CHECKING:
    from kcc.auth.models import User
    from kcc.contacts.models import ContactMoment
    from kcc.parties.models import Party

BigId = BigInteger().with_variant(Integer, "sqlite")


class Conversation(Base):
    """A thread with one resident on one channel; shown as one contact moment."""

    __tablename__ = "conversations"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=new_uuid)
    channel: Mapped[str] = mapped_column(String(10), doc="sms, chat or email")
    address: Mapped[str] = mapped_column(
        String(254),
        doc="The resident's address on the channel: E.164, whatsapp:+..., e-mail, chat.",
    )
    party_id: Mapped[int | None] = mapped_column(
        ForeignKey("parties.id", ondelete="RESTRICT"), doc="Empty for an anonymous chat."
    )
    status: Mapped[str] = mapped_column(
        String(10), default="open", doc="open, pending, snoozed or closed"
    )
    priority: Mapped[str] = mapped_column(String(10), default="normal")
    assigned_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    assigned_team: Mapped[str | None] = mapped_column(
        String(100), doc="The team whose queue holds the conversation (a directory team key)."
    )
    taken_at: Mapped[datetime | None] = mapped_column(
        UTCDateTime, doc="When the assigned agent took or was given the conversation."
    )
    snoozed_until: Mapped[datetime | None] = mapped_column(
        UTCDateTime, doc="A snoozed conversation comes back to its queue then."
    )
    waiting_since: Mapped[datetime | None] = mapped_column(
        UTCDateTime, doc="The resident's oldest message not answered yet; empty when answered."
    )
    first_response_at: Mapped[datetime | None] = mapped_column(
        UTCDateTime, doc="The first agent reply."
    )
    subject: Mapped[str] = mapped_column(String(200), default="")
    language: Mapped[str] = mapped_column(String(5), default="nl")
    contact_moment_id: Mapped[int | None] = mapped_column(
        ForeignKey("contact_moments.id", ondelete="SET NULL"),
        doc="The contact moment that stands for this conversation in the customer view.",
    )
    message_count: Mapped[int] = mapped_column(default=0)
    last_message_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    party: Mapped[Party | None] = relationship(lazy="joined")
    assigned_user: Mapped[User | None] = relationship(lazy="joined")
    contact_moment: Mapped[ContactMoment | None] = relationship()
    messages: Mapped[list[ChannelMessage]] = relationship(
        order_by="ChannelMessage.id", viewonly=True
    )

    __table_args__ = (
        Index("ix_conversations_thread", "channel", "address", "status"),
        Index("ix_conversations_status_last", "status", "last_message_at", "id"),
        Index("ix_conversations_assigned", "assigned_user_id", "status"),
        Index("ix_conversations_party", "party_id", "status"),
        Index("ix_conversations_channel_last", "channel", "last_message_at"),  # retention
        Index("ix_conversations_queue", "assigned_team", "status", "waiting_since"),
        Index("ix_conversations_snoozed", "status", "snoozed_until"),
    )


class ConversationKey(Base):
    """An outside key that threads into a conversation (an e-mail Message-ID, a chat session)."""

    __tablename__ = "conversation_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(30))
    key: Mapped[str] = mapped_column(String(500))

    __table_args__ = (UniqueConstraint("kind", "key"),)


class ChannelMessage(Base):
    """One message in or out. Outbound rows carry the delivery status; the provider id is unique."""

    __tablename__ = "channel_messages"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=new_uuid)
    conversation_id: Mapped[int | None] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"),
        doc="Empty until an inbound message is threaded.",
    )
    channel: Mapped[str] = mapped_column(String(10))
    direction: Mapped[str] = mapped_column(String(10))
    body: Mapped[str] = mapped_column(Text, default="")
    sender: Mapped[str] = mapped_column(String(254), default="")
    recipient: Mapped[str] = mapped_column(String(254), default="")
    provider_sid: Mapped[str | None] = mapped_column(
        String(200), doc="Twilio MessageSid or e-mail Message-ID; unique per channel."
    )
    status: Mapped[str] = mapped_column(String(20))
    error_code: Mapped[str | None] = mapped_column(String(20))
    error_message: Mapped[str | None] = mapped_column(String(500))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    media: Mapped[list[dict[str, Any]]] = mapped_column(
        JSONType, default=list, doc="References: [{url or attachment_id, content_type, filename}]."
    )
    details: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    attempts: Mapped[int] = mapped_column(default=0)
    lease_until: Mapped[datetime | None] = mapped_column(
        UTCDateTime, doc="A sender holds the row until then."
    )
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempt_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User | None] = relationship(lazy="joined")
    attachments: Mapped[list[MessageAttachment]] = relationship(
        back_populates="message", cascade="all, delete-orphan", order_by="MessageAttachment.id"
    )

    __table_args__ = (
        UniqueConstraint("channel", "provider_sid"),
        Index("ix_channel_messages_conversation", "conversation_id", "id"),
        Index("ix_channel_messages_due", "status", "next_attempt_at"),
    )


class MessageAttachment(Base):
    """An e-mail attachment kept as a referenced blob."""

    __tablename__ = "channel_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=new_uuid)
    message_id: Mapped[int] = mapped_column(
        ForeignKey("channel_messages.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(255), default="")
    content_type: Mapped[str] = mapped_column(String(255))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    message: Mapped[ChannelMessage] = relationship(back_populates="attachments")


class SmsOptOut(Base):
    """Whether a phone number withdrew SMS contact, with the message that says so."""

    __tablename__ = "sms_opt_outs"

    id: Mapped[int] = mapped_column(primary_key=True)
    address: Mapped[str] = mapped_column(String(64), unique=True, doc="E.164 number.")
    opted_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime, doc="Empty once restored.")
    restored_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    source: Mapped[str] = mapped_column(String(30), doc="keyword, opt_out_type or twilio_21610")
    keyword: Mapped[str | None] = mapped_column(String(20))
    evidence_message_id: Mapped[int | None] = mapped_column(
        ForeignKey("channel_messages.id", ondelete="SET NULL"), doc="The message that asked for it."
    )
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class ChatSession(Base):
    """A resident's web chat; the token is stored only as a keyed hash."""

    __tablename__ = "chat_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=new_uuid)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    display_name: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SignedRequestReceipt(Base):
    """The signature of a signed webhook request already accepted: a replay is refused."""

    __tablename__ = "signed_request_receipts"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    source: Mapped[str] = mapped_column(String(20))
    digest: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    __table_args__ = (UniqueConstraint("source", "digest"),)
