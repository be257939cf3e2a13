"""The channels' privacy sections: conversations with their messages and notes, and SMS opt-outs."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, or_, select

from channels.conversations.models import ConversationNote
from channels.models import ChannelMessage, Conversation, SmsOptOut
from channels.retention import CHAT_TRANSCRIPTS, MESSAGE_TRANSCRIPTS
from kcc.db import db
from kcc.parties.models import Party
from kcc.rights.sections import PrivacySection


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
    notes = _notes([c.id for c in conversations])
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
            "notes": notes.get(c.id, []),
        }
        for c in conversations
    ]


def _notes(conversation_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """The agents' internal notes per conversation: about the resident, so theirs to see."""
    found: dict[int, list[dict[str, Any]]] = {}
    rows = db.session().execute(
        select(ConversationNote.conversation_id, ConversationNote.body, ConversationNote.created_at)
        .where(ConversationNote.conversation_id.in_(conversation_ids))
        .order_by(ConversationNote.id)
    )
    for conversation_id, body, at in rows:
        found.setdefault(conversation_id, []).append({"note": body, "at": at.isoformat()})
    return found


def erase_conversations(parties: list[Party]) -> int:
    """Erasure: the parties' conversations with every message, attachment and chat session."""
    result = db.session().execute(
        delete(Conversation).where(Conversation.party_id.in_([p.id for p in parties]))
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def count_conversations(parties: list[Party]) -> int:
    """How many conversations of the parties erasure would remove (all of them)."""
    query = select(func.count()).select_from(Conversation)
    query = query.where(Conversation.party_id.in_([p.id for p in parties]))
    return int(db.session().scalar(query) or 0)


def _opt_outs(parties: list[Party]) -> Any:
    """Opt-outs of the numbers the parties have, or wrote to us from."""
    own = [a.address for p in parties for a in p.addresses]
    used = select(Conversation.address).where(Conversation.party_id.in_([p.id for p in parties]))
    return select(SmsOptOut).where(or_(SmsOptOut.address.in_(own), SmsOptOut.address.in_(used)))


def opt_outs_export(parties: list[Party]) -> list[dict[str, Any]]:
    """The parties' numbers that stopped (or restarted) SMS contact, and how."""
    return [
        {
            "address": o.address,
            "opted_out_at": o.opted_out_at.isoformat() if o.opted_out_at else None,
            "restored_at": o.restored_at.isoformat() if o.restored_at else None,
            "source": o.source,
            "keyword": o.keyword,
        }
        for o in db.session().scalars(_opt_outs(parties).order_by(SmsOptOut.id))
    ]


def count_opt_outs(parties: list[Party]) -> int:
    query = select(func.count()).select_from(_opt_outs(parties).subquery())
    return int(db.session().scalar(query) or 0)


OPT_OUT_KEPT = (
    "a number's STOP is the resident's objection to SMS contact (art. 21 AVG, art. 11.7 "
    "Telecommunicatiewet); erasing it would let messages to that number start again"
)


def privacy_sections() -> list[PrivacySection]:
    """The channels' tables for export, erasure and retention."""
    return [
        PrivacySection(
            "conversations",
            (
                "conversations",
                "conversation_keys",
                "conversation_notes",
                "conversation_reads",
                "channel_messages",
                "channel_attachments",
                "chat_sessions",
            ),
            export=conversations_export,
            erase=erase_conversations,
            count=count_conversations,
            retention=(CHAT_TRANSCRIPTS, MESSAGE_TRANSCRIPTS),
        ),
        PrivacySection(
            "sms_opt_outs",
            ("sms_opt_outs",),
            export=opt_outs_export,
            kept_because=OPT_OUT_KEPT,
            count_kept=count_opt_outs,
        ),
    ]
