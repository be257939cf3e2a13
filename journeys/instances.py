"""Read journey instances (per party, with steps), per-version stats, and the customer-view section."""

from __future__ import annotations

import uuid
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from journeys.constants import CauseType, InstanceStatus
from journeys.emergency import require_running
from journeys.engine import Cause, StepResult, advance, start
from journeys.models import Journey, JourneyInstance, JourneyStep, JourneyTimer, JourneyVersion
from journeys.versions import definition_for, get_version, newest_published
from kcc.constants import Action
from kcc.db import db
from kcc.errors import Conflict, NotFound, ValidationFailed
from kcc.pagination import decode_cursor, encode_cursor
from kcc.parties.models import Party
from kcc.parties.services import party_id_for
from kcc.privacy.services import log_processing

VIEW_LIMIT = 20


def get_instance(
    instance_uuid: uuid.UUID,
) -> tuple[JourneyInstance, list[JourneyStep], list[JourneyTimer]]:
    """One instance with its steps and its timers; the read is logged."""
    session = db.session()
    instance = session.scalar(select(JourneyInstance).where(JourneyInstance.uuid == instance_uuid))
    if instance is None:
        raise NotFound(
            _l("no journey instance with id %(instance_uuid)s", instance_uuid=instance_uuid)
        )
    steps = list(
        session.scalars(
            select(JourneyStep)
            .where(JourneyStep.instance_id == instance.id)
            .order_by(JourneyStep.id)
        )
    )
    timers = list(
        session.scalars(
            select(JourneyTimer)
            .where(JourneyTimer.instance_id == instance.id)
            .order_by(JourneyTimer.id)
        )
    )
    log_processing([_party_uuid(instance.party_id)], Action.READ)
    return instance, steps, timers


def _party_uuid(party_id: int) -> uuid.UUID:
    found = db.session().scalar(select(Party.uuid).where(Party.id == party_id))
    assert found is not None
    return found


def list_instances(
    party_uuid: uuid.UUID | None, status: str | None, limit: int, cursor: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    """Instances newest first, optionally of one party, keyset-paginated."""
    query = (
        select(JourneyInstance, JourneyVersion.number, Party.uuid)
        .join(JourneyVersion, JourneyVersion.id == JourneyInstance.version_id)
        .join(Party, Party.id == JourneyInstance.party_id)
        .order_by(JourneyInstance.id.desc())
        .limit(limit + 1)
    )
    if party_uuid is not None:
        query = query.where(JourneyInstance.party_id == party_id_for(party_uuid, "party"))
    if status:
        query = query.where(JourneyInstance.status == status)
    after = decode_cursor(cursor, ("id",))
    if after is not None:
        query = query.where(JourneyInstance.id < int(after["id"]))
    rows = db.session().execute(query).all()
    next_cursor = encode_cursor({"id": rows[limit - 1][0].id}) if len(rows) > limit else None
    items = [summary(instance, number, party) for instance, number, party in rows[:limit]]
    log_processing([row[2] for row in rows[:limit]], Action.READ)
    return items, next_cursor


def summary(instance: JourneyInstance, number: int, party_uuid: uuid.UUID) -> dict[str, Any]:
    return {
        "id": instance.uuid,
        "journey": instance.journey_key,
        "version": number,
        "party_id": party_uuid,
        "status": instance.status,
        "states": instance.configuration,
        "datamodel": instance.datamodel,
        "started_at": instance.started_at,
        "updated_at": instance.updated_at,
        "completed_at": instance.completed_at,
        "step_count": instance.step_count,
    }


def start_by_agent(
    party_uuid: uuid.UUID, key: str, agent_uuid: uuid.UUID, reason: str
) -> JourneyInstance:
    """An agent starts a journey for a party from the customer view; 409 when one is active."""
    party_id = party_id_for(party_uuid)
    require_running(newest_published(key).id)
    why = f"started by an agent: {reason}" if reason else "started by an agent"
    instance, created = start(
        party_id, key, Cause(CauseType.AGENT, str(agent_uuid), why), f"agent:{uuid.uuid4()}"
    )
    if not created:
        raise Conflict(
            _l(
                "the party has an active '%(key)s' journey already (%(uuid)s)",
                key=key,
                uuid=instance.uuid,
            )
        )
    return instance


def send_by_agent(
    instance_uuid: uuid.UUID, event: str, agent_uuid: uuid.UUID, reason: str, event_id: str | None
) -> StepResult:
    """An agent moves an instance with one of its statechart's events (e.g. the resident opted out)."""
    instance = db.session().scalar(
        select(JourneyInstance).where(JourneyInstance.uuid == instance_uuid)
    )
    if instance is None:
        raise NotFound(
            _l("no journey instance with id %(instance_uuid)s", instance_uuid=instance_uuid)
        )
    if event not in definition_for(instance.version_id).compiled.events:
        raise ValidationFailed.field(
            "event", _l("the journey has no event '%(event)s'", event=event)
        )
    if instance.status != InstanceStatus.ACTIVE:
        raise Conflict(_l("the journey instance is %(status)s", status=instance.status))
    require_running(instance.version_id)
    cause = Cause(
        CauseType.AGENT,
        str(agent_uuid),
        f"sent by an agent: {reason}" if reason else "sent by an agent",
    )
    return advance(instance.id, event, f"agent:{event_id or uuid.uuid4()}", cause)


def version_stats(key: str, number: int) -> dict[str, Any]:
    """Instances per state and status, and the completion rate, of one version."""
    version = get_version(key, number)
    session = db.session()
    by_status = dict(
        session.execute(
            select(JourneyInstance.status, func.count())
            .where(JourneyInstance.version_id == version.id)
            .group_by(JourneyInstance.status)
        ).all()
    )
    per_state: dict[str, int] = {}
    rows = session.execute(
        select(JourneyInstance.configuration, func.count())
        .where(JourneyInstance.version_id == version.id)
        .group_by(JourneyInstance.configuration)
    ).all()
    for configuration, count in rows:
        for state in configuration:
            per_state[state] = per_state.get(state, 0) + count
    total = sum(by_status.values())
    completed = by_status.get(InstanceStatus.COMPLETED, 0)
    return {
        "journey": key,
        "version": number,
        "instances": total,
        "by_status": by_status,
        "by_state": per_state,
        "completed": completed,
        "completion_rate": round(completed / total, 4) if total else None,
    }


def view_section(party: Party) -> list[dict[str, Any]]:
    """Customer-view provider: each instance with state, version, last step and next timer (3 queries)."""
    session = db.session()
    rows = session.execute(
        select(JourneyInstance, JourneyVersion.number, JourneyVersion.document["title"])
        .join(JourneyVersion, JourneyVersion.id == JourneyInstance.version_id)
        .where(JourneyInstance.party_id == party.id)
        .order_by(JourneyInstance.id.desc())
        .limit(VIEW_LIMIT)
    ).all()
    ids = [row[0].id for row in rows]
    if not ids:
        return []
    last_ids = (
        select(func.max(JourneyStep.id))
        .where(JourneyStep.instance_id.in_(ids))
        .group_by(JourneyStep.instance_id)
    )
    last = {
        s.instance_id: s
        for s in session.scalars(select(JourneyStep).where(JourneyStep.id.in_(last_ids)))
    }
    timers: dict[int, JourneyTimer] = {}
    pending = session.scalars(
        select(JourneyTimer)
        .where(
            JourneyTimer.instance_id.in_(ids),
            JourneyTimer.fired_at.is_(None),
            JourneyTimer.cancelled_at.is_(None),
        )
        .order_by(JourneyTimer.due_at)
    )
    for timer in pending:
        timers.setdefault(timer.instance_id, timer)
    return [
        _view_item(instance, number, title, last.get(instance.id), timers.get(instance.id))
        for instance, number, title in rows
    ]


def _view_item(
    instance: JourneyInstance,
    number: int,
    title: Any,
    step: JourneyStep | None,
    timer: JourneyTimer | None,
) -> dict[str, Any]:
    return {
        "id": str(instance.uuid),
        "journey": instance.journey_key,
        "title": title,
        "version": number,
        "status": instance.status,
        "states": instance.configuration,
        "started_at": instance.started_at.isoformat(),
        "last_step": None
        if step is None
        else {
            "event": step.event,
            "from": step.from_states,
            "to": step.to_states,
            "cause": step.cause_type,
            "why": step.why,
            "at": step.occurred_at.isoformat(),
        },
        "next_timer": None
        if timer is None
        else {"event": timer.event, "state": timer.state, "due_at": timer.due_at.isoformat()},
    }


def journey_keys() -> list[str]:
    return list(db.session().scalars(select(Journey.key).order_by(Journey.key)))
