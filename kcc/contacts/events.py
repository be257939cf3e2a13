"""Domain events about contact moments."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kcc.events.base import DomainEvent, event_type


@event_type
@dataclass(frozen=True)
class ContactMomentRecorded(DomainEvent):
    name = "contact_moment.recorded"
    contact_moment_id: str
    channel: str
    direction: str
    subject: str
    party_ids: list[str]
    objects: list[dict[str, str]]
    agent_id: str | None

    def to_payload(self) -> dict[str, Any]:
        # Recorded with every contact moment. Its fields are JSON values already, so the
        # generic deep copy is skipped; the lists are copied all the same.
        return {
            "contact_moment_id": self.contact_moment_id,
            "channel": self.channel,
            "direction": self.direction,
            "subject": self.subject,
            "party_ids": list(self.party_ids),
            "objects": [dict(o) for o in self.objects],
            "agent_id": self.agent_id,
        }


@event_type
@dataclass(frozen=True)
class ContactMomentChanged(DomainEvent):
    """Fields of a recorded contact moment were corrected or completed."""

    name = "contact_moment.changed"
    contact_moment_id: str
    fields: list[str]


@event_type
@dataclass(frozen=True)
class ContactMomentDeleted(DomainEvent):
    name = "contact_moment.deleted"
    contact_moment_id: str
    party_ids: list[str]


@event_type
@dataclass(frozen=True)
class InvolvementChanged(DomainEvent):
    """Someone's part in a contact moment was added, changed or removed (``change``)."""

    name = "contact_moment.involvement_changed"
    contact_moment_id: str
    involvement_id: str
    party_id: str | None
    role: str
    change: str


@event_type
@dataclass(frozen=True)
class SubjectObjectChanged(DomainEvent):
    """What a contact moment was about was added, changed or removed (``change``);
    ``contact_moment_id`` is None for an object registered without its contact moment."""

    name = "contact_moment.subject_object_changed"
    contact_moment_id: str | None
    subject_object_id: str
    type: str
    id: str
    change: str


@event_type
@dataclass(frozen=True)
class ContactMomentTextAppended(DomainEvent):
    """A line was added to a running contact moment's text (a conversation's transcript)."""

    name = "contact_moment.text_appended"
    contact_moment_id: str
    channel: str
    party_ids: list[str]


@event_type
@dataclass(frozen=True)
class ContactMomentClosed(DomainEvent):
    name = "contact_moment.closed"
    contact_moment_id: str
    channel: str
    outcome: str
    party_ids: list[str]


@event_type
@dataclass(frozen=True)
class ContactMomentSubjectChanged(DomainEvent):
    """A recorded contact moment is now about ``subject``: journeys trigger on it as on a
    contact moment recorded with that subject."""

    name = "contact_moment.subject_changed"
    contact_moment_id: str
    channel: str
    direction: str
    subject: str
    previous_subject: str
    party_ids: list[str]
    objects: list[dict[str, str]]
    agent_id: str | None


@event_type
@dataclass(frozen=True)
class ContactMomentResidentAttached(DomainEvent):
    """The contact moment's resident is now ``party_id`` (the involvement keeps its id)."""

    name = "contact_moment.resident_attached"
    contact_moment_id: str
    involvement_id: str
    party_id: str
    previous_party_id: str | None


@event_type
@dataclass(frozen=True)
class ContactMomentTextsRemoved(DomainEvent):
    """The texts of these contact moments were replaced by ``replacement`` (retention of
    verbatim transcripts); subject, outcome and parties stay."""

    name = "contact_moment.texts_removed"
    contact_moment_ids: list[str]
    replacement: str
