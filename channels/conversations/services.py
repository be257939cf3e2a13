"""Conversations: threading messages and the contact moment that stands for each."""

from __future__ import annotations

import uuid
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from channels.config import channel_settings
from channels.constants import OPEN_CONVERSATION_STATUSES, ConversationStatus, Priority
from channels.conversations.live import announce
from channels.events import ConversationMessageAdded, ConversationReopened
from channels.models import ChannelMessage, Conversation
from kcc.constants import Action, Direction, Outcome
from kcc.contacts.changes import SUBJECT_CHARS, append_text
from kcc.contacts.services import ContactInput, InvolvementInput, record_contact
from kcc.db import db, utcnow
from kcc.errors import NotFound
from kcc.events.outbox import record
from kcc.messaging.events import EARLIER_MESSAGES, MessageReceived
from kcc.parties.models import Party
from kcc.privacy.services import log_processing

SUBJECTS = {"sms": "SMS-gesprek", "chat": "Chatgesprek", "email": "E-mail"}


def lock_thread(channel: str, address: str) -> None:
    """Serialise threading of one outside address (PostgreSQL), so one thread is created once."""
    db.lock(f"thread:{channel}:{address}")


def find_open_thread(
    channel: str, address: str, quiet_minutes: int, include_closed: bool = False
) -> Conversation | None:
    """The conversation on ``channel`` with ``address`` whose last message is recent enough.

    A resident's new message asks for closed ones too (``include_closed``), so that it
    reopens the conversation; a message the municipality starts opens a new one instead.
    """
    since = utcnow() - timedelta(minutes=quiet_minutes)
    query = select(Conversation).where(
        Conversation.channel == channel,
        Conversation.address == address,
        Conversation.last_message_at >= since,
    )
    if not include_closed:
        query = query.where(Conversation.status.in_(OPEN_CONVERSATION_STATUSES))
    return db.session().scalar(query.order_by(Conversation.last_message_at.desc()).limit(1))


def open_conversation(
    channel: str, address: str, party: Party | None, subject: str = "", language: str = "nl"
) -> Conversation:
    """Start a conversation: open, unassigned, in the default queue."""
    conversation = Conversation(
        channel=channel,
        address=address,
        party_id=party.id if party is not None else None,
        status=ConversationStatus.OPEN,
        priority=Priority.NORMAL,
        subject=(subject or SUBJECTS.get(channel, channel))[:200],
        language=language,
        last_message_at=utcnow(),
        assigned_team=channel_settings().default_queue,
    )
    conversation.party = party
    db.session().add(conversation)
    db.session().flush()
    return conversation


def add_message(conversation: Conversation, message: ChannelMessage) -> None:
    """Put ``message`` into ``conversation`` and grow the conversation's contact moment; a
    resident's message is announced to the core as received.

    A resident's message puts the conversation back in its queue (a closed one gets a new
    contact moment, its wrap-up stays with the old one) and starts its waiting time; an
    agent's reply ends the wait and is the first response if there was none.
    """
    message.conversation_id = conversation.id
    conversation.message_count += 1
    now = conversation.last_message_at = utcnow()
    if message.direction == Direction.INBOUND:
        if conversation.status in (ConversationStatus.CLOSED, ConversationStatus.SNOOZED):
            if conversation.status == ConversationStatus.CLOSED:
                # A new contact: its own moment and subject; the wrap-up stays with the old one.
                conversation.contact_moment = None
                conversation.subject = SUBJECTS.get(conversation.channel, conversation.channel)
            reopen(conversation, "message")
        conversation.status = ConversationStatus.OPEN
        conversation.waiting_since = conversation.waiting_since or now
    elif message.author_id is not None:
        conversation.waiting_since = None
        conversation.first_response_at = conversation.first_response_at or now
    db.session().flush()
    moment_uuid = _grow_contact_moment(conversation, message)
    party_uuid = conversation.party.uuid if conversation.party is not None else None
    record(
        ConversationMessageAdded(
            conversation_id=str(conversation.uuid),
            message_id=str(message.uuid),
            channel=conversation.channel,
            direction=message.direction,
            party_id=str(party_uuid) if party_uuid else None,
        )
    )
    if message.direction == Direction.INBOUND:
        record(
            MessageReceived(
                message_id=str(message.uuid),
                channel=conversation.channel,
                party_id=str(party_uuid) if party_uuid else None,
                text=message.body,
                conversation_id=str(conversation.uuid),
                contact_moment_id=str(moment_uuid),
                earlier_message_ids=_earlier_outbound(conversation, message),
            )
        )
    announce(conversation, "message")


def reopen(conversation: Conversation, reason: str) -> None:
    """Bring a closed or snoozed conversation back to its queue (the caller holds its row)."""
    previous = conversation.status
    conversation.status = ConversationStatus.OPEN
    conversation.snoozed_until = None
    conversation.closed_at = None
    conversation.waiting_since = conversation.waiting_since or utcnow()
    if not conversation.assigned_team:
        conversation.assigned_team = channel_settings().default_queue
    db.session().flush()
    record(
        ConversationReopened(
            conversation_id=str(conversation.uuid), previous_status=previous, reason=reason
        )
    )
    announce(conversation, "reopened")


def _earlier_outbound(conversation: Conversation, message: ChannelMessage) -> list[str]:
    """The messages sent to the resident earlier in this conversation, newest first."""
    found = db.session().scalars(
        select(ChannelMessage.uuid)
        .where(
            ChannelMessage.conversation_id == conversation.id,
            ChannelMessage.direction == Direction.OUTBOUND,
            ChannelMessage.id < message.id,
        )
        .order_by(ChannelMessage.id.desc())
        .limit(EARLIER_MESSAGES)
    )
    return [str(u) for u in found]


def subject_of(message: ChannelMessage) -> str:
    """A subject from a resident's first message: its first line, or the channel's name for an
    empty or media-only message."""
    first = next((line.strip() for line in message.body.splitlines() if line.strip()), "")
    return first[:SUBJECT_CHARS].rstrip() or SUBJECTS.get(message.channel, message.channel)


def _line(message: ChannelMessage) -> str:
    arrow = "<" if message.direction == Direction.INBOUND else ">"
    media = f" [+{len(message.media)} media]" if message.media else ""
    return f"{arrow} {message.body}{media}"


def _grow_contact_moment(conversation: Conversation, message: ChannelMessage) -> uuid.UUID:
    """Record the conversation's contact moment with its first message, or add the message to
    it; the moment's id."""
    details = {
        "conversation_id": str(conversation.uuid),
        "address": conversation.address,
        "message_count": conversation.message_count,
        "status": conversation.status,
        "last_message_at": conversation.last_message_at.isoformat(),
    }
    if conversation.contact_moment is not None:
        return append_text(conversation.contact_moment.uuid, _line(message), details).uuid
    if message.direction == Direction.INBOUND and conversation.subject == SUBJECTS.get(
        conversation.channel
    ):
        # What the resident wrote first says what the contact is about (and may start a journey).
        conversation.subject = subject_of(message)
    parties = [InvolvementInput(conversation.party.uuid)] if conversation.party is not None else []
    recorded = record_contact(
        ContactInput(
            channel=conversation.channel,
            direction=message.direction,
            subject=conversation.subject,
            text=_line(message),
            outcome=Outcome.IN_PROGRESS,
            language=conversation.language,
            parties=parties,
            external_id=_contact_key(conversation, message),
            details=details,
        )
    )
    conversation.contact_moment = recorded.contact_moment
    return recorded.contact_moment.uuid


def _contact_key(conversation: Conversation, message: ChannelMessage) -> str:
    """The outside key of the conversation's contact moment: the conversation's first one by
    the conversation alone, one after a reopening by the message that reopened it."""
    if conversation.message_count <= 1:
        return f"conversation:{conversation.uuid}"
    return f"conversation:{conversation.uuid}:{message.uuid}"


def get_conversation(conversation_uuid: uuid.UUID, lock: bool = False) -> Conversation:
    """One conversation; a missing one is a 404."""
    query = select(Conversation).where(Conversation.uuid == conversation_uuid)
    if lock and db.dialect == "postgresql":
        query = query.with_for_update(of=Conversation)
    found = db.session().scalar(query)
    if found is None:
        raise NotFound(
            _l("no conversation with id %(conversation_uuid)s", conversation_uuid=conversation_uuid)
        )
    return found


def read_conversation(conversation_uuid: uuid.UUID) -> Conversation:
    """A conversation with its messages (``.messages``, oldest first); the read is logged."""
    conversation = get_conversation(conversation_uuid)
    if conversation.party is not None:
        log_processing([conversation.party.uuid], Action.READ)
    return conversation
