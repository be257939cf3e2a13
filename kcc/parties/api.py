"""Routes for /api/v1/parties: register, search, read, change, and digital addresses."""

from __future__ import annotations

import uuid
from typing import Any

import marshmallow as ma
from flask import current_app
from flask.views import MethodView

from kcc.auth.access import STAFF, STAFF_AND_SYSTEM, requires
from kcc.db import reads_and_logs
from kcc.http.blueprint import Blueprint
from kcc.http.idempotency import idempotent
from kcc.http.schemas import page_of
from kcc.parties import services
from kcc.parties.schemas import (
    DigitalAddressInSchema,
    DigitalAddressSchema,
    PartyInSchema,
    PartyPatchSchema,
    PartySchema,
    PartySearchArgs,
    party_item,
)
from kcc.parties.search import search_party_rows
from kcc.privacy.activities import Activity

blp = Blueprint(
    "parties",
    __name__,
    url_prefix="/api/v1/parties",
    description="Residents, businesses and contact persons.",
)


@blp.route("")
class Parties(MethodView):
    @reads_and_logs
    @requires(*STAFF_AND_SYSTEM, activity=Activity.CUSTOMER_CONTACT)
    @blp.arguments(PartySearchArgs, location="query", unknown=ma.RAISE)
    @blp.response(200, page_of(PartySchema))
    def get(self, args: dict[str, Any]) -> Any:
        """Find parties by BSN, phone (any notation), e-mail, KvK number or name"""
        limit, cursor = args.pop("limit"), args.pop("cursor")
        found, next_cursor = search_party_rows(services.PartyQuery(**args), limit, cursor)
        # The page as the schema would dump it, built directly (see party_item).
        items = [party_item(rows) for rows in found]
        return current_app.json.response({"items": items, "next_cursor": next_cursor})

    @requires(*STAFF_AND_SYSTEM, activity=Activity.PARTY_REGISTRATION)
    @idempotent
    @blp.arguments(PartyInSchema)
    @blp.response(201, PartySchema)
    def post(self, data: dict[str, Any]) -> Any:
        """Register a person, organisation or contact person"""
        addresses = [services.AddressInput(**a) for a in data.pop("digital_addresses", [])]
        return services.register_party(services.PartyInput(**data, digital_addresses=addresses))


@blp.route("/<uuid:party_id>")
class PartyItem(MethodView):
    @requires(*STAFF_AND_SYSTEM, activity=Activity.CUSTOMER_CONTACT)
    @blp.response(200, PartySchema)
    def get(self, party_id: uuid.UUID) -> Any:
        """Read one party"""
        return services.get_party(party_id)

    @requires(*STAFF_AND_SYSTEM, activity=Activity.PARTY_REGISTRATION)
    @blp.arguments(PartyPatchSchema)
    @blp.response(200, PartySchema)
    def patch(self, changes: dict[str, Any], party_id: uuid.UUID) -> Any:
        """Change names or preferences of a party"""
        return services.update_party(party_id, changes)


@blp.route("/<uuid:party_id>/digital-addresses")
class DigitalAddresses(MethodView):
    @requires(*STAFF_AND_SYSTEM, activity=Activity.PARTY_REGISTRATION)
    @blp.arguments(DigitalAddressInSchema)
    @blp.response(201, DigitalAddressSchema)
    def post(self, data: dict[str, Any], party_id: uuid.UUID) -> Any:
        """Add a phone number, e-mail address or other address"""
        return services.add_digital_address(party_id, services.AddressInput(**data))


@blp.route("/<uuid:party_id>/digital-addresses/<uuid:address_id>")
class DigitalAddressItem(MethodView):
    @requires(*STAFF, activity=Activity.PARTY_REGISTRATION)
    @blp.response(204)
    def delete(self, party_id: uuid.UUID, address_id: uuid.UUID) -> None:
        """Remove a digital address"""
        services.remove_digital_address(party_id, address_id)
