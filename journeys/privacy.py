"""The journeys' privacy sections: journey instances, suggestions and reported life events."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, select, update

from journeys.lifeevents import reveal_sealed
from journeys.models import JourneyDelivery, LifeEvent
from journeys.retention import JOURNEYS, LIFE_EVENTS
from journeys.suggestions.sections import (
    count_journeys,
    count_suggestions,
    erase_journeys,
    erase_suggestions,
    journeys_export,
    suggestions_export,
)
from kcc.db import db
from kcc.parties.models import Party
from kcc.rights.sections import PrivacySection, declare_not_party_data, register_privacy_section


def life_events_export(parties: list[Party]) -> list[dict[str, Any]]:
    """The life events other systems reported about the parties, with what they said."""
    rows = db.session().scalars(
        select(LifeEvent)
        .where(LifeEvent.party_id.in_([p.id for p in parties]))
        .order_by(LifeEvent.id)
    )
    return [
        {
            "id": str(e.uuid),
            "type": e.type,
            "source": e.source,
            "status": e.status,
            "data": e.data,
            "sensitive_data": reveal_sealed(e),
            "occurred_at": e.occurred_at.isoformat() if e.occurred_at else None,
            "received_at": e.received_at.isoformat(),
        }
        for e in rows
    ]


def erase_life_events(parties: list[Party]) -> int:
    """Blank what the events said and unlink them from the parties; the (source, id) pair
    stays so that a repeat delivery is still recognised and starts nothing."""
    result = db.session().execute(
        update(LifeEvent)
        .where(LifeEvent.party_id.in_([p.id for p in parties]))
        .values(party_id=None, data={}, sealed=None)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def count_life_events(parties: list[Party]) -> int:
    query = select(func.count()).where(LifeEvent.party_id.in_([p.id for p in parties]))
    return int(db.session().scalar(query) or 0)


def deliveries_export(parties: list[Party]) -> list[dict[str, Any]]:
    """Events a journey could not take at once for the parties, and what became of them."""
    rows = db.session().scalars(
        select(JourneyDelivery)
        .where(JourneyDelivery.party_id.in_([p.id for p in parties]))
        .order_by(JourneyDelivery.id)
    )
    return [
        {
            "id": str(d.uuid),
            "journey": d.journey_key,
            "event": d.trigger_on,
            "status": d.status,
            "subject": d.subject,
            "data": d.data,
            "created_at": d.created_at.isoformat(),
        }
        for d in rows
    ]


def erase_deliveries(parties: list[Party]) -> int:
    result = db.session().execute(
        delete(JourneyDelivery)
        .where(JourneyDelivery.party_id.in_([p.id for p in parties]))
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def count_deliveries(parties: list[Party]) -> int:
    query = select(func.count()).where(JourneyDelivery.party_id.in_([p.id for p in parties]))
    return int(db.session().scalar(query) or 0)


def register_privacy() -> None:
    """Declare the journeys' tables to export, erasure and retention."""
    for section in (
        PrivacySection(
            "journeys",
            ("journey_instances", "journey_steps", "journey_timers"),
            export=journeys_export,
            erase=erase_journeys,
            count=count_journeys,
            retention=(JOURNEYS,),
        ),
        PrivacySection(
            "suggestions",
            ("suggestions", "consent_requests"),
            export=suggestions_export,
            erase=erase_suggestions,
            count=count_suggestions,
        ),
        PrivacySection(
            "life_events",
            ("life_events",),
            export=life_events_export,
            erase=erase_life_events,
            count=count_life_events,
            retention=(LIFE_EVENTS,),
        ),
        PrivacySection(
            "journey_deliveries",
            ("journey_deliveries",),
            export=deliveries_export,
            erase=erase_deliveries,
            count=count_deliveries,
        ),
    ):
        register_privacy_section(section)
    declare_not_party_data(
        "journey_versions",
        "journey definitions as published by process owners; no resident's data",
    )
