"""Routes for residents' web chat: /api/v1/chat/sessions (a session token, no bearer)."""

from __future__ import annotations

import uuid
from typing import Any

import marshmallow as ma
from flask import request
from flask.views import MethodView
from marshmallow import validate

from channels.chat import services
from channels.chat.limits import CHAT_BLUEPRINT, per_address, per_session
from kcc.auth.access import public
from kcc.constants import Language
from kcc.http.blueprint import Blueprint
from kcc.http.schemas import StrictSchema, Timestamp

blp = Blueprint(
    CHAT_BLUEPRINT,
    __name__,
    url_prefix="/api/v1/chat/sessions",
    description="Web chat for residents; authenticated by the session token in X-Chat-Token.",
)

TOKEN_HEADER = "X-Chat-Token"  # noqa: S105  (a header name)


class StartChatSchema(StrictSchema):
    display_name = ma.fields.String(load_default="", validate=validate.Length(max=100))
    language = ma.fields.String(
        load_default="nl", validate=validate.OneOf([lang.value for lang in Language])
    )


class ChatSessionSchema(ma.Schema):
    id = ma.fields.UUID()
    token = ma.fields.String(metadata={"description": "Send as X-Chat-Token; shown only once."})
    expires_at = Timestamp()


class ChatTextSchema(StrictSchema):
    body = ma.fields.String(
        required=True, metadata={"description": "At most 2000 characters, no control characters."}
    )


class ChatMessageSchema(ma.Schema):
    id = ma.fields.UUID(attribute="uuid")
    direction = ma.fields.String(
        metadata={"description": "inbound (the resident) or outbound (the agent)"}
    )
    body = ma.fields.String()
    created_at = Timestamp()


class PollArgs(StrictSchema):
    after = ma.fields.UUID(
        load_default=None, metadata={"description": "The id of the last message seen."}
    )
    wait = ma.fields.Integer(
        load_default=0,
        validate=validate.Range(0, services.MAX_WAIT_SECONDS),
        metadata={"description": "Seconds to wait for a new message (long poll), at most 25."},
    )


class ChatPageSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(ChatMessageSchema))


@blp.route("")
class ChatSessions(MethodView):
    decorators = [per_address]

    @public
    @blp.arguments(StartChatSchema)
    @blp.response(201, ChatSessionSchema)
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """Start a chat (anonymous); returns the session token"""
        started = services.start_chat(data["display_name"], data["language"])
        return {
            "id": started.session.uuid,
            "token": started.token,
            "expires_at": started.session.expires_at,
        }


@blp.route("/<uuid:session_id>/messages")
class ChatMessages(MethodView):
    decorators = [per_session, per_address]

    @public
    @blp.arguments(ChatTextSchema)
    @blp.response(201, ChatMessageSchema)
    def post(self, data: dict[str, Any], session_id: uuid.UUID) -> Any:
        """Send a message to the contact centre"""
        chat = services.authenticate_chat(session_id, request.headers.get(TOKEN_HEADER))
        return services.post_chat_message(chat, data["body"])

    @public
    @blp.arguments(PollArgs, location="query")
    @blp.response(200, ChatPageSchema)
    def get(self, args: dict[str, Any], session_id: uuid.UUID) -> dict[str, Any]:
        """New messages after ``after``; with ``wait`` a long poll that returns as soon as one arrives"""
        chat = services.authenticate_chat(session_id, request.headers.get(TOKEN_HEADER))
        return {"items": services.fetch_chat_messages(chat, args["after"], args["wait"])}
