"""Routes for /api/v1/contact-moments."""

from __future__ import annotations

import uuid
from typing import Any

import marshmallow as ma
from flask import jsonify
from flask.views import MethodView

from kcc.auth.access import STAFF_AND_SYSTEM, current_user, requires
from kcc.constants import Role
from kcc.contacts import services
from kcc.contacts.schemas import (
    ContactMomentInSchema,
    ContactMomentSchema,
    ContactSearchArgs,
    new_contact_body,
)
from kcc.db import db
from kcc.http.blueprint import Blueprint
from kcc.http.idempotency import idempotent
from kcc.http.schemas import page_of
from kcc.privacy.activities import Activity

blp = Blueprint(
    "contact_moments",
    __name__,
    url_prefix="/api/v1/contact-moments",
    description="Every interaction on every channel.",
)


@blp.route("")
class ContactMoments(MethodView):
    @requires(*STAFF_AND_SYSTEM, activity=Activity.CUSTOMER_CONTACT)
    @blp.arguments(ContactSearchArgs, location="query", unknown=ma.RAISE)
    @blp.response(200, page_of(ContactMomentSchema))
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """List contact moments, newest first"""
        query = services.ContactQuery(
            party_id=args.get("party"),
            channel=args.get("channel"),
            object_type=args.get("object_type"),
            object_id=args.get("object_id"),
        )
        items, next_cursor = services.list_contacts(query, args["limit"], args["cursor"])
        return {"items": items, "next_cursor": next_cursor}

    @requires(*STAFF_AND_SYSTEM, activity=Activity.CUSTOMER_CONTACT)
    @idempotent
    @blp.arguments(ContactMomentInSchema)
    @blp.response(201, ContactMomentSchema)
    def post(self, data: dict[str, Any]) -> Any:
        """Record a contact moment (a repeat of the same channel and external_id is harmless)"""
        if not data["topics"]:
            # Written at once (see write_contact_moment); without an Idempotency-Key, whose
            # claim began a transaction already, nothing else is written.
            db.statements_alone()
        user = current_user()
        agent = data.pop("agent")
        if agent is None and user.role != Role.SYSTEM:
            agent = user.uuid
        data["parties"] = [services.InvolvementInput(**p) for p in data["parties"]]
        data["objects"] = [services.ObjectInput(**o) for o in data["objects"]]
        recorded = services.record_new_contact(
            services.ContactInput(**data, agent_id=agent), recorded_by=user.id
        )
        if isinstance(recorded, services.NewContact):
            response = jsonify(new_contact_body(recorded))  # as the schema would dump it
            response.status_code = 201
            return response
        return recorded


@blp.route("/<uuid:contact_moment_id>")
class ContactMomentItem(MethodView):
    @requires(*STAFF_AND_SYSTEM, activity=Activity.CUSTOMER_CONTACT)
    @blp.response(200, ContactMomentSchema)
    def get(self, contact_moment_id: uuid.UUID) -> Any:
        """Read one contact moment"""
        return services.get_contact(contact_moment_id)
