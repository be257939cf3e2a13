"""Routes for /api/v1/conversations: agents' lists, a conversation, replies, changes, wrap-up."""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView

from channels.conversations import actions, queries, services
from channels.conversations.reads import attach_unread
from channels.conversations.schemas import (
    AssignSchema,
    CloseSchema,
    ConversationDetailSchema,
    ConversationListArgs,
    ConversationSchema,
    MessageSchema,
    ReplySchema,
)
from channels.outbound.service import reply
from kcc.auth.access import STAFF, current_user, requires
from kcc.http.blueprint import Blueprint
from kcc.http.idempotency import idempotent
from kcc.http.schemas import page_of
from kcc.privacy.activities import Activity

blp = Blueprint(
    "conversations",
    __name__,
    url_prefix="/api/v1/conversations",
    description="SMS, chat and e-mail conversations with residents.",
)


@blp.route("")
class Conversations(MethodView):
    @requires(*STAFF, activity=Activity.CUSTOMER_CONTACT)
    @blp.arguments(ConversationListArgs, location="query")
    @blp.response(200, page_of(ConversationSchema))
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """List conversations, newest activity first (open and pending by default)"""
        query = queries.ConversationQuery(
            assigned=args["assigned"],
            user_id=current_user().id,
            channel=args["channel"],
            status=args["status"],
            team=args["team"],
        )
        items, next_cursor = queries.list_conversations(query, args["limit"], args["cursor"])
        return {"items": attach_unread(items, current_user().id), "next_cursor": next_cursor}


@blp.route("/<uuid:conversation_id>")
class ConversationItem(MethodView):
    @requires(*STAFF, activity=Activity.CUSTOMER_CONTACT)
    @blp.response(200, ConversationDetailSchema)
    def get(self, conversation_id: uuid.UUID) -> Any:
        """Read a conversation with all its messages and their delivery status"""
        conversation = services.read_conversation(conversation_id)
        return attach_unread([conversation], current_user().id)[0]

    @requires(*STAFF, activity=Activity.CUSTOMER_CONTACT)
    @blp.arguments(AssignSchema)
    @blp.response(200, ConversationSchema)
    def patch(self, data: dict[str, Any], conversation_id: uuid.UUID) -> Any:
        """Assign to an agent or team, set priority, status or subject, or link to a party"""
        change = actions.ConversationChange(**data)
        return actions.change_conversation(conversation_id, change, current_user().uuid)


@blp.route("/<uuid:conversation_id>/messages")
class ConversationMessages(MethodView):
    @requires(*STAFF, activity=Activity.CUSTOMER_CONTACT)
    @idempotent
    @blp.arguments(ReplySchema)
    @blp.response(201, MessageSchema)
    def post(self, data: dict[str, Any], conversation_id: uuid.UUID) -> Any:
        """Reply on the conversation's own channel (queued, then sent by a job)"""
        return reply(conversation_id, data["body"], current_user().id)


@blp.route("/<uuid:conversation_id>/close")
class CloseConversation(MethodView):
    @requires(*STAFF, activity=Activity.CUSTOMER_CONTACT)
    @blp.arguments(CloseSchema)
    @blp.response(200, ConversationSchema)
    def post(self, data: dict[str, Any], conversation_id: uuid.UUID) -> Any:
        """Wrap up: subject and outcome finish the conversation's contact moment"""
        return actions.close_conversation(
            conversation_id,
            data["subject"],
            data["outcome"],
            current_user().uuid,
            topics=data["topics"],
        )
