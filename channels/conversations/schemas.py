"""Request and response shapes for conversations and their messages."""

from __future__ import annotations

from datetime import datetime

import marshmallow as ma
from marshmallow import validate

from channels.constants import ConversationStatus, Priority
from kcc.constants import Channel, Outcome
from kcc.http.schemas import PageArgs, StrictSchema, Timestamp


def _choice(enum: type) -> validate.OneOf:
    return validate.OneOf([e.value for e in enum])  # type: ignore[attr-defined]


def _uuid_of(name: str) -> ma.fields.Function:
    def get(obj: object) -> str | None:
        related = getattr(obj, name)
        return str(related.uuid) if related is not None else None

    return ma.fields.Function(
        get, metadata={"description": f"UUID of the {name.replace('_', ' ')}."}
    )


def _seconds(start: datetime | None, end: datetime | None) -> int | None:
    return int((end - start).total_seconds()) if start and end else None


class MessageSchema(ma.Schema):
    id = ma.fields.UUID(attribute="uuid")
    direction = ma.fields.String(metadata={"description": "inbound or outbound"})
    body = ma.fields.String()
    sender = ma.fields.String()
    recipient = ma.fields.String()
    status = ma.fields.String(
        metadata={
            "description": "received; or queued, sending, sent, delivered, undelivered, failed, read"
        }
    )
    error_code = ma.fields.String(
        allow_none=True, metadata={"description": "The provider's error code."}
    )
    error_message = ma.fields.String(allow_none=True)
    media = ma.fields.List(
        ma.fields.Dict(), metadata={"description": "References with content type."}
    )
    author_id = _uuid_of("author")
    created_at = Timestamp()
    sent_at = Timestamp(allow_none=True)


class ConversationSchema(ma.Schema):
    id = ma.fields.UUID(attribute="uuid")
    channel = ma.fields.String()
    address = ma.fields.String(
        metadata={"description": "The resident's phone number, e-mail address or chat."}
    )
    party_id = _uuid_of("party")
    status = ma.fields.String(
        metadata={
            "description": "open (waiting for us), pending (waiting for the resident), "
            "snoozed (until snoozed_until) or closed"
        }
    )
    priority = ma.fields.String()
    assigned_user_id = _uuid_of("assigned_user")
    assigned_user_name = ma.fields.Function(
        lambda c: (
            (c.assigned_user.display_name or c.assigned_user.name) if c.assigned_user else None
        ),
        metadata={"description": "Who has the conversation."},
    )
    assigned_team = ma.fields.String(
        allow_none=True, metadata={"description": "The team whose queue holds it."}
    )
    subject = ma.fields.String()
    language = ma.fields.String()
    message_count = ma.fields.Integer()
    unread = ma.fields.Integer(
        metadata={"description": "The resident's messages the caller has not read yet."}
    )
    last_message_at = Timestamp()
    opened_at = Timestamp()
    taken_at = Timestamp(allow_none=True)
    snoozed_until = Timestamp(allow_none=True)
    waiting_since = Timestamp(
        allow_none=True, metadata={"description": "The resident's oldest unanswered message."}
    )
    first_response_at = Timestamp(allow_none=True)
    first_response_seconds = ma.fields.Function(
        lambda c: _seconds(c.opened_at, c.first_response_at),
        metadata={"description": "From opening to the first agent reply."},
    )
    resolution_seconds = ma.fields.Function(
        lambda c: _seconds(c.opened_at, c.closed_at),
        metadata={"description": "From opening to the wrap-up."},
    )
    closed_at = Timestamp(allow_none=True)


class ConversationDetailSchema(ConversationSchema):
    contact_moment_id = _uuid_of("contact_moment")
    messages = ma.fields.List(ma.fields.Nested(MessageSchema))


class ConversationListArgs(PageArgs):
    assigned = ma.fields.String(
        load_default=None,
        validate=validate.OneOf(["unassigned", "mine", "others"]),
        metadata={
            "description": "unassigned, mine (assigned to the caller) or others (to colleagues)"
        },
    )
    channel = ma.fields.String(
        load_default=None, validate=validate.OneOf([Channel.SMS, Channel.CHAT, Channel.EMAIL])
    )
    status = ma.fields.String(
        load_default=None,
        validate=_choice(ConversationStatus),
        metadata={"description": "Default: open and pending."},
    )
    team = ma.fields.String(load_default=None, validate=validate.Length(max=100))


class ReplySchema(StrictSchema):
    body = ma.fields.String(required=True, validate=validate.Length(1, 5000))


class CloseSchema(StrictSchema):
    """The wrap-up."""

    subject = ma.fields.String(
        required=True,
        validate=validate.Length(1, 200),
        metadata={"description": "What the contact was about (required)."},
    )
    outcome = ma.fields.String(
        load_default=None,
        allow_none=True,
        validate=_choice(Outcome),
        metadata={"description": "How it ended; answered when not given."},
    )
    topics = ma.fields.List(
        ma.fields.UUID(),
        load_default=None,
        validate=validate.Length(max=10),
        metadata={
            "description": "Topic ids from the catalogue (GET /api/v1/topics): the topics of "
            "the conversation, confirmed on its contact moment with the wrap-up (journeys "
            "listening for one start or move). Left out: the topics stay as they are."
        },
    )


class AssignSchema(StrictSchema):
    assigned_user_id = ma.fields.UUID(load_default=None, allow_none=True)
    assigned_team = ma.fields.String(
        load_default=None, allow_none=True, validate=validate.Length(max=100)
    )
    priority = ma.fields.String(load_default=None, validate=_choice(Priority))
    status = ma.fields.String(load_default=None, validate=validate.OneOf(["open", "pending"]))
    party_id = ma.fields.UUID(
        load_default=None,
        metadata={"description": "Link the conversation (e.g. an anonymous chat) to a party."},
    )
    subject = ma.fields.String(
        load_default=None,
        validate=validate.Length(1, 200),
        metadata={
            "description": "What the conversation is about, also on its contact moment (a "
            "journey listening for this subject starts or moves)."
        },
    )
