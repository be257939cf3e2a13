"""Internal notes on a conversation: for colleagues only, never sent to the resident and never
in the resident's chat (they live in their own table, which no outbound path reads)."""

from __future__ import annotations

import uuid

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from channels.conversations.live import announce
from channels.conversations.models import ConversationNote
from channels.conversations.services import get_conversation
from channels.events import ConversationNoteAdded
from kcc.auth.models import User
from kcc.constants import Action
from kcc.db import db
from kcc.errors import ValidationFailed
from kcc.events.outbox import record
from kcc.privacy.bsn import protect_text
from kcc.privacy.services import log_processing

NOTE_CHARS = 5000


def add_note(conversation_uuid: uuid.UUID, body: str, author_id: int | None) -> ConversationNote:
    """Keep a note on the conversation (a BSN typed into it is stored masked)."""
    if not body.strip():
        raise ValidationFailed.field("body", _l("a note may not be empty"))
    if len(body) > NOTE_CHARS:
        raise ValidationFailed.field(
            "body", _l("a note has at most %(count)s characters", count=NOTE_CHARS)
        )
    conversation = get_conversation(conversation_uuid, lock=True)
    text, _ = protect_text(body.strip(), {})
    note = ConversationNote(conversation_id=conversation.id, author_id=author_id, body=text)
    db.session().add(note)
    db.session().flush()
    author = db.session().get(User, author_id) if author_id is not None else None
    record(
        ConversationNoteAdded(
            conversation_id=str(conversation.uuid),
            note_id=str(note.uuid),
            author_id=str(author.uuid) if author is not None else None,
        )
    )
    if conversation.party is not None:
        log_processing([conversation.party.uuid], Action.UPDATE)
    announce(conversation, "note")
    return note


def list_notes(conversation_uuid: uuid.UUID, log: bool = True) -> list[dict[str, object]]:
    """The conversation's notes, oldest first, with their authors' names (``log=False`` when
    the caller logs the read of the conversation already)."""
    conversation = get_conversation(conversation_uuid)
    rows = db.session().execute(
        select(ConversationNote, User)
        .outerjoin(User, User.id == ConversationNote.author_id)
        .where(ConversationNote.conversation_id == conversation.id)
        .order_by(ConversationNote.id)
    )
    if log and conversation.party is not None:
        log_processing([conversation.party.uuid], Action.READ)
    return [
        {
            "id": note.uuid,
            "body": note.body,
            "author_id": author.uuid if author is not None else None,
            "author_name": (author.display_name or author.name) if author is not None else None,
            "created_at": note.created_at,
        }
        for note, author in rows
    ]
