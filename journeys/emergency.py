"""The emergency stop: suspend a journey or one version, resume it, cancel its running instances.

While suspended no event is applied to the journey (or version): events are held as
deliveries and taken on resume, timers are held and fire late, agents cannot move its
instances, and so nothing is sent. Every running instance gets a step for each stop, resume
and bulk cancellation, with who did it and why.
"""

from __future__ import annotations

import uuid
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import insert, select, update

from journeys.constants import CauseType, InstanceStatus
from journeys.models import Journey, JourneyInstance, JourneyStep, JourneyTimer, JourneyVersion
from journeys.versions import get_journey, get_version
from kcc.constants import Action
from kcc.db import db, utcnow
from kcc.errors import Conflict
from kcc.parties.models import Party
from kcc.privacy.services import log_processing

CANCEL_EVENT = "cancelled"


def suspend(key: str, number: int | None, reason: str, actor: str) -> dict[str, Any]:
    """Emergency stop of a journey (or one version): events held, timers held, nothing sent."""
    target: Journey | JourneyVersion = (
        get_journey(key) if number is None else get_version(key, number)
    )
    if target.suspended_at is not None:
        raise Conflict(
            _l(
                "%(key)s is suspended already (%(suspended_reason)s)",
                key=_name(key, number),
                suspended_reason=target.suspended_reason,
            )
        )
    target.suspended_at, target.suspended_by, target.suspended_reason = utcnow(), actor, reason
    db.session().flush()
    _log_running(key, number, "suspended", actor, f"{_name(key, number)} suspended: {reason}")
    return suspension(key, number)


def resume(key: str, number: int | None, actor: str) -> dict[str, Any]:
    """End a suspension: held events are taken by the next deliveries run, timers fire late."""
    target: Journey | JourneyVersion = (
        get_journey(key) if number is None else get_version(key, number)
    )
    if target.suspended_at is None:
        raise Conflict(_l("%(key)s is not suspended", key=_name(key, number)))
    target.suspended_at = target.suspended_by = target.suspended_reason = None
    db.session().flush()
    _log_running(key, number, "resumed", actor, f"{_name(key, number)} resumed")
    return suspension(key, number)


def suspension(key: str, number: int | None) -> dict[str, Any]:
    target: Journey | JourneyVersion = (
        get_journey(key) if number is None else get_version(key, number)
    )
    return {
        "journey": key,
        "version": number,
        "suspended": target.suspended_at is not None,
        "suspended_at": target.suspended_at,
        "suspended_by": target.suspended_by,
        "reason": target.suspended_reason,
    }


def _name(key: str, number: int | None) -> str:
    return f"journey '{key}'" if number is None else f"version {number} of '{key}'"


def require_running(version_id: int) -> None:
    """Conflict when the version or its journey is suspended (an agent's start or event)."""
    row = (
        db.session()
        .execute(
            select(
                Journey.key,
                JourneyVersion.number,
                Journey.suspended_at,
                JourneyVersion.suspended_at,
            )
            .join(Journey, Journey.id == JourneyVersion.journey_id)
            .where(JourneyVersion.id == version_id)
        )
        .one_or_none()
    )
    if row is not None and (row[2] is not None or row[3] is not None):
        number = None if row[2] is not None else row[1]
        raise Conflict(_l("%(row)s is suspended; resume it first", row=_name(row[0], number)))


def _running_rows(key: str, number: int | None) -> list[Any]:
    """(id, configuration, party uuid) of the running instances, locked, in id order."""
    query = (
        select(JourneyInstance.id, JourneyInstance.configuration, Party.uuid)
        .join(Party, Party.id == JourneyInstance.party_id)
        .join(JourneyVersion, JourneyVersion.id == JourneyInstance.version_id)
        .where(JourneyInstance.journey_key == key, JourneyInstance.status == InstanceStatus.ACTIVE)
        .order_by(JourneyInstance.id)
        .with_for_update(of=JourneyInstance)
    )
    if number is not None:
        query = query.where(JourneyVersion.number == number)
    return list(db.session().execute(query).all())


def _steps(rows: list[Any], event: str, actor: str, why: str, now: Any) -> None:
    """One step row per instance, saying who did what to all of them and why."""
    batch = uuid.uuid4()
    db.session().execute(
        insert(JourneyStep),
        [
            {
                "instance_id": instance_id,
                "event_id": f"{event}:{batch}",
                "event": event,
                "from_states": configuration,
                "to_states": configuration,
                "moved": False,
                "cause_type": CauseType.AGENT,
                "cause_ref": actor,
                "why": why,
                "occurred_at": now,
            }
            for instance_id, configuration, _ in rows
        ],
    )


def _log_running(key: str, number: int | None, event: str, actor: str, why: str) -> None:
    rows = _running_rows(key, number)
    if rows:
        _steps(rows, event, actor, why, utcnow())
        db.session().execute(
            update(JourneyInstance)
            .where(JourneyInstance.id.in_([row[0] for row in rows]))
            .values(step_count=JourneyInstance.step_count + 1)
            .execution_options(synchronize_session=False)
        )
        log_processing([row[2] for row in rows], Action.UPDATE)


def cancel_instances(key: str, number: int | None, reason: str, actor: str) -> int:
    """Cancel every running instance of a journey (or one version), one step each; returns how many."""
    session = db.session()
    get_journey(key) if number is None else get_version(key, number)
    rows = _running_rows(key, number)
    if not rows:
        return 0
    now = utcnow()
    ids = [row[0] for row in rows]
    why = f"cancelled by a process owner with all running instances: {reason}"
    _steps(rows, CANCEL_EVENT, actor, why, now)
    session.execute(
        update(JourneyInstance)
        .where(JourneyInstance.id.in_(ids))
        .values(
            status=InstanceStatus.CANCELLED,
            completed_at=now,
            updated_at=now,
            step_count=JourneyInstance.step_count + 1,
        )
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(JourneyTimer)
        .where(
            JourneyTimer.instance_id.in_(ids),
            JourneyTimer.fired_at.is_(None),
            JourneyTimer.cancelled_at.is_(None),
        )
        .values(cancelled_at=now)
    )
    log_processing([row[2] for row in rows], Action.UPDATE)
    return len(rows)
