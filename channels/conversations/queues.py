"""The queues: per team what waits and for how long, each agent's unread count, and who is
available to answer.

An agent is *available* when their account is active, they have a signed-in browser session
that has neither ended nor idled out (seen within the session idle timeout, begun within the
absolute one), and they have not set themselves away.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from channels.constants import ConversationStatus, Presence
from channels.conversations.live import announce_supervision
from channels.conversations.models import AgentPresence
from channels.conversations.reads import unread_counts
from channels.models import Conversation
from kcc.auth.models import User, WebSession
from kcc.auth.sessions import ABSOLUTE, IDLE
from kcc.constants import Role
from kcc.db import db, utcnow
from kcc.directory.services import list_teams

ANSWERING = (Role.AGENT, Role.SUPERVISOR, Role.ADMIN)


@dataclass(frozen=True)
class QueueSummary:
    """One team's queue now."""

    team: str
    name: str
    waiting: int  # open: the resident waits for us
    unassigned: int  # waiting and not taken by anyone
    pending: int  # waiting for the resident
    snoozed: int
    longest_wait_seconds: int | None
    oldest_waiting_since: datetime | None


@dataclass(frozen=True)
class AgentState:
    user_id: str
    name: str
    team: str | None
    presence: str
    available: bool
    open_conversations: int


def queue_summaries(team: str | None = None) -> list[QueueSummary]:
    """Every active team of the directory (and any other team holding conversations), by name."""
    now = utcnow()
    status = Conversation.status
    waiting = status == ConversationStatus.OPEN
    stmt = (
        select(
            Conversation.assigned_team,
            func.count().filter(waiting),
            func.count().filter(waiting, Conversation.assigned_user_id.is_(None)),
            func.count().filter(status == ConversationStatus.PENDING),
            func.count().filter(status == ConversationStatus.SNOOZED),
            func.min(Conversation.waiting_since).filter(waiting),
        )
        .where(status != ConversationStatus.CLOSED, Conversation.assigned_team.is_not(None))
        .group_by(Conversation.assigned_team)
    )
    if team is not None:
        stmt = stmt.where(Conversation.assigned_team == team)
    counts = {str(row[0]): row[1:] for row in db.session().execute(stmt)}
    names = {t.key: t.name for t in list_teams()}
    keys = sorted(set(names) | set(counts), key=lambda k: (names.get(k) or k).lower())
    if team is not None:
        keys = [team]
    found = []
    for key in keys:
        n_waiting, n_unassigned, n_pending, n_snoozed, oldest = counts.get(key, (0, 0, 0, 0, None))
        found.append(
            QueueSummary(
                team=key,
                name=names.get(key, key),
                waiting=n_waiting,
                unassigned=n_unassigned,
                pending=n_pending,
                snoozed=n_snoozed,
                longest_wait_seconds=int((now - oldest).total_seconds()) if oldest else None,
                oldest_waiting_since=oldest,
            )
        )
    return found


def my_unread(user_id: int) -> tuple[int, int]:
    """The agent's open conversations and the messages in them they have not read."""
    ids = list(
        db.session().scalars(
            select(Conversation.id).where(
                Conversation.assigned_user_id == user_id,
                Conversation.status != ConversationStatus.CLOSED,
            )
        )
    )
    return len(ids), sum(unread_counts(ids, user_id).values())


def agents(team: str | None = None) -> list[AgentState]:
    """The users who answer residents, each with presence, availability and workload."""
    now = utcnow()
    live = (
        select(WebSession.user_id)
        .where(
            WebSession.ended_at.is_(None),
            WebSession.last_seen_at > now - IDLE,
            WebSession.created_at > now - ABSOLUTE,
        )
        .distinct()
    )
    live_ids = set(db.session().scalars(live))
    stmt = (
        select(User, AgentPresence.status)
        .outerjoin(AgentPresence, AgentPresence.user_id == User.id)
        .where(User.is_active.is_(True), User.role.in_(ANSWERING))
        .order_by(User.display_name, User.name)
    )
    if team is not None:
        stmt = stmt.where(User.team == team)
    counted = db.session().execute(
        select(Conversation.assigned_user_id, func.count())
        .where(
            Conversation.status != ConversationStatus.CLOSED,
            Conversation.assigned_user_id.is_not(None),
        )
        .group_by(Conversation.assigned_user_id)
    )
    workload = {user_id: int(n) for user_id, n in counted}
    found = []
    for user, presence in db.session().execute(stmt):
        presence = presence or Presence.AVAILABLE
        found.append(
            AgentState(
                user_id=str(user.uuid),
                name=user.display_name or user.name,
                team=user.team,
                presence=presence,
                available=user.id in live_ids and presence == Presence.AVAILABLE,
                open_conversations=int(workload.get(user.id, 0)),
            )
        )
    return found


def set_presence(user_id: int, status: str) -> str:
    """Set oneself available or away; returns the presence now."""
    session = db.session()
    row = session.scalar(select(AgentPresence).where(AgentPresence.user_id == user_id))
    if row is None:
        row = AgentPresence(user_id=user_id, status=status)
        session.add(row)
    row.status = Presence(status)
    row.changed_at = utcnow()
    session.flush()
    announce_supervision("presence")
    return row.status
