"""Routes for /api/v1/tasks."""

from __future__ import annotations

import uuid
from typing import Any

import marshmallow as ma
from flask.views import MethodView

from kcc.auth.access import STAFF, STAFF_AND_SYSTEM, requires
from kcc.http.blueprint import Blueprint
from kcc.http.idempotency import idempotent
from kcc.http.schemas import page_of
from kcc.privacy.activities import Activity
from kcc.tasks import services
from kcc.tasks.schemas import TaskInSchema, TaskPatchSchema, TaskSchema, TaskSearchArgs

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
        return services.create_task(services.TaskInput(**data))


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
        return services.update_task(task_id, changes)
