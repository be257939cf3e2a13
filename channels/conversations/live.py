"""What the pages following a conversation, its queue and the supervisors' view are told.

Topics: ``conversation:<uuid>`` (its page), ``queue:<team>`` (the team's queue, and the
previous team's on a transfer), ``user:<uuid>`` (the holder's "my conversations") and
``supervision`` (the live view). Sent after the transaction commits.
"""

from __future__ import annotations

import uuid
from typing import Any

from channels.models import Conversation
from kcc.auth.access import STAFF
from kcc.auth.models import Caller
from kcc.live import notify, register_topic

TEAM_KEY_CHARS = 100

SUPERVISION = "supervision"


def topics(conversation: Conversation, previous_team: str | None = None) -> list[str]:
    """The topics a change of ``conversation`` concerns."""
    found = [f"conversation:{conversation.uuid}"]
    for team in (conversation.assigned_team, previous_team):
        if team and f"queue:{team}" not in found:
            found.append(f"queue:{team}")
    if conversation.assigned_user is not None:
        found.append(f"user:{conversation.assigned_user.uuid}")
    found.append(SUPERVISION)
    return found


def summary(conversation: Conversation) -> dict[str, Any]:
    """The little each page needs to decide whether to fetch more (no message text)."""
    user = conversation.assigned_user
    return {
        "conversation_id": str(conversation.uuid),
        "status": conversation.status,
        "team": conversation.assigned_team,
        "assigned_user_id": str(user.uuid) if user is not None else None,
        "assigned_user_name": (user.display_name or user.name) if user is not None else None,
    }


def announce(conversation: Conversation, kind: str, previous_team: str | None = None) -> None:
    """Tell every page following the conversation that it changed (``kind``: taken, assigned,
    transferred, released, snoozed, reopened, closed, message, note, read)."""
    data = summary(conversation)
    for topic in topics(conversation, previous_team):
        _notify(topic, kind, data)


def _notify(topic: str, kind: str, data: dict[str, Any]) -> None:
    """Hand one event to the live stream port (published once the transaction commits)."""
    notify(topic, kind, data)


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def _may_follow_conversation(caller: Caller, topic: str) -> bool:
    """Whoever may open conversations may follow one."""
    return caller.role in STAFF and _is_uuid(topic.removeprefix("conversation:"))


def _may_follow_queue(caller: Caller, topic: str) -> bool:
    """Staff follow any team's queue (they may transfer to it and take from it)."""
    team = topic.removeprefix("queue:")
    return caller.role in STAFF and 0 < len(team) <= TEAM_KEY_CHARS


def register_topics() -> None:
    """Say who may follow the conversations' and the queues' topics."""
    register_topic("conversation:", _may_follow_conversation)
    register_topic("queue:", _may_follow_queue)


def announce_supervision(kind: str) -> None:
    """Tell the supervisors' live view that something it shows changed (an agent's presence)."""
    _notify(SUPERVISION, kind, {})
