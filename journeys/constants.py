"""Stored statuses and choices of the journeys package."""

from __future__ import annotations

from enum import StrEnum


class VersionStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    RETIRED = "retired"


class InstanceStatus(StrEnum):
    ACTIVE = "active"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class CauseType(StrEnum):
    """What moved a journey instance."""

    EVENT = "event"
    CONTACT_MOMENT = "contact_moment"
    AGENT = "agent"
    TIMER = "timer"
    SYSTEM = "system"


class InboundStatus(StrEnum):
    """What became of a life event another system sent."""

    MATCHED = "matched"
    UNMATCHED = "unmatched"
    IGNORED = "ignored"


LIFE_EVENT_RECEIVED = "life_event.received"
CONTACT_MOMENT_RECORDED = "contact_moment.recorded"
# Not a trigger name of its own: a journey triggered by ``contact_moment.recorded`` also
# listens to a recorded moment whose subject changes to one it matches.
CONTACT_MOMENT_SUBJECT_CHANGED = "contact_moment.subject_changed"


class DeliveryStatus(StrEnum):
    """What became of an event one journey could not take at once."""

    FAILED = "failed"
    HELD = "held"
    DONE = "done"
    GIVEN_UP = "given_up"
