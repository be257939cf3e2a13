"""Routes for /api/v1/tasks."""

from __future__ import annotations

import uuid
from typing import Any

import marshmallow as ma
from flask.views import MethodView

from kcc.auth.access import STAFF, STAFF_AND_SYSTEM, current_user, requires
from kcc.http.blueprint import Blueprint
from kcc.http.idempotency import idempotent
from kcc.http.schemas import page_of
from kcc.privacy.activities import Activity
from kcc.tasks import handling, requests, services
from kcc.tasks.schemas import (
    CallbackAttemptSchema,
    CommentInSchema,
    CommentSchema,
    CompleteSchema,
    ContactRequestSchema,
    ReassignSchema,
    TaskInSchema,
    TaskPatchSchema,
    TaskSchema,
    TaskSearchArgs,
)

blp = Blueprint(
    "tasks",
    __name__,
    url_prefix="/api/v1/tasks",
    description="Callbacks, follow-ups, complaints and objections.",
)


@blp.route("")
class Tasks(MethodView):
    @requires(*STAFF_AND_SYSTEM, activity=Activity.TASK_HANDLING)
    @blp.arguments(TaskSearchArgs, location="query", unknown=ma.RAISE)
    @blp.response(200, page_of(TaskSchema))
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """List tasks by due date, soonest first (filters for overdue and due soon)"""
        query = services.TaskQuery(
            status=args.get("status"),
            open_only=args["open"],
            kind=args.get("kind"),
            party_id=args.get("party"),
            assigned_user_id=args.get("assigned_user"),
            assigned_team=args.get("assigned_team"),
            overdue=args["overdue"],
            due_within_days=args.get("due_within_days"),
        )
        items, next_cursor = services.list_tasks(query, args["limit"], args["cursor"])
        return {"items": items, "next_cursor": next_cursor}

    @requires(*STAFF_AND_SYSTEM, activity=Activity.TASK_HANDLING)
    @idempotent
    @blp.arguments(TaskInSchema)
    @blp.response(201, TaskSchema)
    def post(self, data: dict[str, Any]) -> Any:
        """Create a task; complaints and objections get their statutory deadline"""
        return services.create_task(services.TaskInput(**data), check_directory=True)


@blp.route("/<uuid:task_id>")
class TaskItem(MethodView):
    @requires(*STAFF_AND_SYSTEM, activity=Activity.TASK_HANDLING)
    @blp.response(200, TaskSchema)
    def get(self, task_id: uuid.UUID) -> Any:
        """Read one task"""
        return services.get_task(task_id)

    @requires(*STAFF, activity=Activity.TASK_HANDLING)
    @blp.arguments(TaskPatchSchema)
    @blp.response(200, TaskSchema)
    def patch(self, changes: dict[str, Any], task_id: uuid.UUID) -> Any:
        """Change status, assignment or note, or extend a statutory term once"""
        return services.update_task(task_id, changes, check_directory=True)


@blp.route("/contact-requests")
class ContactRequests(MethodView):
    @requires(*STAFF, activity=Activity.TASK_HANDLING)
    @idempotent
    @blp.arguments(ContactRequestSchema)
    @blp.response(201, TaskSchema)
    def post(self, data: dict[str, Any]) -> Any:
        """Send a callback request (contactverzoek) to a colleague, a team or a department"""
        return requests.request_contact(requests.ContactRequestInput(**data))


@blp.route("/<uuid:task_id>/complete")
class CompleteTask(MethodView):
    @requires(*STAFF, activity=Activity.TASK_HANDLING)
    @blp.arguments(CompleteSchema)
    @blp.response(200, TaskSchema)
    def post(self, data: dict[str, Any], task_id: uuid.UUID) -> Any:
        """Mark an open task done, with an optional closing comment"""
        return handling.complete_task(task_id, current_user().id, data["note"])


@blp.route("/<uuid:task_id>/reassign")
class ReassignTask(MethodView):
    @requires(*STAFF, activity=Activity.TASK_HANDLING)
    @blp.arguments(ReassignSchema)
    @blp.response(200, TaskSchema)
    def post(self, data: dict[str, Any], task_id: uuid.UUID) -> Any:
        """Hand an open task to an active colleague or to an active team's queue"""
        return handling.reassign_task(
            task_id,
            current_user().id,
            user_id=data["user_id"],
            team=data["team"],
            note=data["note"],
        )


@blp.route("/<uuid:task_id>/comments")
class TaskComments(MethodView):
    @requires(*STAFF, activity=Activity.TASK_HANDLING)
    @blp.response(200, CommentSchema(many=True))
    def get(self, task_id: uuid.UUID) -> Any:
        """The task's comments and callback outcomes, oldest first"""
        return handling.task_comments(task_id)

    @requires(*STAFF, activity=Activity.TASK_HANDLING)
    @blp.arguments(CommentInSchema)
    @blp.response(201, CommentSchema)
    def post(self, data: dict[str, Any], task_id: uuid.UUID) -> Any:
        """Comment on a task"""
        return handling.comment_on_task(task_id, current_user().id, data["text"])


@blp.route("/<uuid:task_id>/callback-attempts")
class CallbackAttempts(MethodView):
    @requires(*STAFF, activity=Activity.TASK_HANDLING)
    @blp.arguments(CallbackAttemptSchema)
    @blp.response(201, CommentSchema)
    def post(self, data: dict[str, Any], task_id: uuid.UUID) -> Any:
        """Record a callback: reached (completes it), not reached or left a message"""
        return handling.record_callback(task_id, current_user().id, data["result"], data["note"])
