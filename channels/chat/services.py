"""Resident web chat: sessions with a token, messages in, and a long poll for replies."""

from __future__ import annotations

import secrets
import time
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from channels.config import channel_settings
from channels.constants import MessageStatus
from channels.conversations.services import add_message, open_conversation
from channels.models import ChannelMessage, ChatSession, Conversation
from channels.status import advance
from kcc.constants import Channel, Direction
from kcc.crypto import hash_api_token
from kcc.db import db, unit_of_work, utcnow
from kcc.errors import NotFound, Unauthorized, ValidationFailed
from kcc.privacy.bsn import protect_text

MAX_WAIT_SECONDS = 25
POLL_INTERVAL_SECONDS = 0.25
ALLOWED_CONTROLS = {"\n", "\r", "\t"}


def _token_hash(token: str) -> str:
    return hash_api_token(current_app.config["KCC_SETTINGS"].secret_key, "chat:" + token)


@dataclass(frozen=True)
class StartedChat:
    session: ChatSession
    token: str


def check_text(body: str) -> str:
    """Refuse empty, oversized and control-character messages."""
    limit = channel_settings().chat_max_chars
    if not body.strip():
        raise ValidationFailed.field("body", _l("a message may not be empty"))
    if len(body) > limit:
        raise ValidationFailed.field(
            "body", _l("a chat message has at most %(limit)s characters", limit=limit)
        )
    if any(
        unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co") and ch not in ALLOWED_CONTROLS
        for ch in body
    ):
        raise ValidationFailed.field("body", _l("control characters are not allowed"))
    return body


def start_chat(display_name: str, language: str) -> StartedChat:
    """Open an anonymous chat; the token is shown once and stored as a keyed hash."""
    token = secrets.token_urlsafe(32)
    session_uuid = uuid.uuid4()
    conversation = open_conversation(Channel.CHAT, f"chat:{session_uuid}", None, language=language)
    chat = ChatSession(
        uuid=session_uuid,
        token_hash=_token_hash(token),
        conversation_id=conversation.id,
        display_name=display_name,
        expires_at=utcnow() + timedelta(hours=channel_settings().chat_session_hours),
    )
    db.session().add(chat)
    db.session().flush()
    return StartedChat(chat, token)


def authenticate_chat(session_uuid: uuid.UUID, token: str | None) -> ChatSession:
    """The chat session this token opens; 401 without a valid, unexpired token."""
    if not token:
        raise Unauthorized(_l("send the chat session token in the X-Chat-Token header"))
    chat = db.session().scalar(select(ChatSession).where(ChatSession.uuid == session_uuid))
    if chat is None:
        raise NotFound(_l("no chat session with id %(session_uuid)s", session_uuid=session_uuid))
    if not secrets.compare_digest(chat.token_hash, _token_hash(token)):
        raise Unauthorized(_l("the chat session token does not match"))
    if chat.expires_at < utcnow():
        raise Unauthorized(_l("this chat session has expired; start a new one"))
    return chat


def post_chat_message(chat: ChatSession, body: str) -> ChannelMessage:
    """A resident's message into the chat's conversation (reopening it, if it was closed)."""
    check_text(body)
    conversation = db.session().get(Conversation, chat.conversation_id)
    assert conversation is not None
    message = ChannelMessage(
        channel=Channel.CHAT,
        direction=Direction.INBOUND,
        body=body,
        sender=conversation.address,
        recipient="kcc",
        status=MessageStatus.RECEIVED,
        media=[],
        details={},
    )
    message.body, message.details = protect_text(message.body, message.details)
    db.session().add(message)
    add_message(conversation, message)
    return message


def fetch_chat_messages(
    chat: ChatSession, after: uuid.UUID | None, wait: int
) -> list[ChannelMessage]:
    """Messages after ``after``; waits up to ``wait`` seconds (at most 25) for a new one."""
    after_id = 0
    if after is not None:
        found = db.session().scalar(
            select(ChannelMessage.id).where(
                ChannelMessage.uuid == after, ChannelMessage.conversation_id == chat.conversation_id
            )
        )
        if found is None:
            raise ValidationFailed.field("after", _l("not a message of this chat"))
        after_id = found
    deadline = time.monotonic() + min(max(wait, 0), MAX_WAIT_SECONDS)
    while True:
        with unit_of_work() as session:
            ids = list(
                session.scalars(
                    select(ChannelMessage.id)
                    .where(
                        ChannelMessage.conversation_id == chat.conversation_id,
                        ChannelMessage.id > after_id,
                    )
                    .order_by(ChannelMessage.id)
                    .limit(100)
                )
            )
        if ids or time.monotonic() >= deadline:
            break
        time.sleep(POLL_INTERVAL_SECONDS)
    messages = list(
        db.session().scalars(
            select(ChannelMessage).where(ChannelMessage.id.in_(ids)).order_by(ChannelMessage.id)
        )
    )
    for message in messages:
        if message.direction == Direction.OUTBOUND and advance(message, MessageStatus.DELIVERED):
            message.status_updated_at = utcnow()
    return messages
