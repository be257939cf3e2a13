"""Routes for the webhook subscribers of catalogue services and their deliveries."""

from __future__ import annotations

import uuid
from typing import Any

import marshmallow as ma
from flask.views import MethodView

from journeys.outgoing import services
from kcc.auth.access import requires
from kcc.constants import Role
from kcc.http.blueprint import Blueprint
from kcc.privacy.activities import Activity

MANAGERS = (Role.PROCESS_OWNER, Role.ADMIN)
ACTIVITY = Activity.PROACTIVE_SERVICE

blp = Blueprint(
    "service_subscribers",
    __name__,
    url_prefix="/api/v1/service-subscribers",
    description="Systems told (by a signed CloudEvent) when a resident asks for a service.",
)


class SubscriberSchema(ma.Schema):
    id = ma.fields.String(dump_only=True)
    service = ma.fields.String(required=True, validate=ma.validate.Length(1, 64))
    url = ma.fields.String(required=True, validate=ma.validate.Length(1, 500))
    secret = ma.fields.String(
        required=True,
        load_only=True,
        validate=ma.validate.Length(max=200),
        metadata={"description": "The HMAC-SHA256 key; write-only."},
    )
    description = ma.fields.String(load_default="", validate=ma.validate.Length(max=200))
    active = ma.fields.Boolean(dump_only=True)
    has_secret = ma.fields.Boolean(dump_only=True)
    created_at = ma.fields.DateTime(dump_only=True)
    updated_at = ma.fields.DateTime(dump_only=True)


class SubscriberPatchSchema(ma.Schema):
    url = ma.fields.String(validate=ma.validate.Length(1, 500))
    secret = ma.fields.String(load_only=True, validate=ma.validate.Length(max=200))
    description = ma.fields.String(validate=ma.validate.Length(max=200))
    active = ma.fields.Boolean()


class SubscriberListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(SubscriberSchema))


class ListArgs(ma.Schema):
    service = ma.fields.String(validate=ma.validate.Length(max=64))


class DeliveryArgs(ma.Schema):
    status = ma.fields.String(validate=ma.validate.OneOf(["pending", "delivered", "failed"]))


class EventDeliverySchema(ma.Schema):
    id = ma.fields.String()
    event_id = ma.fields.String()
    type = ma.fields.String()
    subject = ma.fields.String(metadata={"description": "The accepted suggestion."})
    status = ma.fields.String()
    attempts = ma.fields.Integer()
    last_status = ma.fields.Integer(allow_none=True)
    last_error = ma.fields.String()
    next_attempt_at = ma.fields.DateTime(allow_none=True)
    created_at = ma.fields.DateTime()
    delivered_at = ma.fields.DateTime(allow_none=True)


class EventDeliveryListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(EventDeliverySchema))


@blp.route("")
class Subscribers(MethodView):
    @requires(*MANAGERS, activity=ACTIVITY)
    @blp.arguments(ListArgs, location="query", unknown=ma.RAISE)
    @blp.response(200, SubscriberListSchema)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """The subscribers, optionally of one service"""
        rows = services.list_subscribers(args.get("service"))
        return {"items": [services.subscriber_dict(r) for r in rows]}

    @requires(*MANAGERS, activity=ACTIVITY)
    @blp.arguments(SubscriberSchema, unknown=ma.RAISE)
    @blp.response(201, SubscriberSchema)
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """Add a webhook that is told when a resident says yes to the service"""
        row = services.create_subscriber(
            data["service"], data["url"], data["secret"], data["description"]
        )
        return services.subscriber_dict(row)


@blp.route("/<uuid:subscriber_id>")
class Subscriber(MethodView):
    @requires(*MANAGERS, activity=ACTIVITY)
    @blp.response(200, SubscriberSchema)
    def get(self, subscriber_id: uuid.UUID) -> dict[str, Any]:
        """One subscriber (never its secret)"""
        return services.subscriber_dict(services.get_subscriber(subscriber_id))

    @requires(*MANAGERS, activity=ACTIVITY)
    @blp.arguments(SubscriberPatchSchema, unknown=ma.RAISE)
    @blp.response(200, SubscriberSchema)
    def patch(self, data: dict[str, Any], subscriber_id: uuid.UUID) -> dict[str, Any]:
        """Change the URL, the secret, the description or switch it off"""
        return services.subscriber_dict(services.update_subscriber(subscriber_id, data))


@blp.route("/<uuid:subscriber_id>/deliveries")
class Deliveries(MethodView):
    @requires(*MANAGERS, activity=ACTIVITY)
    @blp.arguments(DeliveryArgs, location="query", unknown=ma.RAISE)
    @blp.response(200, EventDeliveryListSchema)
    def get(self, args: dict[str, Any], subscriber_id: uuid.UUID) -> dict[str, Any]:
        """The subscriber's deliveries, newest first: pending, delivered or failed"""
        rows = services.list_deliveries(subscriber_id, args.get("status"))
        return {"items": [services.delivery_dict(r) for r in rows]}
