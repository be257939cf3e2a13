"""Marshmallow schemas of the journeys API."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask_babel import lazy_gettext as _l
from marshmallow import validate

from kcc.http.schemas import PageArgs, StrictSchema

I18N = ma.fields.Dict(
    keys=ma.fields.String(),
    values=ma.fields.String(),
    metadata={"description": "Text in nl and en."},
)


class DocumentInSchema(StrictSchema):
    document = ma.fields.String(
        required=True,
        validate=validate.Length(min=1),
        metadata={"description": "The journey document as YAML (or JSON) text."},
    )


class VersionSchema(ma.Schema):
    number = ma.fields.Integer()
    status = ma.fields.String(metadata={"description": "draft, published or retired"})
    checksum = ma.fields.String()
    created_at = ma.fields.DateTime()
    created_by = ma.fields.String(allow_none=True)
    published_at = ma.fields.DateTime(allow_none=True)
    retired_at = ma.fields.DateTime(allow_none=True)
    approved_by = ma.fields.String(
        allow_none=True, metadata={"description": "The second process owner who approved it."}
    )
    approved_at = ma.fields.DateTime(allow_none=True)
    suspended_at = ma.fields.DateTime(
        allow_none=True, metadata={"description": "Set while the version is suspended."}
    )
    suspended_reason = ma.fields.String(allow_none=True)


class VersionDetailSchema(VersionSchema):
    journey = ma.fields.String()
    source = ma.fields.String(metadata={"description": "The document as uploaded."})
    document = ma.fields.Dict()
    outcome = ma.fields.String(
        metadata={
            "description": "Only in the answer to an upload: created, replaced or unchanged.",
            "enum": ["created", "replaced", "unchanged"],
        }
    )

    @ma.post_dump
    def _outcome_only_for_uploads(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        # Reading or publishing a version has no upload outcome: the field is left out
        # rather than sent as a null its type does not allow.
        if data.get("outcome") is None:
            data.pop("outcome", None)
        return data


class JourneySchema(ma.Schema):
    key = ma.fields.String()
    title = I18N
    description = I18N
    published_version = ma.fields.Integer(allow_none=True)
    suspended_at = ma.fields.DateTime(
        allow_none=True, metadata={"description": "Set while the journey is suspended."}
    )
    suspended_reason = ma.fields.String(allow_none=True)
    versions = ma.fields.List(ma.fields.Nested(VersionSchema))
    created_at = ma.fields.DateTime()


class JourneyListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(JourneySchema))


class DiagramSchema(ma.Schema):
    mermaid = ma.fields.String()
    svg = ma.fields.String(
        allow_none=True, metadata={"description": "Only when Graphviz is installed."}
    )
    dot = ma.fields.String()


class SimulationStepSchema(StrictSchema):
    event = ma.fields.String(validate=validate.Length(min=1, max=100))
    timer = ma.fields.String(
        validate=validate.Length(min=1, max=100),
        metadata={"description": "Fire a timer set in the current state."},
    )
    data = ma.fields.Dict(load_default=None)

    @ma.validates_schema
    def _one(self, data: dict[str, object], **_: object) -> None:
        if ("event" in data) == ("timer" in data):
            raise ma.ValidationError(_l("give either event or timer"))


class SimulateInSchema(StrictSchema):
    steps = ma.fields.List(
        ma.fields.Nested(SimulationStepSchema), required=True, validate=validate.Length(max=200)
    )
    language = ma.fields.String(load_default="nl", validate=validate.OneOf(["nl", "en"]))


class StatsSchema(ma.Schema):
    journey = ma.fields.String()
    version = ma.fields.Integer()
    instances = ma.fields.Integer()
    by_status = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer())
    by_state = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer())
    completed = ma.fields.Integer()
    completion_rate = ma.fields.Float(allow_none=True)


class InstanceSchema(ma.Schema):
    id = ma.fields.UUID()
    journey = ma.fields.String()
    version = ma.fields.Integer()
    party_id = ma.fields.UUID()
    status = ma.fields.String()
    states = ma.fields.List(ma.fields.String())
    datamodel = ma.fields.Dict()
    started_at = ma.fields.DateTime()
    updated_at = ma.fields.DateTime()
    completed_at = ma.fields.DateTime(allow_none=True)
    step_count = ma.fields.Integer()


class StepSchema(ma.Schema):
    event = ma.fields.String()
    from_states = ma.fields.List(ma.fields.String(), data_key="from")
    to_states = ma.fields.List(ma.fields.String(), data_key="to")
    moved = ma.fields.Boolean()
    cause_type = ma.fields.String(
        data_key="cause", metadata={"description": "event, contact_moment, agent, timer or system"}
    )
    cause_ref = ma.fields.String(
        allow_none=True, metadata={"description": "The event, contact moment, agent or timer id."}
    )
    event_id = ma.fields.String()
    why = ma.fields.String()
    occurred_at = ma.fields.DateTime()


class TimerSchema(ma.Schema):
    id = ma.fields.UUID(attribute="uuid")
    state = ma.fields.String()
    event = ma.fields.String()
    duration = ma.fields.String()
    due_at = ma.fields.DateTime()
    fired_at = ma.fields.DateTime(allow_none=True)
    cancelled_at = ma.fields.DateTime(allow_none=True)


class InstanceDetailSchema(InstanceSchema):
    steps = ma.fields.List(ma.fields.Nested(StepSchema))
    timers = ma.fields.List(ma.fields.Nested(TimerSchema))


class InstanceArgs(PageArgs):
    party = ma.fields.UUID(
        load_default=None, metadata={"description": "Only this party's instances."}
    )
    status = ma.fields.String(
        load_default=None, validate=validate.OneOf(["active", "completed", "cancelled"])
    )


class InstancePageSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(InstanceSchema), required=True)
    next_cursor = ma.fields.String(allow_none=True, required=True)


class StartInSchema(StrictSchema):
    party_id = ma.fields.UUID(required=True)
    journey = ma.fields.String(
        required=True,
        validate=validate.Length(min=1, max=64),
        metadata={"description": "The journey key."},
    )
    reason = ma.fields.String(load_default="", validate=validate.Length(max=500))


class SendInSchema(StrictSchema):
    event = ma.fields.String(required=True, validate=validate.Length(min=1, max=100))
    reason = ma.fields.String(load_default="", validate=validate.Length(max=500))
    event_id = ma.fields.String(
        load_default=None,
        validate=validate.Length(min=1, max=150),
        metadata={"description": "Makes a retry harmless."},
    )


class StepResultSchema(ma.Schema):
    instance = ma.fields.Nested(InstanceSchema)
    step = ma.fields.Nested(StepSchema, allow_none=True)
    duplicate = ma.fields.Boolean()


class LifeEventReceiptSchema(ma.Schema):
    id = ma.fields.UUID(metadata={"description": "Our id of the received event."})
    status = ma.fields.String(metadata={"description": "matched, unmatched or ignored"})
    duplicate = ma.fields.Boolean()
    detail = ma.fields.String()
