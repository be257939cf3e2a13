"""The journey engine: start instances and advance them, one locked row and one step at a time.

Advancing locks the instance row (``SELECT ... FOR UPDATE`` on PostgreSQL), rebuilds the
machine from the cached class, the stored configuration and datamodel, sends the event, and
stores the result with an append-only step row. A repeat of an event id on the same instance
is a no-op (checked under the lock, and guaranteed by a unique constraint).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, exists, or_, select, update
from sqlalchemy.exc import IntegrityError

from journeys import durations
from journeys.constants import CauseType, InstanceStatus
from journeys.events import JourneyCompleted, JourneyStarted, JourneyStateEntered
from journeys.machine import Outcome, RunawayJourney, run
from journeys.models import JourneyInstance, JourneyStep, JourneyTimer, JourneyVersion
from journeys.validation import Definition
from journeys.versions import definition_for, newest_published
from kcc.constants import Action
from kcc.db import db, utcnow
from kcc.events.outbox import record
from kcc.parties.models import Party
from kcc.privacy.services import log_processing

START_EVENT = "start"
DEFER_KEY = "journeys.deferred_timer_cancels"


@dataclass(frozen=True)
class Cause:
    """What moved an instance: an event, a contact moment, an agent, a timer; and why."""

    type: CauseType
    ref: str | None = None
    why: str = ""


@dataclass
class StepResult:
    instance: JourneyInstance
    step: JourneyStep | None = None
    duplicate: bool = False

    @property
    def moved(self) -> bool:
        return bool(self.step is not None and self.step.moved)


def active_instances(party_id: int, key: str) -> list[JourneyInstance]:
    return list(
        db.session().scalars(
            select(JourneyInstance)
            .where(
                JourneyInstance.party_id == party_id,
                JourneyInstance.journey_key == key,
                JourneyInstance.status == InstanceStatus.ACTIVE,
            )
            .order_by(JourneyInstance.id)
        )
    )


def start(party_id: int, key: str, cause: Cause, event_id: str) -> tuple[JourneyInstance, bool]:
    """Start the newest published version of ``key`` for a party; returns (instance, created).

    When the journey allows one active instance per party and one is active, it is returned.
    """
    session = db.session()
    version = newest_published(key)
    definition = definition_for(version.id, version.checksum)
    if not definition.allow_multiple:
        existing = active_instances(party_id, key)
        if existing:
            return existing[0], False
    begin = definition.compiled.start
    now = utcnow()
    instance = JourneyInstance(
        uuid=uuid.uuid4(),
        version_id=version.id,
        journey_key=key,
        party_id=party_id,
        status=InstanceStatus.ACTIVE,
        exclusive=not definition.allow_multiple,
        configuration=list(begin.after),
        datamodel=dict(begin.datamodel),
        step_count=1,
        started_at=now,
        updated_at=now,
    )
    try:
        with session.begin_nested():
            session.add(instance)
            session.flush()
    except IntegrityError:
        existing = active_instances(party_id, key)
        if not existing:
            raise
        return existing[0], False
    party_uuid = session.scalar(select(Party.uuid).where(Party.id == party_id))
    assert party_uuid is not None
    session.add(_step(instance, START_EVENT, event_id, begin, cause, now))
    record(
        JourneyStarted(
            instance_id=str(instance.uuid),
            party_id=str(party_uuid),
            journey=key,
            version=version.number,
        )
    )
    _after_move(instance, definition, begin, party_uuid, now)
    log_processing([party_uuid], Action.CREATE)
    return instance, True


def advance(
    instance_id: int,
    event: str,
    event_id: str,
    cause: Cause,
    data: dict[str, Any] | None = None,
    claim_timer: int | None = None,
) -> StepResult:
    """Send ``event`` to one instance under its row lock; a repeated ``event_id`` does nothing.

    With ``claim_timer`` the timer row is claimed (fired) under the same lock first; when
    another worker fired or cancelled it already, nothing happens.
    """
    session = db.session()
    row = session.execute(
        select(JourneyInstance, Party.uuid, JourneyVersion.checksum)
        .join(Party, Party.id == JourneyInstance.party_id)
        .join(JourneyVersion, JourneyVersion.id == JourneyInstance.version_id)
        .where(JourneyInstance.id == instance_id)
        .with_for_update(of=JourneyInstance)
        .execution_options(populate_existing=True)
    ).one()
    instance, party_uuid, digest = row
    # A statement of its own, after the lock: its snapshot sees the step of whoever held the lock.
    seen = session.scalar(
        select(
            exists().where(JourneyStep.instance_id == instance_id, JourneyStep.event_id == event_id)
        )
    )
    if seen:
        return StepResult(instance, duplicate=True)
    now = utcnow()
    if claim_timer is not None and not _claim(claim_timer, now):
        return StepResult(instance, duplicate=True)
    result = _apply(instance, party_uuid, digest, event, event_id, cause, data, now)
    if result.step is not None:
        log_processing([party_uuid], Action.UPDATE)
    return result


def advance_batch(items: list[tuple[int, str, str]], cause: Cause) -> list[StepResult]:
    """Send many ``(instance id, event, event id)`` in one transaction, with set-based statements.

    The instance rows are locked together in id order (no deadlock between batches), the
    repeats are found with one query, and steps, timers and the processing log are written in
    bulk. Several events for the same instance are applied in the given order.
    """
    session = db.session()
    ids = sorted({item[0] for item in items})
    rows = session.execute(
        select(JourneyInstance, Party.uuid, JourneyVersion.checksum)
        .join(Party, Party.id == JourneyInstance.party_id)
        .join(JourneyVersion, JourneyVersion.id == JourneyInstance.version_id)
        .where(JourneyInstance.id.in_(ids))
        .order_by(JourneyInstance.id)
        .with_for_update(of=JourneyInstance)
        .execution_options(populate_existing=True)
    ).all()
    found = {row[0].id: row for row in rows}
    seen = set(
        session.execute(
            select(JourneyStep.instance_id, JourneyStep.event_id).where(
                JourneyStep.instance_id.in_(ids),
                JourneyStep.event_id.in_({item[2] for item in items}),
            )
        ).tuples()
    )
    now = utcnow()
    results: list[StepResult] = []
    touched: list[uuid.UUID] = []
    # Timers stored before this batch are cancelled in one statement at its end; timers set
    # within the batch are still pending objects and are cancelled in memory.
    deferred: list[tuple[int, list[str] | None]] = []
    session.info[DEFER_KEY] = deferred
    autoflush, session.autoflush = session.autoflush, False  # everything pending until one flush
    try:
        for instance_id, event, event_id in items:
            if instance_id not in found:
                continue
            instance, party_uuid, digest = found[instance_id]
            if (instance_id, event_id) in seen:
                results.append(StepResult(instance, duplicate=True))
                continue
            seen.add((instance_id, event_id))
            result = _apply(instance, party_uuid, digest, event, event_id, cause, None, now)
            if result.step is not None:
                touched.append(party_uuid)
            results.append(result)
    finally:
        session.info.pop(DEFER_KEY, None)
        session.autoflush = autoflush
    if deferred:
        _cancel_stored(now, deferred)
    log_processing(touched, Action.UPDATE)
    return results


def _apply(
    instance: JourneyInstance,
    party_uuid: uuid.UUID,
    digest: str,
    event: str,
    event_id: str,
    cause: Cause,
    data: dict[str, Any] | None,
    now: datetime,
) -> StepResult:
    """Run one event on a locked instance and store the outcome (without the processing log)."""
    if instance.status != InstanceStatus.ACTIVE:
        return StepResult(instance)
    definition = definition_for(instance.version_id, digest)
    try:
        outcome = run(definition.compiled, instance.configuration, instance.datamodel, event, data)
    except RunawayJourney as exc:
        step = _stopped(
            instance,
            event,
            event_id,
            cause,
            now,
            f"stopped: {exc}; the instance stays where it was",
        )
        return StepResult(instance, step)
    except Exception as exc:
        step = _stopped(
            instance,
            event,
            event_id,
            cause,
            now,
            f"the statechart failed on this event: {type(exc).__name__}: {exc}"[:1000],
        )
        return StepResult(instance, step)
    step = _step(instance, event, event_id, outcome, cause, now)
    db.session().add(step)
    instance.step_count += 1
    instance.updated_at = now
    if outcome.moved or outcome.datamodel != instance.datamodel:
        instance.configuration = outcome.after
        instance.datamodel = outcome.datamodel
        _after_move(instance, definition, outcome, party_uuid, now)
    return StepResult(instance, step)


def _claim(timer_id: int, now: datetime) -> bool:
    claimed = db.session().execute(
        update(JourneyTimer)
        .where(
            JourneyTimer.id == timer_id,
            JourneyTimer.fired_at.is_(None),
            JourneyTimer.cancelled_at.is_(None),
        )
        .values(fired_at=now)
    )
    return bool(claimed.rowcount)  # type: ignore[attr-defined]


def _step(
    instance: JourneyInstance,
    event: str,
    event_id: str,
    outcome: Outcome,
    cause: Cause,
    now: datetime,
) -> JourneyStep:
    why = cause.why or ""
    if not outcome.moved and event != START_EVENT:
        why = (
            why + "; " if why else ""
        ) + f"no transition for '{event}' in {', '.join(outcome.before)}"
    return JourneyStep(
        instance_id=instance.id,
        event_id=event_id[:200],
        event=event[:100],
        from_states=outcome.before,
        to_states=outcome.after,
        moved=outcome.moved or event == START_EVENT,
        cause_type=cause.type,
        cause_ref=cause.ref,
        why=why,
        occurred_at=now,
    )


def _stopped(
    instance: JourneyInstance, event: str, event_id: str, cause: Cause, now: datetime, why: str
) -> JourneyStep:
    step = JourneyStep(
        instance_id=instance.id,
        event_id=event_id[:200],
        event=event[:100],
        from_states=list(instance.configuration),
        to_states=list(instance.configuration),
        moved=False,
        cause_type=cause.type,
        cause_ref=cause.ref,
        why=why,
        occurred_at=now,
    )
    db.session().add(step)
    instance.step_count += 1
    instance.updated_at = now
    return step


def _after_move(
    instance: JourneyInstance,
    definition: Definition,
    outcome: Outcome,
    party_uuid: uuid.UUID,
    now: datetime,
) -> None:
    """Cancel timers of states left, set timers of states entered, announce suggestions, complete."""
    session = db.session()
    left = [s for s in outcome.exited if definition.timers(s)]
    if left:
        _cancel_timers(instance.id, now, left)
    final = outcome.terminated or bool(set(outcome.after) & definition.compiled.final_states)
    for state in outcome.entered:
        if final:
            break
        for timer in definition.timers(state):
            session.add(
                JourneyTimer(
                    instance_id=instance.id,
                    state=state,
                    event=timer["event"],
                    duration=timer["after"],
                    due_at=durations.add(now, timer["after"]),
                )
            )
        suggestions = definition.suggestions(state)
        if suggestions:
            record(
                JourneyStateEntered(
                    instance_id=str(instance.uuid),
                    party_id=str(party_uuid),
                    journey=definition.key,
                    version=definition.number,
                    state=state,
                    suggestions=[_offer(s, now) for s in suggestions],
                )
            )
    if final:
        instance.status = InstanceStatus.COMPLETED
        instance.completed_at = now
        _cancel_timers(instance.id, now)
        record(
            JourneyCompleted(
                instance_id=str(instance.uuid),
                party_id=str(party_uuid),
                journey=definition.key,
                version=definition.number,
                final_state=",".join(
                    s for s in outcome.after if s in definition.compiled.final_states
                ),
            )
        )


def _cancel_timers(instance_id: int, now: datetime, states: list[str] | None = None) -> None:
    """Cancel the pending timers of an instance (of some states): stored ones and ones not yet flushed.

    The UPDATE runs without an autoflush, so a batch keeps its inserts for one flush at the end.
    """
    session = db.session()
    deferred = session.info.get(DEFER_KEY)
    if deferred is not None:
        deferred.append((instance_id, states))
    else:
        _cancel_stored(now, [(instance_id, states)])
    for pending in session.new:
        if (
            isinstance(pending, JourneyTimer)
            and pending.instance_id == instance_id
            and pending.cancelled_at is None
            and (states is None or pending.state in states)
        ):
            pending.cancelled_at = now


def _cancel_stored(now: datetime, targets: list[tuple[int, list[str] | None]]) -> None:
    """One UPDATE cancelling the stored pending timers of these instances (and states)."""
    clauses = [
        and_(
            JourneyTimer.instance_id == instance_id,
            *([JourneyTimer.state.in_(states)] if states is not None else []),
        )
        for instance_id, states in targets
    ]
    query = (
        update(JourneyTimer)
        .where(JourneyTimer.fired_at.is_(None), JourneyTimer.cancelled_at.is_(None), or_(*clauses))
        .values(cancelled_at=now)
        .execution_options(synchronize_session=False)
    )
    with db.session().no_autoflush:
        db.session().execute(query)


def _offer(suggestion: dict[str, Any], now: datetime) -> dict[str, Any]:
    offer = dict(suggestion)
    if "expires" in suggestion:
        offer["expires_at"] = durations.add(now, suggestion["expires"]).isoformat()
    return offer
