"""Failed and held deliveries: tried again with backoff, or taken once the journey resumes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from journeys.constants import CauseType, DeliveryStatus
from journeys.engine import Cause
from journeys.models import JourneyDelivery
from journeys.routing import Occasion, route, suspensions
from kcc.db import db, unit_of_work, utcnow
from kcc.privacy.activities import Activity
from kcc.privacy.context import system_processing


def occasion_of(delivery: JourneyDelivery) -> Occasion:
    cause = delivery.cause or {}
    return Occasion(
        party_id=delivery.party_id,
        on=delivery.trigger_on,
        subject=dict(delivery.subject or {}),
        event_id=delivery.occasion,
        cause=Cause(CauseType(cause.get("type", "event")), cause.get("ref"), cause.get("why", "")),
        data=delivery.data,
        data_prefix=delivery.data_prefix,
    )


def due(now: datetime, limit: int) -> list[int]:
    """Ids of failed deliveries due for another try and held ones whose journey was resumed."""
    suspended_keys, _ = suspensions()
    session = db.session()
    failed = session.scalars(
        select(JourneyDelivery.id)
        .where(
            JourneyDelivery.status == DeliveryStatus.FAILED,
            JourneyDelivery.next_attempt_at <= now,
        )
        .order_by(JourneyDelivery.next_attempt_at)
        .limit(limit)
    )
    held = session.scalars(
        select(JourneyDelivery.id)
        .where(JourneyDelivery.status == DeliveryStatus.HELD)
        .where(JourneyDelivery.journey_key.not_in(suspended_keys or {""}))
        .order_by(JourneyDelivery.id)
        .limit(limit)
    )
    return [*failed, *held][:limit]


def retry_deliveries(limit: int = 100) -> int:
    """Periodic job: try failed deliveries again when due, and held ones once resumed.

    Each delivery in a transaction of its own; returns how many were taken this time.
    """
    taken = 0
    with system_processing("journeys.deliveries", Activity.PROACTIVE_SERVICE):
        with unit_of_work():
            ids = due(utcnow(), limit)
        for delivery_id in ids:
            with unit_of_work() as session:
                delivery = session.get(JourneyDelivery, delivery_id, with_for_update=True)
                if delivery is None or delivery.status not in (
                    DeliveryStatus.FAILED,
                    DeliveryStatus.HELD,
                ):
                    continue
                applied = route(occasion_of(delivery), only=delivery.journey_key)
                if delivery.journey_key not in applied.failed + applied.held:
                    delivery.status = DeliveryStatus.DONE
                    delivery.next_attempt_at = None
                    delivery.updated_at = utcnow()
                    taken += 1
    return taken
