"""The channels' section of the subject access export: every conversation with all its messages."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from channels.models import ChannelMessage, Conversation
from kcc.db import db
from kcc.parties.models import Party


def conversations_export(parties: list[Party]) -> list[dict[str, Any]]:
    """Each conversation of the parties, oldest first, with its messages (attachments by name)."""
    session = db.session()
    conversations = list(
        session.scalars(
            select(Conversation)
            .where(Conversation.party_id.in_([p.id for p in parties]))
            .order_by(Conversation.id)
        ).unique()
    )
    if not conversations:
        return []
    messages: dict[int, list[dict[str, Any]]] = {}
    # One query for every message of those conversations, read as plain rows.
    rows = session.execute(
        select(
            ChannelMessage.conversation_id,
            ChannelMessage.uuid,
            ChannelMessage.direction,
            ChannelMessage.body,
            ChannelMessage.sender,
            ChannelMessage.recipient,
            ChannelMessage.status,
            ChannelMessage.media,
            ChannelMessage.created_at,
            ChannelMessage.sent_at,
        )
        .where(
            ChannelMessage.conversation_id.in_(
                select(Conversation.id).where(Conversation.party_id.in_([p.id for p in parties]))
            )
        )
        .order_by(ChannelMessage.id)
    )
    for conversation_id, uuid_, direction, body, sender, recipient, status, media, at, sent in rows:
        messages.setdefault(conversation_id or 0, []).append(
            {
                "id": str(uuid_),
                "direction": direction,
                "body": body,
                "from": sender,
                "to": recipient,
                "status": status,
                "media": media,
                "at": at.isoformat(),
                "sent_at": sent.isoformat() if sent else None,
            }
        )
    return [
        {
            "id": str(c.uuid),
            "channel": c.channel,
            "address": c.address,
            "status": c.status,
            "subject": c.subject,
            "opened_at": c.opened_at.isoformat(),
            "closed_at": c.closed_at.isoformat() if c.closed_at else None,
            "messages": messages.get(c.id, []),
        }
        for c in conversations
    ]


def erase_conversations(parties: list[Party]) -> int:
    """Erasure: the parties' conversations with every message, attachment and chat session."""
    from sqlalchemy import delete

    result = db.session().execute(
        delete(Conversation).where(Conversation.party_id.in_([p.id for p in parties]))
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
