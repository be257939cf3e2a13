"""Routes for subject access (GET /api/v1/parties/{id}/export) and erasure (POST .../erasure,
with a reason, or dry)."""

from __future__ import annotations

import uuid
from typing import Any

import marshmallow as ma
from flask import Response, jsonify, request
from flask.views import MethodView
from marshmallow import validate

from kcc.auth.access import STAFF, SUPERVISION, requires
from kcc.http.blueprint import Blueprint
from kcc.http.schemas import StrictSchema
from kcc.privacy.activities import Activity
from kcc.rights.erasure import erase_party, preview_erasure
from kcc.rights.export import export_party
from kcc.rights.export_html import render_export

blp = Blueprint(
    "subject_access",
    __name__,
    url_prefix="/api/v1/parties",
    description="Subject access (GDPR art. 15).",
)


class ExportArgs(StrictSchema):
    format = ma.fields.String(
        load_default=None,
        validate=validate.OneOf(["json", "html"]),
        metadata={"description": "html for a printable page; default JSON (or by Accept)."},
    )


class ExportSchema(ma.Schema):
    """Every registered privacy section is one key holding a list; more than named here."""

    class Meta:
        unknown = ma.INCLUDE

    requested_for = ma.fields.String()
    subject = ma.fields.String(
        metadata={"description": "The surviving party when the requested one was merged."}
    )
    parties = ma.fields.List(ma.fields.String())
    exported_at = ma.fields.String()
    identity = ma.fields.List(
        ma.fields.Dict(), metadata={"description": "With the full BSN (only here)."}
    )
    addresses = ma.fields.List(ma.fields.Dict())
    contact_moments = ma.fields.List(ma.fields.Dict())
    tasks = ma.fields.List(ma.fields.Dict())
    processing_log = ma.fields.List(ma.fields.Dict())
    consents = ma.fields.List(ma.fields.Dict())
    conversations = ma.fields.List(ma.fields.Dict())
    journeys = ma.fields.List(ma.fields.Dict())
    suggestions = ma.fields.List(ma.fields.Dict())


def _wants_html(args: dict[str, Any]) -> bool:
    if args["format"] is not None:
        return bool(args["format"] == "html")
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return (
        best == "text/html"
        and request.accept_mimetypes["text/html"] > request.accept_mimetypes["application/json"]
    )


@blp.route("/<uuid:party_id>/export")
class SubjectAccessExport(MethodView):
    @requires(*STAFF, activity=Activity.SUBJECT_ACCESS)
    @blp.arguments(ExportArgs, location="query", unknown=ma.RAISE)
    @blp.response(200, ExportSchema)
    # Merged into the 200 response above (same integer key): JSON, or the printable page.
    @blp.doc(
        responses={
            200: {
                "content": {
                    "text/html": {
                        "schema": {"type": "string", "description": "The printable export page."}
                    }
                }
            }
        }
    )
    def get(self, args: dict[str, Any], party_id: uuid.UUID) -> Any:
        """Everything about a party (following merges), as JSON or a printable HTML page"""
        document = export_party(party_id)
        if _wants_html(args):
            return Response(render_export(document), mimetype="text/html")
        return jsonify(document)  # every registered section, not only the ones the schema names


class ErasureArgs(StrictSchema):
    reason = ma.fields.String(
        required=True,
        validate=validate.Length(min=3, max=2000),
        metadata={
            "description": "Why the party is erased: the resident's request (date, channel, "
            "reference). Kept with the erasure's processing-log records."
        },
    )
    dry_run = ma.fields.Boolean(
        load_default=False,
        metadata={"description": "Only say what would be erased and what kept, and why."},
    )


class KeptSchema(ma.Schema):
    section = ma.fields.String()
    what = ma.fields.String()
    count = ma.fields.Integer()
    why = ma.fields.String()
    held = ma.fields.Boolean(
        metadata={"description": "Kept only for now (an open task): ask again once it is closed."}
    )


class ErasureSchema(ma.Schema):
    party_id = ma.fields.String()
    parties = ma.fields.List(ma.fields.String())
    reason = ma.fields.String()
    dry_run = ma.fields.Boolean()
    would_erase = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.Integer(),
        metadata={"description": "Dry run: rows erasure would remove, per section."},
    )
    erased = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer())
    left = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.Integer(),
        metadata={"description": "Rows a section should have erased that are still there."},
    )
    kept = ma.fields.List(ma.fields.Nested(KeptSchema))
    complete = ma.fields.Boolean(
        metadata={"description": "Nothing erasable is left and nothing is held for later."}
    )


@blp.route("/<uuid:party_id>/erasure")
class Erasure(MethodView):
    @requires(*SUPERVISION, activity=Activity.SUBJECT_ACCESS)
    @blp.arguments(ErasureArgs)
    @blp.response(200, ErasureSchema)
    def post(self, args: dict[str, Any], party_id: uuid.UUID) -> dict[str, Any]:
        """Erase a party's data on request (or, dry, say what would go), within legal holds"""
        if args["dry_run"]:
            return {**preview_erasure(party_id), "reason": args["reason"], "dry_run": True}
        return {**erase_party(party_id, args["reason"]), "dry_run": False}
