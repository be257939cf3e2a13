"""Request and response shapes for tasks."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from kcc.constants import TaskKind, TaskStatus
from kcc.http.schemas import StrictSchema, Timestamp

KINDS = validate.OneOf([k.value for k in TaskKind])
STATUSES = validate.OneOf([s.value for s in TaskStatus])


class TaskInSchema(StrictSchema):
    kind = ma.fields.String(required=True, validate=KINDS)
    party_id = ma.fields.UUID(load_default=None, allow_none=True)
    contact_moment_id = ma.fields.UUID(load_default=None, allow_none=True)
    assigned_user_id = ma.fields.UUID(load_default=None, allow_none=True)
    assigned_team = ma.fields.String(
        load_default=None, allow_none=True, validate=validate.Length(1, 100)
    )
    description = ma.fields.String(
        load_default="",
        validate=validate.Length(max=4000),
        metadata={"description": "What is asked."},
    )
    note = ma.fields.String(load_default="", validate=validate.Length(max=4000))
    received_at = Timestamp(
        load_default=None,
        allow_none=True,
        metadata={"description": "Date of receipt; defaults to now."},
    )
    due_at = Timestamp(
        load_default=None,
        allow_none=True,
        metadata={
            "description": "Not for complaints and objections: computed from the statutory term."
        },
    )
    advisory_committee = ma.fields.Boolean(
        load_default=False,
        metadata={
            "description": "Complaints/objections heard by an advisory committee get the longer term."
        },
    )


class TaskPatchSchema(StrictSchema):
    status = ma.fields.String(validate=STATUSES)
    assigned_user_id = ma.fields.UUID(allow_none=True)
    assigned_team = ma.fields.String(allow_none=True, validate=validate.Length(1, 100))
    description = ma.fields.String(validate=validate.Length(max=4000))
    note = ma.fields.String(validate=validate.Length(max=4000))
    due_at = Timestamp(allow_none=True)
    extend = ma.fields.Boolean(
        metadata={
            "description": "Extend the statutory term once (complaint +4 weeks, objection +6 weeks)."
        }
    )


class TaskSchema(ma.Schema):
    id = ma.fields.UUID(attribute="uuid")
    kind = ma.fields.String()
    status = ma.fields.String()
    party_id = ma.fields.UUID(attribute="party.uuid", allow_none=True, dump_default=None)
    contact_moment_id = ma.fields.UUID(
        attribute="contact_moment.uuid", allow_none=True, dump_default=None
    )
    assigned_user_id = ma.fields.UUID(
        attribute="assigned_user.uuid", allow_none=True, dump_default=None
    )
    assigned_team = ma.fields.String(allow_none=True)
    description = ma.fields.String()
    note = ma.fields.String()
    received_at = Timestamp()
    due_at = Timestamp(allow_none=True)
    advisory_committee = ma.fields.Boolean()
    extended_at = Timestamp(allow_none=True)
    completed_at = Timestamp(allow_none=True)
    created_at = Timestamp()


class TaskSearchArgs(StrictSchema):
    status = ma.fields.String(validate=STATUSES)
    open = ma.fields.Boolean(
        load_default=False, metadata={"description": "Only open and in-progress tasks."}
    )
    kind = ma.fields.String(validate=KINDS)
    party = ma.fields.UUID()
    assigned_user = ma.fields.UUID()
    assigned_team = ma.fields.String(validate=validate.Length(max=100))
    overdue = ma.fields.Boolean(
        load_default=False, metadata={"description": "Open tasks past their due date."}
    )
    due_within_days = ma.fields.Integer(
        validate=validate.Range(0, 365),
        metadata={"description": "Open tasks due within this many days (overdue included)."},
    )
    limit = ma.fields.Integer(load_default=20, validate=validate.Range(1, 100))
    cursor = ma.fields.String(load_default=None, validate=validate.Length(max=500))


NOTE = validate.Length(max=4000)


class CompleteSchema(StrictSchema):
    note = ma.fields.String(
        load_default="", validate=NOTE, metadata={"description": "A closing comment."}
    )


class ReassignSchema(StrictSchema):
    user_id = ma.fields.UUID(
        load_default=None,
        allow_none=True,
        metadata={"description": "An active colleague who takes the task personally."},
    )
    team = ma.fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(1, 100),
        metadata={"description": "An active team whose queue gets the task (unassigned)."},
    )
    note = ma.fields.String(load_default="", validate=NOTE)


class CommentInSchema(StrictSchema):
    text = ma.fields.String(required=True, validate=validate.Length(1, 4000))


class CallbackAttemptSchema(StrictSchema):
    result = ma.fields.String(
        required=True,
        validate=validate.OneOf(["reached", "not_reached", "left_message"]),
        metadata={"description": "reached completes the callback; the others keep it open."},
    )
    note = ma.fields.String(load_default="", validate=NOTE)


class CommentSchema(ma.Schema):
    id = ma.fields.UUID(attribute="uuid")
    text = ma.fields.String()
    callback_result = ma.fields.String(allow_none=True)
    author_id = ma.fields.UUID(attribute="author.uuid", allow_none=True, dump_default=None)
    author = ma.fields.String(attribute="author.display_name", allow_none=True, dump_default=None)
    created_at = Timestamp()


class ContactRequestSchema(StrictSchema):
    description = ma.fields.String(
        required=True,
        validate=validate.Length(1, 4000),
        metadata={"description": "What the resident asked."},
    )
    party_id = ma.fields.UUID(load_default=None, allow_none=True)
    contact_moment_id = ma.fields.UUID(load_default=None, allow_none=True)
    note = ma.fields.String(load_default="", validate=NOTE)
    due_at = Timestamp(
        load_default=None,
        allow_none=True,
        metadata={"description": "Defaults to two working days from now."},
    )
    to_user_id = ma.fields.UUID(
        load_default=None, allow_none=True, metadata={"description": "An active colleague."}
    )
    to_team = ma.fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(1, 100),
        metadata={"description": "An active team (its key)."},
    )
    to_department = ma.fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(1, 100),
        metadata={
            "description": "A department (its key): the request goes to its default team's "
            "queue and its mailbox is told."
        },
    )
