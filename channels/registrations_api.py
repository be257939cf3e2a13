"""Routes for /api/v1/phone-calls and /api/v1/counter-visits (agents register contact moments)."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask.views import MethodView
from marshmallow import validate

from channels.registrations import CounterVisit, PhoneCall, register_call, register_visit
from kcc.auth.access import STAFF_AND_SYSTEM, current_user, requires
from kcc.constants import Direction, Language, Outcome, Role
from kcc.contacts.schemas import ContactMomentSchema
from kcc.http.blueprint import Blueprint
from kcc.http.idempotency import idempotent
from kcc.http.schemas import StrictSchema, Timestamp
from kcc.privacy.activities import Activity

blp = Blueprint(
    "registrations",
    __name__,
    url_prefix="/api/v1",
    description="Phone calls and counter visits registered by agents.",
)


class _Common(StrictSchema):
    party_id = ma.fields.UUID(load_default=None, allow_none=True)
    outcome = ma.fields.String(
        load_default=None, allow_none=True, validate=validate.OneOf([o.value for o in Outcome])
    )
    subject = ma.fields.String(load_default="", validate=validate.Length(max=200))
    text = ma.fields.String(load_default="", validate=validate.Length(max=10_000))
    language = ma.fields.String(
        load_default="nl", validate=validate.OneOf([lang.value for lang in Language])
    )


class PhoneCallSchema(_Common):
    caller_number = ma.fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=30),
        metadata={
            "description": "Normalised to E.164; finds the party when party_id is not given."
        },
    )
    direction = ma.fields.String(
        load_default="inbound", validate=validate.OneOf([d.value for d in Direction])
    )
    started_at = Timestamp(load_default=None, allow_none=True)
    duration_seconds = ma.fields.Integer(
        load_default=None, allow_none=True, validate=validate.Range(0, 86_400)
    )


class CounterVisitSchema(_Common):
    location = ma.fields.String(
        required=True,
        validate=validate.Length(1, 100),
        metadata={"description": "e.g. Stadswinkel Centrum"},
    )
    appointment_reference = ma.fields.String(
        load_default=None, allow_none=True, validate=validate.Length(max=100)
    )
    visited_at = Timestamp(load_default=None, allow_none=True)
    duration_minutes = ma.fields.Integer(
        load_default=None, allow_none=True, validate=validate.Range(0, 1440)
    )


def _agent() -> Any:
    user = current_user()
    return (None if user.role == Role.SYSTEM else user.uuid), user.id


@blp.route("/phone-calls")
class PhoneCalls(MethodView):
    @requires(*STAFF_AND_SYSTEM, activity=Activity.CUSTOMER_CONTACT)
    @idempotent
    @blp.arguments(PhoneCallSchema)
    @blp.response(201, ContactMomentSchema)
    def post(self, data: dict[str, Any]) -> Any:
        """Register a phone call (caller number, duration, outcome) as a contact moment"""
        agent, user_id = _agent()
        return register_call(PhoneCall(**data, agent_id=agent), recorded_by=user_id)


@blp.route("/counter-visits")
class CounterVisits(MethodView):
    @requires(*STAFF_AND_SYSTEM, activity=Activity.CUSTOMER_CONTACT)
    @idempotent
    @blp.arguments(CounterVisitSchema)
    @blp.response(201, ContactMomentSchema)
    def post(self, data: dict[str, Any]) -> Any:
        """Register a counter visit (location, appointment reference) as a contact moment"""
        agent, user_id = _agent()
        return register_visit(CounterVisit(**data, agent_id=agent), recorded_by=user_id)
