"""Request and response shapes for contact moments."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import marshmallow as ma
from flask_babel import lazy_gettext as _l
from marshmallow import validate

from kcc.constants import Channel, Direction, InvolvementRole, Language, Outcome
from kcc.contacts.models import contact_name_of
from kcc.http.schemas import StrictSchema, Timestamp

if TYPE_CHECKING:
    from kcc.contacts.services import NewContact


def _choice(enum: type) -> validate.OneOf:
    return validate.OneOf([e.value for e in enum])  # type: ignore[attr-defined]


class InvolvementInSchema(StrictSchema):
    party_id = ma.fields.UUID(required=True)
    role = ma.fields.String(load_default="resident", validate=_choice(InvolvementRole))


class ObjectInSchema(StrictSchema):
    type = ma.fields.String(
        required=True, validate=validate.Length(1, 50), metadata={"description": "e.g. case"}
    )
    id = ma.fields.String(
        required=True, validate=validate.Length(1, 100), metadata={"description": "e.g. Z-2026-001"}
    )
    register = ma.fields.String(load_default="", validate=validate.Length(max=50))


class ContactMomentInSchema(StrictSchema):
    channel = ma.fields.String(required=True, validate=_choice(Channel))
    direction = ma.fields.String(load_default="inbound", validate=_choice(Direction))
    subject = ma.fields.String(load_default="", validate=validate.Length(max=200))
    text = ma.fields.String(load_default="", validate=validate.Length(max=10_000))
    outcome = ma.fields.String(load_default=None, allow_none=True, validate=_choice(Outcome))
    language = ma.fields.String(load_default="nl", validate=_choice(Language))
    confidential = ma.fields.Boolean(load_default=False)
    occurred_at = Timestamp(
        load_default=None,
        allow_none=True,
        metadata={"description": "Defaults to now; at most 5 minutes ahead."},
    )
    parties = ma.fields.List(
        ma.fields.Nested(InvolvementInSchema), load_default=list, validate=validate.Length(max=20)
    )
    objects = ma.fields.List(
        ma.fields.Nested(ObjectInSchema), load_default=list, validate=validate.Length(max=20)
    )
    agent = ma.fields.UUID(
        load_default=None,
        allow_none=True,
        metadata={"description": "The user who handled it; defaults to the caller for staff."},
    )
    external_id = ma.fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(1, 200),
        metadata={"description": "The channel's own id; unique per channel."},
    )
    topics = ma.fields.List(
        ma.fields.UUID(),
        load_default=list,
        validate=validate.Length(max=10),
        metadata={
            "description": "Topic ids from the catalogue (GET /api/v1/topics); read them back "
            "at GET /api/v1/contact-moments/{id}/topics."
        },
    )
    details = ma.fields.Dict(
        keys=ma.fields.String(validate=validate.Length(max=50)),
        load_default=dict,
        metadata={
            "description": "Channel-specific fields, e.g. caller_number, duration_seconds, location."
        },
    )

    @ma.validates("details")
    def _small_details(self, value: dict[str, object], **_: object) -> None:
        if len(value) > 30 or len(json.dumps(value, default=str)) > 4000:
            raise ma.ValidationError(_l("at most 30 fields and 4000 characters"))


class InvolvementSchema(ma.Schema):
    party_id = ma.fields.UUID(
        attribute="party_uuid",
        allow_none=True,
        dump_default=None,
        metadata={"description": "Null for someone not known as a party (anonymous contact)."},
    )
    role = ma.fields.String()
    contact_name = ma.fields.String(
        allow_none=True,
        dump_default=None,
        metadata={"description": "The name given during the contact, if any."},
    )


class ObjectSchema(ma.Schema):
    type = ma.fields.String(attribute="object_type")
    id = ma.fields.String(attribute="object_id")
    register = ma.fields.String()


class ContactMomentSchema(ma.Schema):
    id = ma.fields.UUID(attribute="uuid")
    channel = ma.fields.String()
    direction = ma.fields.String()
    subject = ma.fields.String()
    text = ma.fields.String()
    outcome = ma.fields.String(allow_none=True)
    language = ma.fields.String()
    confidential = ma.fields.Boolean()
    occurred_at = Timestamp()
    parties = ma.fields.List(ma.fields.Nested(InvolvementSchema), attribute="involvements")
    objects = ma.fields.List(ma.fields.Nested(ObjectSchema))
    agent = ma.fields.UUID(attribute="agent_uuid", allow_none=True, dump_default=None)
    external_id = ma.fields.String(allow_none=True)
    details = ma.fields.Dict()
    created_at = Timestamp()


def new_contact_body(new: NewContact) -> dict[str, Any]:
    """``ContactMomentSchema().dump`` of a contact moment just recorded, made from the values
    written (recording one is the busiest request; a test holds the two to the same output)."""
    row = new.rows.moment
    agent = new.agent_id
    return {
        "id": str(row["uuid"]),
        "channel": row["channel"],
        "direction": row["direction"],
        "subject": row["subject"],
        "text": row["text"],
        "outcome": row["outcome"],
        "language": row["language"],
        "confidential": bool(row["confidential"]),
        "occurred_at": row["occurred_at"].isoformat(),
        "parties": [
            {
                "party_id": str(party_id),
                "role": involvement["role"],
                "contact_name": contact_name_of(involvement["details"]),
            }
            for party_id, involvement in zip(new.party_ids, new.rows.involvements, strict=True)
        ],
        "objects": [
            {"type": o["object_type"], "id": o["object_id"], "register": o["register"]}
            for o in new.rows.objects
        ],
        "agent": None if agent is None else str(agent),
        "external_id": row["external_id"],
        "details": dict(row["details"]),
        "created_at": row["created_at"].isoformat(),
    }


class ContactSearchArgs(StrictSchema):
    party = ma.fields.UUID(
        metadata={"description": "Only contact moments this party was involved in."}
    )
    channel = ma.fields.String(validate=_choice(Channel))
    object_type = ma.fields.String(validate=validate.Length(max=50))
    object_id = ma.fields.String(validate=validate.Length(max=100))
    limit = ma.fields.Integer(load_default=20, validate=validate.Range(1, 100))
    cursor = ma.fields.String(load_default=None, validate=validate.Length(max=500))
