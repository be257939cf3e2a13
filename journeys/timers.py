"""Durable timers: due rows fired by a periodic job, once each, also when they fire late."""

from __future__ import annotations

import logging

from sqlalchemy import select

from journeys.constants import CauseType
from journeys.engine import Cause, Item, advance_items
from journeys.models import Journey, JourneyInstance, JourneyTimer, JourneyVersion
from kcc.db import unit_of_work, utcnow
from kcc.privacy.activities import Activity
from kcc.privacy.context import system_processing

log = logging.getLogger(__name__)

BATCH = 200
PER_TRANSACTION = 50


def fire_due_timers(limit: int = BATCH, per_transaction: int = PER_TRANSACTION) -> int:
    """Periodic job: fire every due timer (at most ``limit``), a batch per transaction.

    The engine claims a timer with ``UPDATE ... WHERE fired_at IS NULL AND cancelled_at IS
    NULL`` under its instance's row lock, so two workers never fire the same timer twice, and
    a timer whose state was left in the meantime (also by an earlier timer of the same batch)
    is not fired at all. Returns how many fired.
    """
    fired = 0
    handled = 0
    skipped: set[int] = set()
    with system_processing("journeys.timers", Activity.PROACTIVE_SERVICE):
        while handled < limit:
            with unit_of_work() as session:
                query = (
                    select(
                        JourneyTimer.id,
                        JourneyTimer.uuid,
                        JourneyTimer.instance_id,
                        JourneyTimer.state,
                        JourneyTimer.event,
                        JourneyTimer.duration,
                    )
                    .join(JourneyInstance, JourneyInstance.id == JourneyTimer.instance_id)
                    .join(JourneyVersion, JourneyVersion.id == JourneyInstance.version_id)
                    .join(Journey, Journey.id == JourneyVersion.journey_id)
                    .where(
                        JourneyTimer.fired_at.is_(None),
                        JourneyTimer.cancelled_at.is_(None),
                        JourneyTimer.due_at <= utcnow(),
                        # an emergency stop holds the timers; they fire late on resume
                        JourneyVersion.suspended_at.is_(None),
                        Journey.suspended_at.is_(None),
                    )
                    .order_by(JourneyTimer.due_at, JourneyTimer.id)
                    .limit(min(per_transaction, limit - handled))
                )
                if skipped:
                    query = query.where(JourneyTimer.id.not_in(skipped))
                timers = session.execute(query).all()
                if not timers:
                    break
                items = [
                    Item(
                        instance_id,
                        event,
                        f"timer:{timer_uuid}",
                        Cause(
                            CauseType.TIMER,
                            str(timer_uuid),
                            f"timer {duration} of state '{state}' is due",
                        ),
                        claim_timer=timer_id,
                    )
                    for timer_id, timer_uuid, instance_id, state, event, duration in timers
                ]
                for timer, result in zip(timers, advance_items(items), strict=True):
                    handled += 1
                    if result.duplicate:
                        skipped.add(timer[0])
                    else:
                        fired += 1
    return fired
