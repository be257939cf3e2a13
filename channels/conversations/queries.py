"""Lists of conversations for agents and the customer view's conversations section."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case, select

from channels.constants import ConversationStatus
from channels.models import ChannelMessage, Conversation
from kcc.constants import Action
from kcc.db import db
from kcc.pagination import decode_cursor, encode_cursor
from kcc.parties.models import Party
from kcc.privacy.services import log_processing

VIEW_CONVERSATIONS = 20
VIEW_MESSAGES = 10


@dataclass
class ConversationQuery:
    assigned: str | None = None  # "unassigned", "mine" or "others"
    user_id: int | None = None
    channel: str | None = None
    status: str | None = None
    team: str | None = None


def list_conversations(
    query: ConversationQuery, limit: int, cursor: str | None
) -> tuple[list[Conversation], str | None]:
    """Newest activity first, keyset-paginated on (last_message_at, id)."""
    stmt = select(Conversation)
    if query.assigned == "unassigned":
        stmt = stmt.where(Conversation.assigned_user_id.is_(None))
    elif query.assigned == "mine":
        stmt = stmt.where(Conversation.assigned_user_id == query.user_id)
    elif query.assigned == "others":
        stmt = stmt.where(
            Conversation.assigned_user_id.is_not(None),
            Conversation.assigned_user_id != query.user_id,
        )
    if query.channel:
        stmt = stmt.where(Conversation.channel == query.channel)
    if query.status:
        stmt = stmt.where(Conversation.status == query.status)
    else:
        stmt = stmt.where(Conversation.status != ConversationStatus.CLOSED)
    if query.team:
        stmt = stmt.where(Conversation.assigned_team == query.team)
    after = decode_cursor(cursor, ("at", "id"))
    if after is not None:
        at = datetime.fromisoformat(after["at"])
        stmt = stmt.where(
            (Conversation.last_message_at < at)
            | ((Conversation.last_message_at == at) & (Conversation.id < int(after["id"])))
        )
    stmt = stmt.order_by(Conversation.last_message_at.desc(), Conversation.id.desc()).limit(
        limit + 1
    )
    rows = list(db.session().scalars(stmt).unique())
    next_cursor = None
    if len(rows) > limit:
        last = rows[limit - 1]
        next_cursor = encode_cursor({"at": last.last_message_at.isoformat(), "id": last.id})
    rows = rows[:limit]
    log_processing([c.party.uuid for c in rows if c.party is not None], Action.READ)
    return rows, next_cursor


def message_dict(message: ChannelMessage) -> dict[str, Any]:
    """A message as JSON, with its delivery status and the provider's error, if any."""
    return {
        "id": str(message.uuid),
        "direction": message.direction,
        "body": message.body,
        "status": message.status,
        "error_code": message.error_code,
        "error_message": message.error_message,
        "media": message.media,
        "created_at": message.created_at.isoformat(),
        "sent_at": message.sent_at.isoformat() if message.sent_at else None,
    }


def conversations_section(party: Party) -> list[dict[str, Any]]:
    """Customer view: the party's conversations (open ones first) with their newest messages."""
    session = db.session()
    conversations = list(
        session.scalars(
            select(Conversation)
            .where(Conversation.party_id == party.id)
            .order_by(
                case((Conversation.status == ConversationStatus.CLOSED, 1), else_=0),
                Conversation.last_message_at.desc(),
            )
            .limit(VIEW_CONVERSATIONS)
        ).unique()
    )
    if not conversations:
        return []
    ranked = (
        select(ChannelMessage.id)
        .where(ChannelMessage.conversation_id.in_([c.id for c in conversations]))
        .order_by(ChannelMessage.id.desc())
        .limit(VIEW_CONVERSATIONS * VIEW_MESSAGES)
    )
    messages = list(
        session.scalars(
            select(ChannelMessage).where(ChannelMessage.id.in_(ranked)).order_by(ChannelMessage.id)
        )
    )
    by_conversation: dict[int, list[ChannelMessage]] = {}
    for message in messages:
        by_conversation.setdefault(message.conversation_id or 0, []).append(message)
    return [
        {
            "id": str(c.uuid),
            "channel": c.channel,
            "status": c.status,
            "priority": c.priority,
            "subject": c.subject,
            "assigned_user_id": str(c.assigned_user.uuid) if c.assigned_user else None,
            "assigned_team": c.assigned_team,
            "message_count": c.message_count,
            "last_message_at": c.last_message_at.isoformat(),
            "messages": [message_dict(m) for m in by_conversation.get(c.id, [])[-VIEW_MESSAGES:]],
        }
        for c in conversations
    ]
