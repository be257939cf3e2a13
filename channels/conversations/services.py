"""Conversations: threading messages, the contact moment that stands for each, and agent actions."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import select, text

from channels.constants import OPEN_CONVERSATION_STATUSES, ConversationStatus, Priority
from channels.events import ConversationClosed, ConversationMessageAdded
from channels.models import ChannelMessage, Conversation
from kcc.auth.models import User
from kcc.constants import Action, Direction, InvolvementRole, Outcome
from kcc.contacts.models import ContactMoment, Involvement
from kcc.contacts.services import ContactInput, InvolvementInput, record_contact
from kcc.db import db, utcnow
from kcc.errors import Conflict, NotFound, ValidationFailed
from kcc.events.outbox import record
from kcc.parties.models import Party
from kcc.privacy.services import log_processing

TRANSCRIPT_CHARS = 8000
SUBJECTS = {"sms": "SMS-gesprek", "chat": "Chatgesprek", "email": "E-mail"}


def lock_thread(channel: str, address: str) -> None:
    """Serialise threading of one outside address (PostgreSQL), so one thread is created once."""
    if db.dialect == "postgresql":
        db.session().execute(
            text("SELECT pg_advisory_xact_lock(hashtext(:key))"),
            {"key": f"thread:{channel}:{address}"},
        )


def find_open_thread(channel: str, address: str, quiet_minutes: int) -> Conversation | None:
    """The open conversation on ``channel`` with ``address`` whose last message is recent enough."""
    since = utcnow() - timedelta(minutes=quiet_minutes)
    return db.session().scalar(
        select(Conversation)
        .where(
            Conversation.channel == channel,
            Conversation.address == address,
            Conversation.status.in_(OPEN_CONVERSATION_STATUSES),
            Conversation.last_message_at >= since,
        )
        .order_by(Conversation.last_message_at.desc())
        .limit(1)
    )


def open_conversation(
    channel: str, address: str, party: Party | None, subject: str = "", language: str = "nl"
) -> Conversation:
    """Start a conversation (status open, unassigned)."""
    conversation = Conversation(
        channel=channel,
        address=address,
        party_id=party.id if party is not None else None,
        status=ConversationStatus.OPEN,
        priority=Priority.NORMAL,
        subject=(subject or SUBJECTS.get(channel, channel))[:200],
        language=language,
        last_message_at=utcnow(),
    )
    conversation.party = party
    db.session().add(conversation)
    db.session().flush()
    return conversation


def add_message(conversation: Conversation, message: ChannelMessage) -> None:
    """Put ``message`` into ``conversation`` and grow the conversation's contact moment."""
    message.conversation_id = conversation.id
    conversation.message_count += 1
    conversation.last_message_at = utcnow()
    if message.direction == Direction.INBOUND and conversation.status == ConversationStatus.PENDING:
        conversation.status = ConversationStatus.OPEN
    db.session().flush()
    _grow_contact_moment(conversation, message)
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


def _line(message: ChannelMessage) -> str:
    arrow = "<" if message.direction == Direction.INBOUND else ">"
    media = f" [+{len(message.media)} media]" if message.media else ""
    return f"{arrow} {message.body}{media}"


def _grow_contact_moment(conversation: Conversation, message: ChannelMessage) -> None:
    details = {
        "conversation_id": str(conversation.uuid),
        "address": conversation.address,
        "message_count": conversation.message_count,
        "status": conversation.status,
        "last_message_at": conversation.last_message_at.isoformat(),
    }
    if conversation.contact_moment_id is None:
        parties = (
            [InvolvementInput(conversation.party.uuid)] if conversation.party is not None else []
        )
        recorded = record_contact(
            ContactInput(
                channel=conversation.channel,
                direction=message.direction,
                subject=conversation.subject,
                text=_line(message),
                outcome=Outcome.IN_PROGRESS,
                language=conversation.language,
                parties=parties,
                external_id=f"conversation:{conversation.uuid}",
                details=details,
            )
        )
        conversation.contact_moment_id = recorded.contact_moment.id
        return
    moment = db.session().get(ContactMoment, conversation.contact_moment_id)
    if moment is None:
        return
    moment.text = (moment.text + "\n" + _line(message))[-TRANSCRIPT_CHARS:]
    moment.details = {**moment.details, **details}


def get_conversation(conversation_uuid: uuid.UUID, lock: bool = False) -> Conversation:
    """One conversation; a missing one is a 404."""
    query = select(Conversation).where(Conversation.uuid == conversation_uuid)
    if lock and db.dialect == "postgresql":
        query = query.with_for_update(of=Conversation)
    found = db.session().scalar(query)
    if found is None:
        raise NotFound(f"no conversation with id {conversation_uuid}")
    return found


def read_conversation(conversation_uuid: uuid.UUID) -> Conversation:
    """A conversation with its messages (``.messages``, oldest first); the read is logged."""
    conversation = get_conversation(conversation_uuid)
    if conversation.party is not None:
        log_processing([conversation.party.uuid], Action.READ)
    return conversation


def close_conversation(conversation_uuid: uuid.UUID, outcome: str | None = None) -> Conversation:
    """Close a conversation and its contact moment with an outcome."""
    conversation = get_conversation(conversation_uuid, lock=True)
    if conversation.status == ConversationStatus.CLOSED:
        raise Conflict("this conversation is closed already")
    conversation.status = ConversationStatus.CLOSED
    conversation.closed_at = utcnow()
    if conversation.contact_moment_id is not None:
        moment = db.session().get(ContactMoment, conversation.contact_moment_id)
        if moment is not None:
            moment.outcome = outcome or Outcome.ANSWERED
            moment.details = {**moment.details, "status": ConversationStatus.CLOSED}
    db.session().flush()
    party_uuid = conversation.party.uuid if conversation.party is not None else None
    record(
        ConversationClosed(
            conversation_id=str(conversation.uuid), party_id=str(party_uuid) if party_uuid else None
        )
    )
    if party_uuid is not None:
        log_processing([party_uuid], Action.UPDATE)
    return conversation


def assign_conversation(
    conversation_uuid: uuid.UUID,
    user_uuid: uuid.UUID | None,
    team: str | None,
    priority: str | None = None,
    status: str | None = None,
) -> Conversation:
    """Assign to an agent and/or team, set the priority, or move between open and pending."""
    conversation = get_conversation(conversation_uuid, lock=True)
    if conversation.status == ConversationStatus.CLOSED:
        raise Conflict("a closed conversation cannot be changed")
    if user_uuid is not None:
        user = db.session().scalar(select(User).where(User.uuid == user_uuid))
        if user is None:
            raise ValidationFailed.field("assigned_user_id", f"no user with id {user_uuid}")
        conversation.assigned_user = user
    if team is not None:
        conversation.assigned_team = team or None
    if priority is not None:
        conversation.priority = priority
    if status is not None:
        if status == ConversationStatus.CLOSED:
            raise ValidationFailed.field("status", "close a conversation with POST .../close")
        conversation.status = status
    db.session().flush()
    return conversation


def _attach_resident(moment: ContactMoment, party_id: int) -> None:
    """Make ``party_id`` the moment's resident: the existing resident involvement (anonymous,
    or the wrong party) is re-pointed, so it keeps its id (a Klantinteracties betrokkene URL)
    and its contact name; representatives and other roles stay as they are."""
    residents = [i for i in moment.involvements if i.role == InvolvementRole.RESIDENT]
    if not residents:
        moment.involvements.append(
            Involvement(
                party_id=party_id, role=InvolvementRole.RESIDENT, occurred_at=moment.occurred_at
            )
        )
        return
    residents[0].party_id = party_id


def link_party(conversation_uuid: uuid.UUID, party_uuid: uuid.UUID) -> Conversation:
    """Attach an anonymous (or wrongly attached) conversation to a party, with its contact moment."""
    conversation = get_conversation(conversation_uuid, lock=True)
    party = db.session().scalar(select(Party).where(Party.uuid == party_uuid))
    if party is None:
        raise ValidationFailed.field("party_id", f"no party with id {party_uuid}")
    conversation.party = party
    conversation.party_id = party.id
    if conversation.contact_moment_id is not None:
        moment = db.session().get(ContactMoment, conversation.contact_moment_id)
        if moment is not None:
            _attach_resident(moment, party.id)
    db.session().flush()
    log_processing([party.uuid], Action.UPDATE)
    return conversation
