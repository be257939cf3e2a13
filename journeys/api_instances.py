"""Routes for /api/v1/journey-instances and /api/v1/events (life events from other systems)."""

from __future__ import annotations

import uuid
from typing import Any

from flask import request
from flask.views import MethodView
from flask_babel import lazy_gettext as _l

from journeys import instances, lifeevents
from journeys.instances import summary
from journeys.schemas import (
    InstanceArgs,
    InstanceDetailSchema,
    InstancePageSchema,
    InstanceSchema,
    LifeEventReceiptSchema,
    SendInSchema,
    StartInSchema,
    StepResultSchema,
)
from kcc.auth.access import STAFF, current_user, requires
from kcc.constants import Role
from kcc.db import db
from kcc.errors import ValidationFailed
from kcc.http.blueprint import Blueprint
from kcc.parties.models import Party
from kcc.privacy.activities import Activity

CLOUDEVENT_TYPES = ("application/cloudevents+json",)

blp = Blueprint(
    "journey_instances",
    __name__,
    url_prefix="/api/v1/journey-instances",
    description="Residents on their journeys: state, steps and timers.",
)
events_blp = Blueprint(
    "life_events",
    __name__,
    url_prefix="/api/v1/events",
    description="Life events from other systems (CloudEvents 1.0).",
)


def _summary(instance: Any) -> dict[str, Any]:
    party = db.session().get(Party, instance.party_id)
    assert party is not None
    return summary(instance, instance.version.number, party.uuid)


@blp.route("")
class JourneyInstances(MethodView):
    @requires(*STAFF, activity=Activity.PROACTIVE_SERVICE)
    @blp.arguments(InstanceArgs, location="query")
    @blp.response(200, InstancePageSchema)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """List journey instances, newest first (?party= for one party)"""
        items, next_cursor = instances.list_instances(
            args["party"], args["status"], args["limit"], args["cursor"]
        )
        return {"items": items, "next_cursor": next_cursor}

    @requires(*STAFF, activity=Activity.PROACTIVE_SERVICE)
    @blp.arguments(StartInSchema)
    @blp.response(201, InstanceSchema)
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """Start a journey for a party (an agent's explicit start); 409 when one is active"""
        instance = instances.start_by_agent(
            data["party_id"], data["journey"], current_user().uuid, data["reason"]
        )
        return _summary(instance)


@blp.route("/<uuid:instance_id>")
class JourneyInstanceItem(MethodView):
    @requires(*STAFF, activity=Activity.PROACTIVE_SERVICE)
    @blp.response(200, InstanceDetailSchema)
    def get(self, instance_id: uuid.UUID) -> dict[str, Any]:
        """One instance with every step (what moved it and why) and its timers"""
        instance, steps, timers = instances.get_instance(instance_id)
        return {**_summary(instance), "steps": steps, "timers": timers}


@blp.route("/<uuid:instance_id>/events")
class JourneyInstanceEvents(MethodView):
    @requires(*STAFF, activity=Activity.PROACTIVE_SERVICE)
    @blp.arguments(SendInSchema)
    @blp.response(200, StepResultSchema)
    def post(self, data: dict[str, Any], instance_id: uuid.UUID) -> dict[str, Any]:
        """Send one of the journey's events to an instance (e.g. the resident opted out)"""
        result = instances.send_by_agent(
            instance_id, data["event"], current_user().uuid, data["reason"], data["event_id"]
        )
        return {
            "instance": _summary(result.instance),
            "step": result.step,
            "duplicate": result.duplicate,
        }


@events_blp.route("")
class LifeEvents(MethodView):
    @requires(Role.SYSTEM, activity=Activity.PROACTIVE_SERVICE)
    @events_blp.doc(
        requestBody={
            "required": True,
            "content": {
                "application/cloudevents+json": {"schema": {"type": "object"}},
                "application/json": {"schema": {"type": "object"}},
            },
        }
    )
    @events_blp.response(202, LifeEventReceiptSchema)
    def post(self) -> dict[str, Any]:
        """Receive a CloudEvents 1.0 event (e.g. nl.brp.address-changed with data.bsn)"""
        body = request.get_json(force=True, silent=True)
        if body is None:
            raise ValidationFailed.field(
                "body", _l("send one CloudEvent as JSON (structured mode)")
            )
        receipt = lifeevents.receive(body)
        return {
            "id": receipt.life_event.uuid,
            "status": receipt.life_event.status,
            "duplicate": receipt.duplicate,
            "detail": receipt.detail,
        }
