"""What agents do with a conversation: close it, assign it, link its party, set its subject."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select

from channels.constants import ConversationStatus
from channels.conversations.services import get_conversation
from channels.events import ConversationClosed
from channels.models import Conversation
from kcc.auth.models import User
from kcc.constants import Action
from kcc.contacts.changes import SUBJECT_CHARS, attach_resident, change_subject, close_contact
from kcc.db import db, utcnow
from kcc.errors import Conflict, ValidationFailed
from kcc.events.outbox import record
from kcc.parties.models import Party
from kcc.privacy.services import log_processing


def close_conversation(conversation_uuid: uuid.UUID, outcome: str | None = None) -> Conversation:
    """Close a conversation and its contact moment with an outcome."""
    conversation = get_conversation(conversation_uuid, lock=True)
    if conversation.status == ConversationStatus.CLOSED:
        raise Conflict("this conversation is closed already")
    conversation.status = ConversationStatus.CLOSED
    conversation.closed_at = utcnow()
    if conversation.contact_moment is not None:
        close_contact(
            conversation.contact_moment.uuid, outcome, {"status": ConversationStatus.CLOSED}
        )
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


def link_party(conversation_uuid: uuid.UUID, party_uuid: uuid.UUID) -> Conversation:
    """Attach an anonymous (or wrongly attached) conversation to a party, with its contact moment."""
    conversation = get_conversation(conversation_uuid, lock=True)
    party = db.session().scalar(select(Party).where(Party.uuid == party_uuid))
    if party is None:
        raise ValidationFailed.field("party_id", f"no party with id {party_uuid}")
    conversation.party = party
    conversation.party_id = party.id
    if conversation.contact_moment is not None:
        attach_resident(conversation.contact_moment.uuid, party.uuid)
    db.session().flush()
    log_processing([party.uuid], Action.UPDATE)
    return conversation


def set_subject(
    conversation_uuid: uuid.UUID, subject: str, changed_by: uuid.UUID | None = None
) -> Conversation:
    """Say what the conversation is about, on the conversation and its contact moment (where
    a journey may pick it up)."""
    conversation = get_conversation(conversation_uuid, lock=True)
    if conversation.status == ConversationStatus.CLOSED:
        raise Conflict("a closed conversation cannot be changed")
    if conversation.contact_moment is not None:
        subject = change_subject(conversation.contact_moment.uuid, subject, changed_by).subject
    elif not subject.strip():
        raise ValidationFailed.field("subject", "a subject may not be empty")
    conversation.subject = subject.strip()[:SUBJECT_CHARS]
    db.session().flush()
    return conversation


@dataclass(frozen=True)
class ConversationChange:
    """What an agent changes in one request; ``None`` leaves a field as it is."""

    assigned_user_id: uuid.UUID | None = None
    assigned_team: str | None = None
    priority: str | None = None
    status: str | None = None
    party_id: uuid.UUID | None = None
    subject: str | None = None


def change_conversation(
    conversation_uuid: uuid.UUID, change: ConversationChange, changed_by: uuid.UUID | None
) -> Conversation:
    """Link the party, set the subject, then assign: in that order, so that a subject sent
    with the party reaches the party's journeys."""
    if change.party_id is not None:
        link_party(conversation_uuid, change.party_id)
    if change.subject is not None:
        set_subject(conversation_uuid, change.subject, changed_by)
    return assign_conversation(
        conversation_uuid,
        change.assigned_user_id,
        change.assigned_team,
        change.priority,
        change.status,
    )
