"""Routes for /api/v1/answers: the knowledge base agents answer from."""

from __future__ import annotations

import uuid
from typing import Any

import marshmallow as ma
from flask.views import MethodView

from kcc.auth.access import STAFF_AND_SYSTEM, current_user, requires
from kcc.constants import Role
from kcc.http.blueprint import Blueprint
from kcc.http.schemas import page_of
from kcc.knowledge import search, services
from kcc.knowledge.models import Answer
from kcc.knowledge.schemas import (
    AnswerInSchema,
    AnswerListSchema,
    AnswerSchema,
    AnswerSearchArgs,
    AnswerVersionListSchema,
    FoundAnswerSchema,
    ReviewArgs,
)
from kcc.privacy.activities import Activity

READERS = (*STAFF_AND_SYSTEM, Role.PROCESS_OWNER)
WRITERS = (Role.SUPERVISOR, Role.PROCESS_OWNER, Role.ADMIN)

blp = Blueprint(
    "answers",
    __name__,
    url_prefix="/api/v1/answers",
    description="Ready answers (question-answer pairs) for first-contact resolution.",
)


def with_topics(answers: list[Answer]) -> list[Answer]:
    """The answers with their topics attached for the response (one query)."""
    topics = services.topics_of_answers([a.id for a in answers])
    for answer in answers:
        answer.topics = topics.get(answer.id, [])  # type: ignore[attr-defined]
    return answers


@blp.route("")
class Answers(MethodView):
    @requires(*READERS, activity=Activity.CUSTOMER_CONTACT)
    @blp.arguments(AnswerSearchArgs, location="query", unknown=ma.RAISE)
    @blp.response(200, page_of(FoundAnswerSchema))
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Search answers in Dutch or English, ranked up by the given topics"""
        found = search.search_answers(
            args.get("q"),
            args["topic"],
            limit=args["limit"],
            include_drafts=args["include_drafts"],
        )
        with_topics([f.answer for f in found])
        items = []
        for f in found:
            f.answer.score = f.score  # type: ignore[attr-defined]
            f.answer.topic_match = f.topic_match  # type: ignore[attr-defined]
            items.append(f.answer)
        return {"items": items, "next_cursor": None}

    @requires(*WRITERS, activity=Activity.SYSTEM)
    @blp.arguments(AnswerInSchema)
    @blp.response(201, AnswerSchema)
    def post(self, data: dict[str, Any]) -> Any:
        """Add an answer (version 1)"""
        return with_topics([services.create_answer(services.AnswerInput(**data))])[0]


@blp.route("/reviews-due")
class ReviewsDue(MethodView):
    @requires(*WRITERS, Role.AGENT, activity=Activity.SYSTEM)
    @blp.arguments(ReviewArgs, location="query", unknown=ma.RAISE)
    @blp.response(200, AnswerListSchema)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Answers past their review date, for their owners (the caller's team by default)"""
        caller = current_user()
        team = args.get("team") or caller.team
        teams = None if team is None and caller.role in (Role.ADMIN, Role.SUPERVISOR) else [team]
        wanted = [t for t in teams if t is not None] if teams is not None else None
        return {"items": with_topics(services.overdue_reviews(wanted))}


@blp.route("/<uuid:answer_id>")
class AnswerItem(MethodView):
    @requires(*READERS, activity=Activity.CUSTOMER_CONTACT)
    @blp.response(200, AnswerSchema)
    def get(self, answer_id: uuid.UUID) -> Any:
        """Read one answer"""
        return with_topics([services.get_answer(answer_id)])[0]

    @requires(*WRITERS, activity=Activity.SYSTEM)
    @blp.arguments(AnswerInSchema)
    @blp.response(200, AnswerSchema)
    def put(self, data: dict[str, Any], answer_id: uuid.UUID) -> Any:
        """Replace an answer with a new version (the old one stays readable)"""
        return with_topics([services.update_answer(answer_id, services.AnswerInput(**data))])[0]


@blp.route("/<uuid:answer_id>/versions")
class AnswerVersions(MethodView):
    @requires(*READERS, activity=Activity.CUSTOMER_CONTACT)
    @blp.response(200, AnswerVersionListSchema)
    def get(self, answer_id: uuid.UUID) -> dict[str, Any]:
        """Every version of an answer, newest first"""
        return {"items": services.answer_versions(answer_id)}
