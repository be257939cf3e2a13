"""Routes for duplicate candidates, merging two parties and undoing a merge."""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView

from kcc.auth.access import STAFF, current_user, requires
from kcc.http.blueprint import Blueprint
from kcc.http.idempotency import idempotent
from kcc.http.schemas import PageArgs, page_of
from kcc.identity import duplicates, services
from kcc.identity.schemas import DuplicateSchema, MergeInSchema, MergeSchema
from kcc.privacy.activities import Activity

blp = Blueprint(
    "identity",
    __name__,
    url_prefix="/api/v1",
    description="Duplicate parties: candidates, merge and undo.",
)


@blp.route("/parties/duplicates")
class Duplicates(MethodView):
    @requires(*STAFF, activity=Activity.PARTY_REGISTRATION)
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_of(DuplicateSchema))
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Pairs of active parties sharing an identifier (BSN), a phone number or an e-mail"""
        items, next_cursor = duplicates.list_duplicates(args["limit"], args["cursor"])
        return {"items": items, "next_cursor": next_cursor}


@blp.route("/parties/<uuid:survivor_id>/merge")
class Merge(MethodView):
    @requires(*STAFF, activity=Activity.PARTY_REGISTRATION)
    @idempotent
    @blp.arguments(MergeInSchema)
    @blp.response(201, MergeSchema)
    def post(self, data: dict[str, Any], survivor_id: uuid.UUID) -> Any:
        """Merge a duplicate into this party; it is deactivated and all its references move"""
        return services.merge_parties(
            survivor_id, data["duplicate_id"], data["reason"], current_user().id
        )


@blp.route("/merges/<uuid:merge_id>")
class MergeItem(MethodView):
    @requires(*STAFF, activity=Activity.PARTY_REGISTRATION)
    @blp.response(200, MergeSchema)
    def get(self, merge_id: uuid.UUID) -> Any:
        """Read a merge record with every row it moved"""
        return services.get_merge(merge_id)


@blp.route("/merges/<uuid:merge_id>/undo")
class MergeUndo(MethodView):
    @requires(*STAFF, activity=Activity.PARTY_REGISTRATION)
    @blp.response(200, MergeSchema)
    def post(self, merge_id: uuid.UUID) -> Any:
        """Undo a merge: what was moved goes back and the duplicate is active again"""
        return services.undo_merge(merge_id, current_user().id)
