"""Route for the one customer view: GET /api/v1/parties/{id}/view."""

from __future__ import annotations

import uuid
from typing import Any

import marshmallow as ma
from flask.views import MethodView
from marshmallow import validate

from kcc.auth.access import STAFF, requires
from kcc.contacts.schemas import ContactMomentSchema
from kcc.db import reads_and_logs
from kcc.http.blueprint import Blueprint
from kcc.http.schemas import StrictSchema
from kcc.parties.schemas import DigitalAddressSchema, PartySchema
from kcc.privacy.activities import Activity
from kcc.tasks.schemas import TaskSchema
from kcc.view import services

blp = Blueprint(
    "customer_view",
    __name__,
    url_prefix="/api/v1/parties",
    description="Everything about one party in one call.",
)


class ViewArgs(StrictSchema):
    limit = ma.fields.Integer(
        load_default=20,
        validate=validate.Range(1, 100),
        metadata={"description": "Contact moments per page."},
    )
    cursor = ma.fields.String(load_default=None, validate=validate.Length(max=500))


class ContactPageSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(ContactMomentSchema))
    next_cursor = ma.fields.String(allow_none=True)


SECTION = ma.fields.List(
    ma.fields.Dict(),
    metadata={"description": "Filled by the channels, journeys and consent modules."},
)


class CustomerViewSchema(ma.Schema):
    party = ma.fields.Nested(PartySchema)
    digital_addresses = ma.fields.List(ma.fields.Nested(DigitalAddressSchema))
    preferred_channel = ma.fields.String(allow_none=True)
    contact_moments = ma.fields.Nested(ContactPageSchema)
    open_tasks = ma.fields.List(ma.fields.Nested(TaskSchema))
    conversations = SECTION
    journeys = SECTION
    suggestions = SECTION
    consents = SECTION


@blp.route("/<uuid:party_id>/view")
class CustomerView(MethodView):
    @reads_and_logs
    @requires(*STAFF, activity=Activity.CUSTOMER_CONTACT)
    @blp.arguments(ViewArgs, location="query", unknown=ma.RAISE)
    @blp.response(200, CustomerViewSchema)
    def get(self, args: dict[str, Any], party_id: uuid.UUID) -> dict[str, Any]:
        """The customer view: party, addresses, newest contact moments, open tasks and more"""
        view = services.customer_view(party_id, args["limit"], args["cursor"])
        return {
            "party": view.party,
            "digital_addresses": view.party.addresses,
            "preferred_channel": view.party.preferred_channel,
            "contact_moments": {"items": view.contact_moments, "next_cursor": view.next_cursor},
            "open_tasks": view.open_tasks,
            **view.sections,
        }
