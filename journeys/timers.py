"""Durable timers: due rows fired by a periodic job, once each, also when they fire late."""

from __future__ import annotations

import logging

from sqlalchemy import select

from journeys.constants import CauseType
from journeys.engine import Cause, advance
from journeys.models import JourneyTimer
from kcc.db import unit_of_work, utcnow
from kcc.privacy.activities import Activity
from kcc.privacy.context import system_processing

log = logging.getLogger(__name__)

BATCH = 200


def fire_due_timers(limit: int = BATCH) -> int:
    """Periodic job: fire every due timer (at most ``limit``), each in its own transaction.

    A timer is claimed with ``UPDATE ... WHERE fired_at IS NULL AND cancelled_at IS NULL``
    under the instance's row lock, so two workers never fire the same timer twice, and a
    timer whose state was left in the meantime is not fired at all.
    """
    fired = 0
    skipped: set[int] = set()
    with system_processing("journeys.timers", Activity.PROACTIVE_SERVICE):
        for _ in range(limit):
            with unit_of_work() as session:
                query = (
                    select(JourneyTimer)
                    .where(
                        JourneyTimer.fired_at.is_(None),
                        JourneyTimer.cancelled_at.is_(None),
                        JourneyTimer.due_at <= utcnow(),
                    )
                    .order_by(JourneyTimer.due_at, JourneyTimer.id)
                    .limit(1)
                )
                if skipped:
                    query = query.where(JourneyTimer.id.not_in(skipped))
                timer = session.scalars(query).first()
                if timer is None:
                    break
                cause = Cause(
                    CauseType.TIMER,
                    str(timer.uuid),
                    f"timer {timer.duration} of state '{timer.state}' is due",
                )
                result = advance(
                    timer.instance_id,
                    timer.event,
                    f"timer:{timer.uuid}",
                    cause,
                    claim_timer=timer.id,
                )
                if result.duplicate:
                    skipped.add(timer.id)
                else:
                    fired += 1
    return fired
