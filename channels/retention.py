"""The channels' retention categories: chat transcripts, and the SMS and e-mail conversations,
each removed a while after the conversation's last message."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, or_, select

from channels.models import Conversation
from kcc.constants import OPEN_TASK_STATUSES, Channel
from kcc.contacts.changes import remove_texts
from kcc.db import db
from kcc.rights.retention import Category
from kcc.tasks.models import Task

# A verbatim conversation (chat, or an SMS or e-mail exchange with its attachments) is kept one
# year after its last message; the contact moment that stands for it (subject, outcome,
# parties) stays for its own, longer period without the transcript.
CHAT_TRANSCRIPT_DAYS = 365
MESSAGE_TRANSCRIPT_DAYS = 365
TRANSCRIPT_REMOVED = "[transcript removed after its retention period]"


def _expired(channels: tuple[Channel, ...]) -> Any:
    def expired(cutoff: Any) -> Any:
        """Conversations on ``channels`` whose last message is older than ``cutoff``, unless an
        open task holds their contact moment."""
        held = select(Task.contact_moment_id).where(
            Task.status.in_(OPEN_TASK_STATUSES), Task.contact_moment_id.is_not(None)
        )
        return select(Conversation.id, Conversation.last_message_at, Conversation.channel).where(
            Conversation.channel.in_(channels),
            Conversation.last_message_at < cutoff,
            or_(
                Conversation.contact_moment_id.is_(None),
                Conversation.contact_moment_id.not_in(held),
            ),
        )

    return expired


expired_chats = _expired((Channel.CHAT,))
expired_messages = _expired((Channel.SMS, Channel.EMAIL))


def remove_conversations(ids: list[int]) -> None:
    """Delete the conversations with their messages, attachments and sessions; blank the
    transcript in their contact moments."""
    moments = select(Conversation.contact_moment_id).where(
        Conversation.id.in_(ids), Conversation.contact_moment_id.is_not(None)
    )
    remove_texts(moments, TRANSCRIPT_REMOVED)
    db.session().execute(delete(Conversation).where(Conversation.id.in_(ids)))


CHAT_TRANSCRIPTS = Category(
    "chat_transcripts", CHAT_TRANSCRIPT_DAYS, expired_chats, remove_conversations
)
MESSAGE_TRANSCRIPTS = Category(
    "message_transcripts", MESSAGE_TRANSCRIPT_DAYS, expired_messages, remove_conversations
)
