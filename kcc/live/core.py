"""The core's own topics (a party's customer view, a user, supervision) and the core events
that move them."""

from __future__ import annotations

import uuid
from typing import Any

from kcc.auth.access import STAFF, SUPERVISION
from kcc.auth.models import Caller
from kcc.events.base import observe
from kcc.live.publish import notify
from kcc.live.topics import register_topic


def party_topic(party_id: uuid.UUID | str) -> str:
    return f"party:{party_id}"


def user_topic(user_id: uuid.UUID | str) -> str:
    return f"user:{user_id}"


SUPERVISION_TOPIC = "supervision"


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def _may_follow_party(caller: Caller, topic: str) -> bool:
    """Whoever may open a customer view may follow it."""
    return caller.role in STAFF and _is_uuid(topic.removeprefix("party:"))


def _may_follow_user(caller: Caller, topic: str) -> bool:
    """Only the user themselves."""
    return topic.removeprefix("user:") == str(caller.uuid)


def _may_follow_supervision(caller: Caller, topic: str) -> bool:
    return topic == SUPERVISION_TOPIC and caller.role in SUPERVISION


def register_core_topics() -> None:
    """Register the core's topics and have core events notify them in their transaction."""
    register_topic("party:", _may_follow_party)
    register_topic("user:", _may_follow_user)
    register_topic(SUPERVISION_TOPIC, _may_follow_supervision)
    observe("kcc.live", on_event)


def _parties(name: str, data: dict[str, Any]) -> list[str]:
    if name == "contact_moment.recorded":
        return [str(p) for p in data.get("party_ids") or []]
    party = data.get("party_id")
    return [str(party)] if party else []


# Which fields of each core event the customer view's event carries (ids and labels only:
# the page fetches what it shows, and logs that read).
_CUSTOMER_VIEW_EVENTS: dict[str, tuple[str, ...]] = {
    "contact_moment.recorded": ("contact_moment_id", "channel", "direction"),
    "contact_moment.deleted": ("contact_moment_id",),
    "task.created": ("task_id", "kind"),
    "task.deleted": ("task_id", "kind"),
    "consent.granted": ("consent_id", "purpose", "channel"),
    "consent.withdrawn": ("consent_id", "purpose", "channel"),
    "message.received": ("message_id", "conversation_id", "channel"),
}


def on_event(name: str, data: dict[str, Any]) -> None:
    """A core event about a party: the pages showing that party's customer view hear of it."""
    fields = _CUSTOMER_VIEW_EVENTS.get(name)
    if fields is None:
        return
    summary = {field: data.get(field) for field in fields}
    for party in _parties(name, data):
        notify(party_topic(party), name, summary)
