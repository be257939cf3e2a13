"""Routes for /api/v1/topics: the catalogue and topic suggestions."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from typing import Any

import marshmallow as ma
from flask.views import MethodView

from kcc.auth.access import STAFF_AND_SYSTEM, requires
from kcc.constants import Role
from kcc.http.blueprint import Blueprint
from kcc.http.schemas import page_of
from kcc.privacy.activities import Activity
from kcc.topics import catalogue, suggest
from kcc.topics.schemas import (
    SuggestInSchema,
    TopicInSchema,
    TopicPatchSchema,
    TopicSchema,
    TopicSearchArgs,
    TopicSuggestionsSchema,
)

READERS = (*STAFF_AND_SYSTEM, Role.PROCESS_OWNER)
KEEPERS = (Role.ADMIN,)

blp = Blueprint(
    "topics",
    __name__,
    url_prefix="/api/v1/topics",
    description="The topic catalogue: what residents ask about.",
)


@blp.route("")
class Topics(MethodView):
    @requires(*READERS, activity=Activity.CUSTOMER_CONTACT)
    @blp.arguments(TopicSearchArgs, location="query", unknown=ma.RAISE)
    @blp.response(200, page_of(TopicSchema))
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """List topics by key; ?q= searches names and synonyms as you type"""
        items, next_cursor = catalogue.search_topics(
            args.get("q"), args["include_inactive"], args["limit"], args["cursor"]
        )
        return {"items": items, "next_cursor": next_cursor}

    @requires(*KEEPERS, activity=Activity.SYSTEM)
    @blp.arguments(TopicInSchema)
    @blp.response(201, TopicSchema)
    def post(self, data: dict[str, Any]) -> Any:
        """Add a topic to the catalogue"""
        return catalogue.create_topic(catalogue.TopicInput(**data))


@blp.route("/<uuid:topic_id>")
class TopicItem(MethodView):
    @requires(*READERS, activity=Activity.CUSTOMER_CONTACT)
    @blp.response(200, TopicSchema)
    def get(self, topic_id: uuid.UUID) -> Any:
        """Read one topic"""
        return catalogue.get_topic(topic_id)

    @requires(*KEEPERS, activity=Activity.SYSTEM)
    @blp.arguments(TopicPatchSchema)
    @blp.response(200, TopicSchema)
    def patch(self, data: dict[str, Any], topic_id: uuid.UUID) -> Any:
        """Change a topic: names, synonyms, parent, owner, whether it is offered"""
        current = catalogue.topic_input(catalogue.get_topic(topic_id))
        return catalogue.update_topic(topic_id, catalogue.TopicInput(**{**asdict(current), **data}))

    @requires(*KEEPERS, activity=Activity.SYSTEM)
    @blp.response(204)
    def delete(self, topic_id: uuid.UUID) -> None:
        """Remove a topic (refused while a narrower topic or a published journey names it)"""
        catalogue.delete_topic(topic_id)


@blp.route("/suggest")
class TopicSuggestions(MethodView):
    @requires(*READERS, activity=Activity.CUSTOMER_CONTACT)
    @blp.arguments(SuggestInSchema)
    @blp.response(200, TopicSuggestionsSchema)
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """Suggest topics for a resident's text, each with its reason"""
        found = suggest.suggest_topics(data["text"], data["limit"])
        return {"items": [{**asdict(s), "reason": s.reason} for s in found]}
