"""Routes for /api/v1/calls: calls ringing in, and an agent taking one."""

from __future__ import annotations

import uuid
from typing import Any

import marshmallow as ma
from flask import url_for
from flask.views import MethodView
from marshmallow import validate

from channels.voice import services
from channels.voice.models import PhoneCall
from kcc.auth.access import STAFF, current_user, requires
from kcc.http.blueprint import Blueprint
from kcc.http.schemas import StrictSchema, Timestamp
from kcc.privacy.activities import Activity

blp = Blueprint(
    "calls", __name__, url_prefix="/api/v1/calls", description="Phone calls ringing in."
)


def view_url(call: PhoneCall) -> str:
    """Where the agent who took the call goes: the caller's view, or a search for the number."""
    party = services.party_of(call)
    if party is not None:
        return url_for("web_customer.customer", party_id=party.uuid)
    return url_for("web_agent.home", q=call.caller_number)


class CallSchema(ma.Schema):
    id = ma.fields.UUID(attribute="uuid")
    provider = ma.fields.String()
    caller_number = ma.fields.String()
    team = ma.fields.String()
    status = ma.fields.String(metadata={"description": "ringing, in_progress, completed, missed"})
    party_id = ma.fields.Method("_party", allow_none=True)
    taken_at = Timestamp(allow_none=True)
    ended_at = Timestamp(allow_none=True)
    duration_seconds = ma.fields.Integer(allow_none=True)
    created_at = Timestamp()
    view_url = ma.fields.Method(
        "_view", metadata={"description": "The caller's view, or a search for an unknown number."}
    )

    def _party(self, call: PhoneCall) -> str | None:
        party = services.party_of(call)
        return str(party.uuid) if party is not None else None

    def _view(self, call: PhoneCall) -> str:
        return view_url(call)


class RingingArgs(StrictSchema):
    team = ma.fields.String(
        validate=validate.Length(1, 100),
        metadata={"description": "A team's queue; default: the caller's own team."},
    )


@blp.route("")
class Calls(MethodView):
    @requires(*STAFF, activity=Activity.CUSTOMER_CONTACT)
    @blp.arguments(RingingArgs, location="query", unknown=ma.RAISE)
    @blp.response(200, CallSchema(many=True))
    def get(self, args: dict[str, Any]) -> Any:
        """Calls ringing now, oldest first"""
        return services.ringing_calls(args.get("team") or current_user().team)


@blp.route("/<uuid:call_id>/take")
class TakeCall(MethodView):
    @requires(*STAFF, activity=Activity.CUSTOMER_CONTACT)
    @blp.response(200, CallSchema)
    def post(self, call_id: uuid.UUID) -> Any:
        """Take a ringing call; the answer says where the caller's view is"""
        return services.take_call(call_id, current_user())
