"""Routes for /api/v1/conversations/{id}/topics: a conversation's topics, confirmed on the
contact moment that stands for it, with suggestions from the resident's own words."""

from __future__ import annotations

import uuid
from typing import Any

import marshmallow as ma
from flask.views import MethodView
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from channels.conversations.services import get_conversation
from channels.models import ChannelMessage, Conversation
from kcc.auth.access import STAFF, requires
from kcc.constants import Action
from kcc.contacts.topics import set_topics_of, topics_of
from kcc.db import db
from kcc.errors import Conflict
from kcc.http.blueprint import Blueprint
from kcc.privacy.activities import Activity
from kcc.privacy.services import log_processing
from kcc.topics import Suggestion, suggest_topics
from kcc.topics.models import Topic
from kcc.topics.schemas import MomentTopicsInSchema, TopicRefSchema, TopicSuggestionSchema

MESSAGES_READ = 20  # the first messages say what it is about

blp = Blueprint(
    "conversation_topics",
    __name__,
    url_prefix="/api/v1/conversations",
    description="The topics of a conversation (the wrap-up), with suggestions.",
)


class ConversationTopicsSchema(ma.Schema):
    conversation_id = ma.fields.UUID()
    contact_moment_id = ma.fields.UUID(allow_none=True)
    topics = ma.fields.List(ma.fields.Nested(TopicRefSchema))
    suggestions = ma.fields.List(
        ma.fields.Nested(TopicSuggestionSchema),
        metadata={"description": "Topics for the resident's messages, to confirm in one click."},
    )


def conversation_text(conversation: Conversation) -> str:
    """The subject and the resident's first messages: what the suggestions read."""
    bodies = db.session().scalars(
        select(ChannelMessage.body)
        .where(
            ChannelMessage.conversation_id == conversation.id,
            ChannelMessage.direction == "inbound",
        )
        .order_by(ChannelMessage.id)
        .limit(MESSAGES_READ)
    )
    return "\n".join([conversation.subject, *bodies])


def wrap_up_topics(conversation: Conversation) -> tuple[list[Topic], list[Suggestion]]:
    """The topics confirmed on the conversation's contact moment, and those suggested for
    the resident's words (for the wrap-up)."""
    moment = conversation.contact_moment
    confirmed = topics_of([moment.id]).get(moment.id, []) if moment is not None else []
    return confirmed, suggest_topics(conversation_text(conversation), limit=3)


def _answer(conversation: Conversation) -> dict[str, Any]:
    moment = conversation.contact_moment
    confirmed, found = wrap_up_topics(conversation)
    if conversation.party is not None:
        log_processing([conversation.party.uuid], Action.READ)
    return {
        "conversation_id": conversation.uuid,
        "contact_moment_id": moment.uuid if moment is not None else None,
        "topics": confirmed,
        "suggestions": [{**s.__dict__, "reason": s.reason} for s in found],
    }


@blp.route("/<uuid:conversation_id>/topics")
class ConversationTopics(MethodView):
    @requires(*STAFF, activity=Activity.CUSTOMER_CONTACT)
    @blp.response(200, ConversationTopicsSchema)
    def get(self, conversation_id: uuid.UUID) -> dict[str, Any]:
        """The conversation's confirmed topics and suggested ones, each with its reason"""
        return _answer(get_conversation(conversation_id))

    @requires(*STAFF, activity=Activity.CUSTOMER_CONTACT)
    @blp.arguments(MomentTopicsInSchema)
    @blp.response(200, ConversationTopicsSchema)
    def put(self, data: dict[str, Any], conversation_id: uuid.UUID) -> dict[str, Any]:
        """Confirm the conversation's topics (journeys listening for one start or move)"""
        conversation = get_conversation(conversation_id)
        if conversation.contact_moment is None:
            raise Conflict(_l("the conversation has no contact moment yet to carry its topics"))
        set_topics_of(conversation.contact_moment, data["topics"], source=data["source"])
        return _answer(conversation)
