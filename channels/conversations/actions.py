"""What agents do with a conversation: wrap it up, link its party, set its subject and priority."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from channels.constants import ConversationStatus
from channels.conversations.handoffs import assign_conversation
from channels.conversations.live import announce
from channels.conversations.services import get_conversation
from channels.events import ConversationClosed
from channels.models import Conversation
from kcc.constants import Action, Outcome
from kcc.contacts.changes import SUBJECT_CHARS, attach_resident, change_subject, close_contact
from kcc.contacts.topics import set_topics_of
from kcc.db import db, utcnow
from kcc.errors import Conflict, ValidationFailed
from kcc.events.outbox import record
from kcc.parties.models import Party
from kcc.privacy.services import log_processing


def close_conversation(
    conversation_uuid: uuid.UUID,
    subject: str,
    outcome: str | None = None,
    closed_by: uuid.UUID | None = None,
    *,
    topics: Sequence[uuid.UUID] | None = None,
) -> Conversation:
    """Wrap the conversation up: its subject, outcome and topics go on its contact moment,
    which is finished with them (and shows so in the customer view's timeline).

    Args:
        conversation_uuid: The conversation's public id.
        subject: What it was about; required.
        outcome: How it ended (``answered`` when not given).
        closed_by: The agent who wraps it up.
        topics: The conversation's topics (catalogue ids), confirmed on its contact moment in
            the same transaction; ``None`` leaves them as they are.
    """
    if not subject or not subject.strip():
        raise ValidationFailed.field("subject", _l("a wrap-up needs a subject"))
    if outcome is not None and outcome not in {o.value for o in Outcome}:
        raise ValidationFailed.field("outcome", _l("unknown outcome %(outcome)r", outcome=outcome))
    conversation = get_conversation(conversation_uuid, lock=True)
    if conversation.status == ConversationStatus.CLOSED:
        raise Conflict(_l("this conversation is closed already"))
    if topics is not None and conversation.contact_moment is None:
        raise Conflict(_l("the conversation has no contact moment yet to carry its topics"))
    set_subject(conversation_uuid, subject, closed_by)
    conversation.status = ConversationStatus.CLOSED
    conversation.closed_at = utcnow()
    conversation.snoozed_until = None
    conversation.waiting_since = None
    if conversation.contact_moment is not None:
        if topics is not None:
            set_topics_of(conversation.contact_moment, topics)
        close_contact(
            conversation.contact_moment.uuid, outcome, {"status": ConversationStatus.CLOSED}
        )
    db.session().flush()
    party_uuid = conversation.party.uuid if conversation.party is not None else None
    record(
        ConversationClosed(
            conversation_id=str(conversation.uuid),
            party_id=str(party_uuid) if party_uuid else None,
            subject=conversation.subject,
            outcome=outcome or Outcome.ANSWERED,
            closed_by=str(closed_by) if closed_by else None,
        )
    )
    if party_uuid is not None:
        log_processing([party_uuid], Action.UPDATE)
    announce(conversation, "closed")
    return conversation


def set_priority_and_status(
    conversation_uuid: uuid.UUID, priority: str | None = None, status: str | None = None
) -> Conversation:
    """Set the priority, or move between open and pending."""
    conversation = get_conversation(conversation_uuid, lock=True)
    if conversation.status == ConversationStatus.CLOSED:
        raise Conflict(_l("a closed conversation cannot be changed"))
    if priority is not None:
        conversation.priority = priority
    if status is not None:
        if status not in (ConversationStatus.OPEN, ConversationStatus.PENDING):
            raise ValidationFailed.field(
                "status", _l("close with POST .../close and snooze with POST .../snooze")
            )
        conversation.status = status
    db.session().flush()
    return conversation


def link_party(conversation_uuid: uuid.UUID, party_uuid: uuid.UUID) -> Conversation:
    """Attach an anonymous (or wrongly attached) conversation to a party, with its contact moment."""
    conversation = get_conversation(conversation_uuid, lock=True)
    party = db.session().scalar(select(Party).where(Party.uuid == party_uuid))
    if party is None:
        raise ValidationFailed.field(
            "party_id", _l("no party with id %(party_uuid)s", party_uuid=party_uuid)
        )
    conversation.party = party
    conversation.party_id = party.id
    if conversation.contact_moment is not None:
        attach_resident(conversation.contact_moment.uuid, party.uuid)
    db.session().flush()
    log_processing([party.uuid], Action.UPDATE)
    announce(conversation, "identified")
    return conversation


def set_subject(
    conversation_uuid: uuid.UUID, subject: str, changed_by: uuid.UUID | None = None
) -> Conversation:
    """Say what the conversation is about, on the conversation and its contact moment (where
    a journey may pick it up)."""
    conversation = get_conversation(conversation_uuid, lock=True)
    if conversation.status == ConversationStatus.CLOSED:
        raise Conflict(_l("a closed conversation cannot be changed"))
    if conversation.contact_moment is not None:
        subject = change_subject(conversation.contact_moment.uuid, subject, changed_by).subject
    elif not subject.strip():
        raise ValidationFailed.field("subject", _l("a subject may not be empty"))
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
    """Link the party, set the subject, then hand off: in that order, so that a subject sent
    with the party reaches the party's journeys."""
    if change.party_id is not None:
        link_party(conversation_uuid, change.party_id)
    if change.subject is not None:
        set_subject(conversation_uuid, change.subject, changed_by)
    if change.assigned_user_id is not None or change.assigned_team:
        assign_conversation(
            conversation_uuid, change.assigned_user_id, change.assigned_team or None, changed_by
        )
    return set_priority_and_status(conversation_uuid, change.priority, change.status)
