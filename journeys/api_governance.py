"""Routes for four eyes, diffs, the emergency stop and failed deliveries of /api/v1/journeys."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask.views import MethodView
from marshmallow import validate
from sqlalchemy import select

from journeys import emergency, governance, versions
from journeys.api import DESIGNERS, READERS, version_json
from journeys.constants import DeliveryStatus
from journeys.models import JourneyDelivery
from journeys.schemas import VersionDetailSchema
from kcc.auth.access import current_user, requires
from kcc.constants import Action
from kcc.db import db
from kcc.http.blueprint import Blueprint
from kcc.http.schemas import StrictSchema
from kcc.parties.models import Party
from kcc.privacy.activities import Activity
from kcc.privacy.services import log_processing

ACTIVITY = Activity.PROACTIVE_SERVICE

blp = Blueprint(
    "journey_governance",
    __name__,
    url_prefix="/api/v1/journeys",
    description="Four eyes, version diffs, the emergency stop and failed deliveries.",
)


class ReasonInSchema(StrictSchema):
    reason = ma.fields.String(
        required=True,
        validate=validate.Length(min=3, max=500),
        metadata={"description": "Why; kept with the suspension or in each instance's steps."},
    )


class CancelInSchema(ReasonInSchema):
    version = ma.fields.Integer(
        load_default=None, metadata={"description": "Only this version's instances."}
    )


class DiffArgs(ma.Schema):
    against = ma.fields.Integer(
        load_default=None,
        metadata={"description": "The version to compare with (default: the one before)."},
    )


class DiffSchema(ma.Schema):
    journey = ma.fields.String()
    from_ = ma.fields.Integer(data_key="from", attribute="from")
    to = ma.fields.Integer()
    diff = ma.fields.String(metadata={"description": "A unified diff of the two documents."})


class SuspensionSchema(ma.Schema):
    journey = ma.fields.String()
    version = ma.fields.Integer(allow_none=True)
    suspended = ma.fields.Boolean()
    suspended_at = ma.fields.DateTime(allow_none=True)
    suspended_by = ma.fields.String(allow_none=True)
    reason = ma.fields.String(allow_none=True)


class CancelledSchema(ma.Schema):
    journey = ma.fields.String()
    version = ma.fields.Integer(allow_none=True)
    cancelled = ma.fields.Integer(metadata={"description": "How many running instances stopped."})


class DeliveryArgs(ma.Schema):
    status = ma.fields.String(
        load_default=None, validate=validate.OneOf([s.value for s in DeliveryStatus])
    )


class DeliverySchema(ma.Schema):
    id = ma.fields.UUID(attribute="uuid")
    party_id = ma.fields.UUID()
    event = ma.fields.String(attribute="trigger_on")
    status = ma.fields.String(metadata={"description": "failed, held, done or given_up"})
    error = ma.fields.String(allow_none=True)
    attempts = ma.fields.Integer()
    next_attempt_at = ma.fields.DateTime(allow_none=True)
    created_at = ma.fields.DateTime()
    updated_at = ma.fields.DateTime()


class DeliveryListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(DeliverySchema))


@blp.route("/<string:key>/versions/<int:number>/approve")
class ApproveVersion(MethodView):
    @requires(*DESIGNERS, activity=ACTIVITY)
    @blp.response(200, VersionDetailSchema)
    def post(self, key: str, number: int) -> dict[str, Any]:
        """Approve a draft for publication; 403 for its own author (four eyes)"""
        return version_json(governance.approve(key, number, str(current_user().uuid)))


@blp.route("/<string:key>/versions/<int:number>/diff")
class VersionDiff(MethodView):
    @requires(*READERS, activity=ACTIVITY)
    @blp.arguments(DiffArgs, location="query")
    @blp.response(200, DiffSchema)
    def get(self, args: dict[str, Any], key: str, number: int) -> dict[str, Any]:
        """What changed: a unified diff of the document against another version"""
        return governance.diff(key, number, args["against"])


def _suspension_routes(path: str, versioned: bool) -> None:
    class Suspend(MethodView):
        @requires(*DESIGNERS, activity=ACTIVITY)
        @blp.arguments(ReasonInSchema)
        @blp.response(200, SuspensionSchema)
        def post(self, data: dict[str, Any], key: str, number: int | None = None) -> Any:
            """Emergency stop: no events applied, timers held, nothing sent, until resumed"""
            return emergency.suspend(key, number, data["reason"], str(current_user().uuid))

    class Resume(MethodView):
        @requires(*DESIGNERS, activity=ACTIVITY)
        @blp.response(200, SuspensionSchema)
        def post(self, key: str, number: int | None = None) -> Any:
            """Resume a suspended journey or version; held events are taken again"""
            return emergency.resume(key, number, str(current_user().uuid))

    suffix = "Version" if versioned else "Journey"
    Suspend.__name__, Resume.__name__ = f"Suspend{suffix}", f"Resume{suffix}"
    blp.route(f"{path}/suspend")(Suspend)
    blp.route(f"{path}/resume")(Resume)


_suspension_routes("/<string:key>", versioned=False)
_suspension_routes("/<string:key>/versions/<int:number>", versioned=True)


@blp.route("/<string:key>/cancel-instances")
class CancelInstances(MethodView):
    @requires(*DESIGNERS, activity=ACTIVITY)
    @blp.arguments(CancelInSchema)
    @blp.response(200, CancelledSchema)
    def post(self, data: dict[str, Any], key: str) -> dict[str, Any]:
        """Cancel every running instance of the journey (or of one version), with a reason"""
        count = emergency.cancel_instances(
            key, data["version"], data["reason"], str(current_user().uuid)
        )
        return {"journey": key, "version": data["version"], "cancelled": count}


@blp.route("/<string:key>/deliveries")
class Deliveries(MethodView):
    @requires(*DESIGNERS, activity=ACTIVITY)
    @blp.arguments(DeliveryArgs, location="query")
    @blp.response(200, DeliveryListSchema)
    def get(self, args: dict[str, Any], key: str) -> dict[str, Any]:
        """Events this journey could not take: failed (with the error, retried) or held"""
        versions.get_journey(key)
        query = (
            select(JourneyDelivery, Party.uuid)
            .join(Party, Party.id == JourneyDelivery.party_id)
            .where(JourneyDelivery.journey_key == key)
            .order_by(JourneyDelivery.id.desc())
            .limit(200)
        )
        if args["status"]:
            query = query.where(JourneyDelivery.status == args["status"])
        rows = db.session().execute(query).all()
        log_processing([party for _, party in rows], Action.READ)
        fields = ("uuid", "trigger_on", "status", "error", "attempts", "next_attempt_at")
        items = [
            {
                **{name: getattr(delivery, name) for name in fields},
                "created_at": delivery.created_at,
                "updated_at": delivery.updated_at,
                "party_id": party,
            }
            for delivery, party in rows
        ]
        return {"items": items}
