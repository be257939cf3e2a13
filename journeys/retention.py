"""The journeys' retention category: ended journey instances with their steps, timers and suggestions."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select

from journeys.constants import InstanceStatus
from journeys.models import JourneyInstance
from kcc.db import db
from kcc.privacy.retention import Category

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


JOURNEYS = Category("journeys", JOURNEY_DAYS, expired_journeys, remove_journeys)
