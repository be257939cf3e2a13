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
    rows = session.scalars(
        select(ChannelMessage)
        .where(ChannelMessage.conversation_id.in_([c.id for c in conversations]))
        .order_by(ChannelMessage.id)
    ).unique()
    for m in rows:
        messages.setdefault(m.conversation_id or 0, []).append(
            {
                "id": str(m.uuid),
                "direction": m.direction,
                "body": m.body,
                "from": m.sender,
                "to": m.recipient,
                "status": m.status,
                "media": m.media,
                "at": m.created_at.isoformat(),
                "sent_at": m.sent_at.isoformat() if m.sent_at else None,
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
