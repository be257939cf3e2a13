"""A resident's objection (AVG art. 21): the journeys that follow them end, nothing is asked again."""

from __future__ import annotations

import uuid

from sqlalchemy import select, update

from journeys.constants import CauseType, InstanceStatus
from journeys.models import JourneyInstance, JourneyStep, JourneyTimer
from journeys.suggestions.models import ConsentRequest
from kcc.consent.withdrawals import objected
from kcc.constants import Action
from kcc.db import db, utcnow
from kcc.events.base import EventEnvelope
from kcc.parties.models import Party
from kcc.privacy.activities import Activity
from kcc.privacy.context import system_processing
from kcc.privacy.services import log_processing

WHY = "The resident objected (AVG art. 21); the journey ended and nothing more is offered."


def end_journeys(party_id: int, cause_ref: str, only: int | None = None) -> int:
    """End the party's active journeys (or the one ``only``) with a logged step, hold their
    timers for good and resolve the open 'ask for consent' items. Returns how many ended."""
    session = db.session()
    query = select(JourneyInstance).where(
        JourneyInstance.party_id == party_id, JourneyInstance.status == InstanceStatus.ACTIVE
    )
    if only is not None:
        query = query.where(JourneyInstance.id == only)
    if db.dialect == "postgresql":
        query = query.with_for_update()
    now = utcnow()
    ended = list(session.scalars(query.execution_options(populate_existing=True)))
    for instance in ended:
        instance.status, instance.completed_at, instance.updated_at = (
            InstanceStatus.CANCELLED,
            now,
            now,
        )
        instance.step_count += 1
        session.add(
            JourneyStep(
                instance_id=instance.id,
                event_id=f"objection:{cause_ref}"[:200],
                event="objected",
                from_states=list(instance.configuration),
                to_states=list(instance.configuration),
                moved=False,
                cause_type=CauseType.SYSTEM,
                cause_ref=cause_ref[:200],
                why=WHY,
                occurred_at=now,
            )
        )
    if ended:
        session.execute(
            update(JourneyTimer)
            .where(
                JourneyTimer.instance_id.in_([i.id for i in ended]),
                JourneyTimer.fired_at.is_(None),
                JourneyTimer.cancelled_at.is_(None),
            )
            .values(cancelled_at=now)
        )
    session.execute(
        update(ConsentRequest)
        .where(ConsentRequest.party_id == party_id, ConsentRequest.resolved_at.is_(None))
        .values(resolved_at=now)
    )
    session.flush()
    return len(ended)


def _party(party_uuid: str | None) -> Party | None:
    if not party_uuid:
        return None
    return db.session().scalar(select(Party).where(Party.uuid == uuid.UUID(party_uuid)))


def on_objected(envelope: EventEnvelope) -> None:
    """``consent.objected``: every journey of the resident ends."""
    party = _party(envelope.data.get("party_id"))
    if party is None:
        return
    with system_processing("journeys.objection", Activity.PROACTIVE_SERVICE):
        if end_journeys(party.id, str(envelope.data.get("consent_id") or envelope.event_id)):
            log_processing([party.uuid], Action.UPDATE)


def on_started(envelope: EventEnvelope) -> None:
    """``journey.started``: a journey that starts for a resident who objected ends at once."""
    party = _party(envelope.data.get("party_id"))
    if party is None or not objected(party.id):
        return
    instance_id = db.session().scalar(
        select(JourneyInstance.id).where(
            JourneyInstance.uuid == uuid.UUID(str(envelope.data["instance_id"]))
        )
    )
    with system_processing("journeys.objection", Activity.PROACTIVE_SERVICE):
        if instance_id is not None and end_journeys(party.id, str(envelope.event_id), instance_id):
            log_processing([party.uuid], Action.UPDATE)
