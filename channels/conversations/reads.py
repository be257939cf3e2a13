"""What each agent has read: unread counts per conversation and the marker that moves on."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import and_, func, select

from channels.conversations.models import ConversationRead
from channels.conversations.services import get_conversation
from channels.models import ChannelMessage, Conversation
from kcc.constants import Direction
from kcc.db import db, utcnow


def mark_read(conversation_uuid: uuid.UUID, user_id: int) -> int:
    """The agent has seen every message of the conversation so far; the newest message's row
    id is kept (a later message counts as unread). Returns the unread count left: 0."""
    conversation = get_conversation(conversation_uuid)
    session = db.session()
    newest = session.scalar(
        select(func.max(ChannelMessage.id)).where(ChannelMessage.conversation_id == conversation.id)
    )
    marker = session.scalar(
        select(ConversationRead).where(
            ConversationRead.conversation_id == conversation.id, ConversationRead.user_id == user_id
        )
    )
    if marker is None:
        marker = ConversationRead(conversation_id=conversation.id, user_id=user_id)
        session.add(marker)
    marker.last_read_message_id = max(marker.last_read_message_id or 0, newest or 0)
    marker.read_at = utcnow()
    session.flush()
    return 0


def unread_counts(conversation_ids: Iterable[int], user_id: int) -> dict[int, int]:
    """For each conversation: how many of the resident's messages the agent has not seen."""
    ids = list(conversation_ids)
    if not ids:
        return {}
    read = ConversationRead
    rows = db.session().execute(
        select(ChannelMessage.conversation_id, func.count())
        .outerjoin(
            read,
            and_(read.conversation_id == ChannelMessage.conversation_id, read.user_id == user_id),
        )
        .where(
            ChannelMessage.conversation_id.in_(ids),
            ChannelMessage.direction == Direction.INBOUND,
            ChannelMessage.id > func.coalesce(read.last_read_message_id, 0),
        )
        .group_by(ChannelMessage.conversation_id)
    )
    return {int(cid or 0): int(n) for cid, n in rows}


def attach_unread(conversations: list[Conversation], user_id: int) -> list[Conversation]:
    """Set ``unread`` on each conversation for this agent (for the response schema)."""
    counts = unread_counts([c.id for c in conversations], user_id)
    for conversation in conversations:
        conversation.unread = counts.get(conversation.id, 0)  # type: ignore[attr-defined]
    return conversations
