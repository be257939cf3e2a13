"""Routes for suggestions: a party's list, and an agent's approve, accept and decline."""

from __future__ import annotations

import uuid
from typing import Any

import marshmallow as ma
from flask.views import MethodView
from sqlalchemy import select

from journeys.suggestions import services
from journeys.suggestions.models import Suggestion
from journeys.suggestions.sections import suggestion_dict
from kcc.auth.access import STAFF, current_user, requires
from kcc.constants import Action
from kcc.db import db
from kcc.http.blueprint import Blueprint
from kcc.http.schemas import PageArgs
from kcc.pagination import decode_cursor, encode_cursor
from kcc.parties.services import get_party
from kcc.privacy.activities import Activity
from kcc.privacy.services import log_processing

party_blp = Blueprint(
    "party_suggestions",
    __name__,
    url_prefix="/api/v1/parties",
    description="Suggestions journeys offered a party.",
)
blp = Blueprint(
    "suggestions",
    __name__,
    url_prefix="/api/v1/suggestions",
    description="Answer or approve a suggestion.",
)


FIELDS = (
    "type",
    "id",
    "journey",
    "version",
    "state",
    "service",
    "text",
    "texts",
    "status",
    "delivery",
    "approval",
    "actions",
    "channel",
    "message_id",
    "note",
    "created_at",
    "approved_at",
    "sent_at",
    "answered_at",
    "answered_by",
    "expires_at",
    "explanation",
    "why",
    "why_nl",
)
SuggestionSchema = ma.Schema.from_dict(
    {f: ma.fields.Raw(allow_none=True) for f in FIELDS}, name="SuggestionSchema"
)


class SuggestionPageSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(SuggestionSchema))
    next_cursor = ma.fields.String(allow_none=True)


@party_blp.route("/<uuid:party_id>/suggestions")
class PartySuggestions(MethodView):
    @requires(*STAFF, activity=Activity.PROACTIVE_SERVICE)
    @party_blp.arguments(PageArgs, location="query", unknown=ma.RAISE)
    @party_blp.response(200, SuggestionPageSchema)
    def get(self, args: dict[str, Any], party_id: uuid.UUID) -> dict[str, Any]:
        """A party's suggestions, newest first, each with its explanation"""
        party = get_party(party_id, log=False)
        query = (
            select(Suggestion).where(Suggestion.party_id == party.id).order_by(Suggestion.id.desc())
        )
        after = decode_cursor(args["cursor"], {"id": int})
        if after is not None:
            query = query.where(Suggestion.id < after["id"])
        rows = list(db.session().scalars(query.limit(args["limit"] + 1)))
        next_cursor = (
            encode_cursor({"id": rows[args["limit"] - 1].id}) if len(rows) > args["limit"] else None
        )
        log_processing([party.uuid], Action.READ)
        return {
            "items": [suggestion_dict(s, party.preferred_language) for s in rows[: args["limit"]]],
            "next_cursor": next_cursor,
        }


class QueueItemSchema(SuggestionSchema):  # type: ignore[valid-type,misc]
    party_id = ma.fields.String(metadata={"description": "The resident it would go to."})


class QueuePageSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(QueueItemSchema))
    next_cursor = ma.fields.String(allow_none=True)


@blp.route("/awaiting-approval")
class AwaitingApproval(MethodView):
    @requires(*STAFF, activity=Activity.PROACTIVE_SERVICE)
    @blp.arguments(PageArgs, location="query", unknown=ma.RAISE)
    @blp.response(200, QueuePageSchema)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """One queue across residents: suggestions waiting for an agent's approval, oldest first"""
        rows, next_cursor = services.awaiting_approval(args["limit"], args["cursor"])
        parties = services.party_uuids({s.party_id for s in rows})
        if parties:
            log_processing(sorted(set(parties.values())), Action.READ)
        return {
            "items": [{**suggestion_dict(s), "party_id": str(parties[s.party_id])} for s in rows],
            "next_cursor": next_cursor,
        }


def _agent() -> str:
    return f"agent:{current_user().uuid}"


@blp.route("/<uuid:suggestion_id>/approve")
class Approve(MethodView):
    @requires(*STAFF, activity=Activity.PROACTIVE_SERVICE)
    @blp.response(200, SuggestionSchema)
    def post(self, suggestion_id: uuid.UUID) -> dict[str, Any]:
        """Approve a suggestion; it is sent at once if the resident's consent still allows"""
        return suggestion_dict(services.approve(suggestion_id, current_user().id))


class WithholdSchema(ma.Schema):
    reason = ma.fields.String(
        load_default="",
        validate=ma.validate.Length(max=500),
        metadata={"description": "Why the agent does not send it (kept with the suggestion)."},
    )


@blp.route("/<uuid:suggestion_id>/withhold")
class Withhold(MethodView):
    @requires(*STAFF, activity=Activity.PROACTIVE_SERVICE)
    @blp.arguments(WithholdSchema)
    @blp.response(200, SuggestionSchema)
    def post(self, data: dict[str, Any], suggestion_id: uuid.UUID) -> dict[str, Any]:
        """Do not send a suggestion that is not sent yet (the agent's decision, not the resident's no)"""
        return suggestion_dict(services.withhold(suggestion_id, data["reason"].strip()))


@blp.route("/<uuid:suggestion_id>/accept")
class Accept(MethodView):
    @requires(*STAFF, activity=Activity.PROACTIVE_SERVICE)
    @blp.response(200, SuggestionSchema)
    def post(self, suggestion_id: uuid.UUID) -> dict[str, Any]:
        """Record that the resident said yes (nothing is applied for or granted by this)"""
        return suggestion_dict(services.answer(suggestion_id, True, _agent()))


@blp.route("/<uuid:suggestion_id>/decline")
class Decline(MethodView):
    @requires(*STAFF, activity=Activity.PROACTIVE_SERVICE)
    @blp.response(200, SuggestionSchema)
    def post(self, suggestion_id: uuid.UUID) -> dict[str, Any]:
        """Record that the resident said no"""
        return suggestion_dict(services.answer(suggestion_id, False, _agent()))
