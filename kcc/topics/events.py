"""Domain events about the topic catalogue and the topics confirmed on contact moments."""

from __future__ import annotations

from dataclasses import dataclass

from kcc.events.base import DomainEvent, event_type


@event_type
@dataclass(frozen=True)
class TopicsConfirmed(DomainEvent):
    """Topics were confirmed on a contact moment (on any channel).

    ``topics`` are the keys confirmed now; ``topic_keys`` adds each one's broader topics, so
    that a subscriber listening for "burgerzaken" hears of "verhuizen" without a lookup.
    """

    name = "contact_moment.topics_confirmed"
    contact_moment_id: str
    channel: str
    subject: str
    party_ids: list[str]
    topics: list[str]
    topic_keys: list[str]
    agent_id: str | None


@event_type
@dataclass(frozen=True)
class TopicChanged(DomainEvent):
    """A topic was added to, changed in or removed from the catalogue (``change``)."""

    name = "topic.changed"
    topic_id: str
    key: str
    change: str
