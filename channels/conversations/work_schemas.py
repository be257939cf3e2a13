"""Request and response shapes of the front office: hand-offs, notes, canned replies, queues."""

from __future__ import annotations

import marshmallow as ma
from flask_babel import lazy_gettext as _l
from marshmallow import validate

from channels.constants import Presence
from kcc.http.schemas import StrictSchema, Timestamp


class AssignToSchema(StrictSchema):
    user_id = ma.fields.UUID(
        load_default=None, metadata={"description": "The colleague who gets the conversation."}
    )
    team = ma.fields.String(
        load_default=None,
        validate=validate.Length(1, 100),
        metadata={"description": "The team whose queue it moves to (a directory team key)."},
    )


class SnoozeSchema(StrictSchema):
    until = Timestamp(
        required=True,
        metadata={"description": "When it comes back to its queue (in the future, with zone)."},
    )


class NoteInSchema(StrictSchema):
    body = ma.fields.String(required=True, validate=validate.Length(1, 5000))


class NoteSchema(ma.Schema):
    id = ma.fields.UUID()
    body = ma.fields.String()
    author_id = ma.fields.UUID(allow_none=True)
    author_name = ma.fields.String(allow_none=True)
    created_at = Timestamp()


class IdentifySchema(StrictSchema):
    party_id = ma.fields.UUID(load_default=None, metadata={"description": "Link this known party."})
    given_names = ma.fields.String(load_default=None, validate=validate.Length(max=200))
    surname_prefix = ma.fields.String(load_default=None, validate=validate.Length(max=20))
    surname = ma.fields.String(
        load_default=None,
        validate=validate.Length(1, 200),
        metadata={"description": "Register the resident from the conversation by name."},
    )
    bsn = ma.fields.String(load_default=None, validate=validate.Length(9, 9), load_only=True)

    @ma.validates_schema
    def _one_way(self, data: dict[str, object], **_: object) -> None:
        if (data.get("party_id") is None) == (data.get("surname") is None):
            raise ma.ValidationError(
                _l("send either party_id or the resident's surname"), "_schema"
            )


class CannedInSchema(StrictSchema):
    team = ma.fields.String(required=True, validate=validate.Length(1, 100))
    title = ma.fields.String(required=True, validate=validate.Length(1, 100))
    body = ma.fields.String(
        required=True,
        validate=validate.Length(1, 5000),
        metadata={"description": "Placeholders: {name}, {given_names}, {surname}, {agent}."},
    )


class CannedSchema(ma.Schema):
    id = ma.fields.UUID(attribute="uuid")
    team = ma.fields.String()
    title = ma.fields.String()
    body = ma.fields.String()
    updated_at = Timestamp()


class CannedListArgs(ma.Schema):
    team = ma.fields.String(load_default=None, validate=validate.Length(1, 100))


class CannedFilledSchema(ma.Schema):
    id = ma.fields.UUID()
    team = ma.fields.String()
    title = ma.fields.String()
    text = ma.fields.String(metadata={"description": "Filled in for this conversation."})


class ReadSchema(ma.Schema):
    unread = ma.fields.Integer()


class QueueSchema(ma.Schema):
    team = ma.fields.String()
    name = ma.fields.String()
    waiting = ma.fields.Integer(metadata={"description": "Waiting for an answer."})
    unassigned = ma.fields.Integer(metadata={"description": "Waiting, and taken by no one."})
    pending = ma.fields.Integer(metadata={"description": "Waiting for the resident."})
    snoozed = ma.fields.Integer()
    longest_wait_seconds = ma.fields.Integer(allow_none=True)
    oldest_waiting_since = Timestamp(allow_none=True)


class MineSchema(ma.Schema):
    open_conversations = ma.fields.Integer()
    unread = ma.fields.Integer()
    presence = ma.fields.String()


class QueuesSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(QueueSchema))
    mine = ma.fields.Nested(MineSchema)


class AgentSchema(ma.Schema):
    user_id = ma.fields.String()
    name = ma.fields.String()
    team = ma.fields.String(allow_none=True)
    presence = ma.fields.String()
    available = ma.fields.Boolean(
        metadata={
            "description": "Active, with a live signed-in session (not ended, not idle), and "
            "not away."
        }
    )
    open_conversations = ma.fields.Integer()


class SupervisionSchema(ma.Schema):
    queues = ma.fields.List(ma.fields.Nested(QueueSchema))
    agents = ma.fields.List(ma.fields.Nested(AgentSchema))
    agents_available = ma.fields.Integer()
    waiting = ma.fields.Integer()
    longest_wait_seconds = ma.fields.Integer(allow_none=True)


class PresenceSchema(StrictSchema):
    status = ma.fields.String(required=True, validate=validate.OneOf([p.value for p in Presence]))
