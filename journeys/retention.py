"""The journeys' retention categories: ended journey instances with their steps, timers and
suggestions, and the life events other systems reported."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select

from journeys.constants import InstanceStatus
from journeys.models import JourneyInstance, LifeEvent
from kcc.db import db
from kcc.rights.retention import Category

# Two years after the journey ended, like the contact moments it followed; a running journey
# is never removed.
JOURNEY_DAYS = 730


def expired_journeys(cutoff: Any) -> Any:
    return select(
        JourneyInstance.id, JourneyInstance.completed_at, JourneyInstance.journey_key
    ).where(
        JourneyInstance.status != InstanceStatus.ACTIVE,
        JourneyInstance.completed_at < cutoff,
    )


def remove_journeys(ids: list[int]) -> None:
    """Delete the instances; their steps, timers, suggestions and 'ask for consent' items go with them."""
    db.session().execute(delete(JourneyInstance).where(JourneyInstance.id.in_(ids)))


# A reported life event (a move, a birth, a death) is kept as long as the journeys it could
# have started or moved; after that its only use, recognising a repeat delivery, is long past.
LIFE_EVENT_DAYS = 730


def expired_life_events(cutoff: Any) -> Any:
    return select(LifeEvent.id, LifeEvent.received_at, LifeEvent.type).where(
        LifeEvent.received_at < cutoff
    )


def remove_life_events(ids: list[int]) -> None:
    db.session().execute(delete(LifeEvent).where(LifeEvent.id.in_(ids)))


JOURNEYS = Category("journeys", JOURNEY_DAYS, expired_journeys, remove_journeys)
LIFE_EVENTS = Category("life_events", LIFE_EVENT_DAYS, expired_life_events, remove_life_events)
