"""Route for supervisors to read the processing log."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask.views import MethodView
from marshmallow import validate

from kcc.auth.access import SUPERVISION, requires
from kcc.http.blueprint import Blueprint
from kcc.http.schemas import StrictSchema, Timestamp, page_of
from kcc.privacy.activities import Activity
from kcc.privacy.services import list_processing

blp = Blueprint(
    "processing_log",
    __name__,
    url_prefix="/api/v1/processing-log",
    description="Who processed whose personal data, when and why.",
)


class ProcessingArgs(StrictSchema):
    party = ma.fields.UUID(metadata={"description": "Only records about this party."})
    since = Timestamp()
    limit = ma.fields.Integer(load_default=50, validate=validate.Range(1, 500))
    cursor = ma.fields.String(load_default=None, validate=validate.Length(max=500))


class ProcessingRecordSchema(ma.Schema):
    id = ma.fields.UUID()
    occurred_at = Timestamp()
    trace_id = ma.fields.String()
    span_id = ma.fields.String()
    operation = ma.fields.String()
    action = ma.fields.String(
        metadata={"description": "create, read, update, delete, search, export"}
    )
    activity = ma.fields.String(metadata={"description": "The processing activity served."})
    status = ma.fields.String()
    actor_type = ma.fields.String()
    actor_id = ma.fields.String()
    party_id = ma.fields.String(
        metadata={"description": "The data subject (decrypted for the supervisor)."}
    )


@blp.route("")
class ProcessingLog(MethodView):
    @requires(*SUPERVISION, activity=Activity.SUPERVISION)
    @blp.arguments(ProcessingArgs, location="query", unknown=ma.RAISE)
    @blp.response(200, page_of(ProcessingRecordSchema))
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Read the processing log, newest first"""
        items, next_cursor = list_processing(
            args.get("party"), args["limit"], args["cursor"], args.get("since")
        )
        return {"items": items, "next_cursor": next_cursor}
