"""Routes for /api/v1/queues (what waits per team, the caller's own work and presence) and
/api/v1/canned-replies (teams' reusable answers, kept by supervisors and admins)."""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView
from sqlalchemy import select

from channels.constants import Presence
from channels.conversations import canned, queues
from channels.conversations.models import AgentPresence
from channels.conversations.work_schemas import (
    CannedInSchema,
    CannedListArgs,
    CannedSchema,
    PresenceSchema,
    QueueSchema,
    QueuesSchema,
    SupervisionSchema,
)
from kcc.auth.access import STAFF, SUPERVISION, current_user, requires
from kcc.db import db
from kcc.directory.services import get_team
from kcc.http.blueprint import Blueprint
from kcc.privacy.activities import Activity

blp = Blueprint(
    "queues",
    __name__,
    url_prefix="/api/v1/queues",
    description="Team queues: what waits and for how long; agents' presence.",
)
canned_blp = Blueprint(
    "canned_replies",
    __name__,
    url_prefix="/api/v1/canned-replies",
    description="Reusable answers per team, with placeholders such as {name}.",
)


def presence_of(user_id: int) -> str:
    found = db.session().scalar(
        select(AgentPresence.status).where(AgentPresence.user_id == user_id)
    )
    return found or Presence.AVAILABLE


@blp.route("")
class Queues(MethodView):
    @requires(*STAFF, activity=Activity.CUSTOMER_CONTACT)
    @blp.response(200, QueuesSchema)
    def get(self) -> dict[str, Any]:
        """Every team's queue (waiting, unassigned, longest wait) and the caller's unread count"""
        caller = current_user()
        open_count, unread = queues.my_unread(caller.id)
        return {
            "items": queues.queue_summaries(),
            "mine": {
                "open_conversations": open_count,
                "unread": unread,
                "presence": presence_of(caller.id),
            },
        }


@blp.route("/supervision")
class Supervision(MethodView):
    @requires(*SUPERVISION, activity=Activity.SUPERVISION)
    @blp.response(200, SupervisionSchema)
    def get(self) -> dict[str, Any]:
        """The live view: waiting per queue, the longest wait, and which agents are available"""
        summaries = queues.queue_summaries()
        agents = queues.agents()
        waits = [q.longest_wait_seconds for q in summaries if q.longest_wait_seconds is not None]
        return {
            "queues": summaries,
            "agents": agents,
            "agents_available": sum(1 for a in agents if a.available),
            "waiting": sum(q.waiting for q in summaries),
            "longest_wait_seconds": max(waits) if waits else None,
        }


@blp.route("/presence")
class MyPresence(MethodView):
    @requires(*STAFF, activity=Activity.CUSTOMER_CONTACT)
    @blp.arguments(PresenceSchema)
    @blp.response(200, PresenceSchema)
    def put(self, data: dict[str, Any]) -> dict[str, Any]:
        """Say whether you take conversations now (available) or not (away)"""
        return {"status": queues.set_presence(current_user().id, data["status"])}


@blp.route("/<team>")
class TeamQueue(MethodView):
    @requires(*STAFF, activity=Activity.CUSTOMER_CONTACT)
    @blp.response(200, QueueSchema)
    def get(self, team: str) -> Any:
        """One team's queue (404 for a team the directory does not know)"""
        get_team(team)
        return queues.queue_summaries(team)[0]


@canned_blp.route("")
class CannedReplies(MethodView):
    @requires(*STAFF, activity=Activity.CUSTOMER_CONTACT)
    @canned_blp.arguments(CannedListArgs, location="query")
    @canned_blp.response(200, CannedSchema(many=True))
    def get(self, args: dict[str, Any]) -> Any:
        """Canned replies, by team and title (of one team with ?team=)"""
        return canned.list_canned([args["team"]] if args["team"] else None)

    @requires(*SUPERVISION, activity=Activity.CUSTOMER_CONTACT)
    @canned_blp.arguments(CannedInSchema)
    @canned_blp.response(201, CannedSchema)
    def post(self, data: dict[str, Any]) -> Any:
        """Add a canned reply to a team (supervisors and admins)"""
        return canned.create_canned(canned.CannedInput(**data))


@canned_blp.route("/<uuid:canned_id>")
class CannedReplyItem(MethodView):
    @requires(*STAFF, activity=Activity.CUSTOMER_CONTACT)
    @canned_blp.response(200, CannedSchema)
    def get(self, canned_id: uuid.UUID) -> Any:
        """One canned reply"""
        return canned.get_canned(canned_id)

    @requires(*SUPERVISION, activity=Activity.CUSTOMER_CONTACT)
    @canned_blp.arguments(CannedInSchema)
    @canned_blp.response(200, CannedSchema)
    def put(self, data: dict[str, Any], canned_id: uuid.UUID) -> Any:
        """Change a canned reply (supervisors and admins)"""
        return canned.update_canned(canned_id, canned.CannedInput(**data))

    @requires(*SUPERVISION, activity=Activity.CUSTOMER_CONTACT)
    @canned_blp.response(204)
    def delete(self, canned_id: uuid.UUID) -> None:
        """Remove a canned reply (supervisors and admins)"""
        canned.delete_canned(canned_id)
