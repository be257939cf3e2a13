"""Queues and hand-offs: take, assign or transfer, snooze and wake conversations.

Every change is one domain event (``conversation.handed_off``, ``conversation.snoozed``,
``conversation.reopened``) and one announcement to the pages following the conversation and
its queue. Taking is a conditional update, so of two agents who take the same conversation at
once exactly one gets it and the other learns who has it.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select, update

from channels.constants import ConversationStatus
from channels.conversations.live import announce
from channels.conversations.services import get_conversation, reopen
from channels.events import ConversationHandedOff, ConversationSnoozed
from channels.models import Conversation
from kcc.auth.models import User
from kcc.constants import Role
from kcc.db import db, unit_of_work, utcnow
from kcc.directory.services import require_active_team
from kcc.errors import Conflict, Text, ValidationFailed
from kcc.events.outbox import record

# Who can hold a conversation: the roles that answer residents.
HOLDERS = (Role.AGENT, Role.SUPERVISOR, Role.ADMIN)
WAKE_BATCH = 200


def holder_name(user: User) -> str:
    return user.display_name or user.name


def _open(conversation: Conversation, doing: Text) -> None:
    if conversation.status == ConversationStatus.CLOSED:
        raise Conflict(_l("this conversation is closed; it cannot be %(doing)s", doing=doing))


def _handed_off(
    conversation: Conversation,
    kind: str,
    previous: tuple[uuid.UUID | None, str | None],
    by: uuid.UUID | None,
) -> None:
    user = conversation.assigned_user
    record(
        ConversationHandedOff(
            conversation_id=str(conversation.uuid),
            kind=kind,
            user_id=str(user.uuid) if user is not None else None,
            team=conversation.assigned_team,
            previous_user_id=str(previous[0]) if previous[0] else None,
            previous_team=previous[1],
            by=str(by) if by else None,
        )
    )
    announce(conversation, kind, previous_team=previous[1])


def _previous(conversation: Conversation) -> tuple[uuid.UUID | None, str | None]:
    user = conversation.assigned_user
    return (user.uuid if user is not None else None, conversation.assigned_team)


def take_conversation(conversation_uuid: uuid.UUID, user_id: int) -> Conversation:
    """Give the conversation to the calling agent; a 409 naming the holder when another has it.

    Taking one's own conversation again changes nothing.
    """
    conversation = get_conversation(conversation_uuid, lock=True)
    _open(conversation, _l("taken"))
    if conversation.assigned_user_id == user_id:
        return conversation
    previous = _previous(conversation)
    now = utcnow()
    taken = db.session().execute(
        update(Conversation)
        .where(Conversation.id == conversation.id, Conversation.assigned_user_id.is_(None))
        .values(assigned_user_id=user_id, taken_at=now, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session().expire(conversation)
    if not taken.rowcount:  # type: ignore[attr-defined]
        holder = conversation.assigned_user
        name = holder_name(holder) if holder is not None else "another agent"
        raise Conflict(_l("%(name)s has taken this conversation already", name=name))
    _handed_off(conversation, "taken", previous, _uuid_of(user_id))
    return conversation


def _uuid_of(user_id: int) -> uuid.UUID | None:
    return db.session().scalar(select(User.uuid).where(User.id == user_id))


def _colleague(user_uuid: uuid.UUID) -> User:
    user = db.session().scalar(select(User).where(User.uuid == user_uuid))
    if user is None:
        raise ValidationFailed.field(
            "user_id", _l("no user with id %(user_uuid)s", user_uuid=user_uuid)
        )
    if not user.is_active:
        name = holder_name(user)
        raise ValidationFailed.field(
            "user_id", _l("%(name)s is disabled and cannot be given conversations", name=name)
        )
    if user.role not in HOLDERS:
        raise ValidationFailed.field(
            "user_id",
            _l(
                "%(user)s (%(role)s) does not answer residents",
                user=holder_name(user),
                role=user.role,
            ),
        )
    return user


def assign_conversation(
    conversation_uuid: uuid.UUID,
    user_uuid: uuid.UUID | None,
    team: str | None,
    by: uuid.UUID | None,
) -> Conversation:
    """Give the conversation to a colleague, or transfer it to a team's queue (unassigned,
    unless a colleague is named too). The team must be an active team of the directory."""
    if user_uuid is None and team is None:
        raise ValidationFailed.field("user_id", _l("name a colleague or a team"))
    conversation = get_conversation(conversation_uuid, lock=True)
    _open(conversation, _l("assigned"))
    previous = _previous(conversation)
    if team is not None:
        conversation.assigned_team = require_active_team(team, field="team").key
    if user_uuid is not None:
        conversation.assigned_user = _colleague(user_uuid)
        conversation.taken_at = utcnow()
    elif team is not None:
        conversation.assigned_user = None
        conversation.taken_at = None
    db.session().flush()
    if _previous(conversation) == previous:
        return conversation
    _handed_off(conversation, "assigned" if user_uuid else "transferred", previous, by)
    return conversation


def release_conversation(conversation_uuid: uuid.UUID, by: uuid.UUID | None) -> Conversation:
    """Put the conversation back in its team's queue, unassigned."""
    conversation = get_conversation(conversation_uuid, lock=True)
    _open(conversation, _l("released"))
    if conversation.assigned_user_id is None:
        return conversation
    previous = _previous(conversation)
    conversation.assigned_user = None
    conversation.taken_at = None
    db.session().flush()
    _handed_off(conversation, "released", previous, by)
    return conversation


def snooze_conversation(
    conversation_uuid: uuid.UUID, until: datetime, by: uuid.UUID | None
) -> Conversation:
    """Put the conversation aside until ``until`` (in the future); it comes back by itself,
    or earlier when the resident writes."""
    if until <= utcnow():
        raise ValidationFailed.field("until", _l("a snooze must end in the future"))
    conversation = get_conversation(conversation_uuid, lock=True)
    _open(conversation, _l("snoozed"))
    conversation.status = ConversationStatus.SNOOZED
    conversation.snoozed_until = until
    db.session().flush()
    record(
        ConversationSnoozed(
            conversation_id=str(conversation.uuid),
            until=until.isoformat(),
            by=str(by) if by else None,
        )
    )
    announce(conversation, "snoozed")
    return conversation


def wake_snoozed(limit: int = WAKE_BATCH) -> int:
    """Periodic job: snoozed conversations whose time has come go back to their queue.

    The snooze is a row, so a restart loses none; a conversation the resident woke first is
    open already and is left alone. Returns how many came back.
    """
    woken = 0
    with unit_of_work() as session:
        due = list(
            session.scalars(
                select(Conversation.uuid)
                .where(
                    Conversation.status == ConversationStatus.SNOOZED,
                    or_(
                        Conversation.snoozed_until.is_(None), Conversation.snoozed_until <= utcnow()
                    ),
                )
                .order_by(Conversation.snoozed_until)
                .limit(limit)
            )
        )
        for conversation_uuid in due:
            conversation = get_conversation(conversation_uuid, lock=True)
            if conversation.status != ConversationStatus.SNOOZED:
                continue
            reopen(conversation, "snooze_ended")
            woken += 1
    return woken
