"""The journey engine: start instances and advance them, one locked row and one step at a time.

Advancing locks the instance row (``SELECT ... FOR UPDATE`` on PostgreSQL), restores the
machine from the cached class, the stored configuration and datamodel, sends the event, and
stores the result with an append-only step row. A repeat of an event id on the same instance
is a no-op (checked under the lock, and guaranteed by a unique constraint).

``advance`` handles one event, ``advance_batch`` many in one transaction; both run the same
set-based path in SQLAlchemy Core: the rows of a batch are locked together in id order (no
deadlock between batches), the repeats are found with one query, timers are claimed with
one UPDATE, and the steps, instance rows, timers and the processing log are written with
one statement each (executemany). An instance is written once per batch, with its state
after the batch's last event for it.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast
from uuid import UUID

from flask_babel import lazy_gettext as _l
from sqlalchemy import ARRAY, Table, and_, any_, bindparam, insert, or_, select, text, update
from sqlalchemy.exc import IntegrityError

from journeys import durations
from journeys.constants import CauseType, InstanceStatus
from journeys.events import JourneyCompleted, JourneyStarted, JourneyStateEntered
from journeys.machine import JourneyStopped, Outcome, run
from journeys.models import JourneyInstance, JourneyStep, JourneyTimer, JourneyVersion
from journeys.validation import Definition
from journeys.versions import definition_for, newest_published
from kcc.constants import Action
from kcc.db import db, utcnow
from kcc.errors import NotFound
from kcc.events.base import DomainEvent
from kcc.events.outbox import record, record_many
from kcc.parties.models import Party
from kcc.privacy.services import log_processing

START_EVENT = "start"

_INSTANCES = cast(Table, JourneyInstance.__table__)
_STEPS = cast(Table, JourneyStep.__table__)
_TIMERS = cast(Table, JourneyTimer.__table__)
_PARTIES = cast(Table, Party.__table__)
_VERSIONS = cast(Table, JourneyVersion.__table__)


@dataclass(frozen=True)
class Cause:
    """What moved an instance: an event, a contact moment, an agent, a timer; and why."""

    type: CauseType
    ref: str | None = None
    why: str = ""


@dataclass(frozen=True)
class Step:
    """A step row as written: what moved an instance, from where to where, and why."""

    instance_id: int
    event_id: str
    event: str
    from_states: list[str]
    to_states: list[str]
    moved: bool
    cause_type: str
    cause_ref: str | None
    why: str
    occurred_at: datetime

    def row(self) -> dict[str, Any]:
        return {
            "instance_id": self.instance_id,
            "event_id": self.event_id,
            "event": self.event,
            "from_states": self.from_states,
            "to_states": self.to_states,
            "moved": self.moved,
            "cause_type": self.cause_type,
            "cause_ref": self.cause_ref,
            "why": self.why,
            "occurred_at": self.occurred_at,
        }


@dataclass
class StepResult:
    """What one event did to one instance: its step, or that it was a repeat."""

    instance_id: int
    step: Step | None = None
    duplicate: bool = False

    @property
    def moved(self) -> bool:
        return bool(self.step is not None and self.step.moved)

    @property
    def instance(self) -> JourneyInstance:
        """The instance as stored now (read again: the engine writes without the ORM)."""
        found = db.session().get(JourneyInstance, self.instance_id, populate_existing=True)
        if found is None:
            raise NotFound(_l("no journey instance %(instance_id)s", instance_id=self.instance_id))
        return found


@dataclass(frozen=True)
class Item:
    """One event for one instance; with ``claim_timer`` the timer row is claimed first."""

    instance_id: int
    event: str
    event_id: str
    cause: Cause
    data: dict[str, Any] | None = None
    claim_timer: int | None = None


@dataclass
class _Locked:
    """A locked instance row, changed in memory by the batch's events and written once."""

    id: int
    uuid: UUID
    version_id: int
    status: str
    configuration: list[str]
    datamodel: dict[str, Any]
    step_count: int
    completed_at: datetime | None
    party_uuid: UUID
    digest: str
    changed: bool = False


@dataclass
class _Writes:
    """What a batch writes, collected in memory until its end."""

    now: datetime
    steps: list[dict[str, Any]] = field(default_factory=list)
    timers: list[dict[str, Any]] = field(default_factory=list)
    cancels: list[tuple[int, list[str] | None]] = field(default_factory=list)
    unclaimed: list[int] = field(default_factory=list)
    touched: list[UUID] = field(default_factory=list)
    events: list[DomainEvent] = field(default_factory=list)


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
    record(
        JourneyStarted(
            instance_id=str(instance.uuid),
            party_id=str(party_uuid),
            journey=key,
            version=version.number,
        )
    )
    locked = _Locked(
        id=instance.id,
        uuid=instance.uuid,
        version_id=version.id,
        status=instance.status,
        configuration=list(begin.after),
        datamodel=dict(begin.datamodel),
        step_count=1,
        completed_at=None,
        party_uuid=party_uuid,
        digest=version.checksum,
    )
    writes = _Writes(now)
    writes.steps.append(_step(locked, START_EVENT, event_id, begin, cause, now).row())
    _after_move(locked, definition, begin, writes)
    _write(writes, [locked] if locked.changed else [])
    if locked.changed:  # an initial state that is final completed the journey at once
        session.refresh(instance)
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
    result = advance_items([Item(instance_id, event, event_id, cause, data, claim_timer)])[0]
    if result.step is None and not result.duplicate and result.instance_id == instance_id:
        _require(instance_id)
    return result


def advance_batch(items: list[tuple[int, str, str]], cause: Cause) -> list[StepResult]:
    """Send many ``(instance id, event, event id)`` with one cause in one transaction."""
    return advance_items([Item(i, e, eid, cause) for i, e, eid in items])


def advance_items(items: list[Item]) -> list[StepResult]:
    """Send each item's event to its instance, in order, in the current transaction.

    Returns one result per item: a repeat of an event id on an instance (stored before, or
    earlier in ``items``) and a timer someone else claimed are duplicates; an instance that
    does not exist or is no longer active gets a result without a step.
    """
    session = db.session()
    session.flush()  # rows the ORM still holds (a start in this transaction) come first
    ids = sorted({item.instance_id for item in items})
    locked = _lock(ids)
    # A statement of its own, after the lock: its snapshot sees the steps of whoever held it.
    seen = {
        (row[0], row[1])
        for row in session.execute(
            select(_STEPS.c.instance_id, _STEPS.c.event_id).where(
                _in(_STEPS.c.instance_id, ids),
                _in(_STEPS.c.event_id, {item.event_id[:200] for item in items}),
            )
        )
    }
    now = utcnow()
    # Timers are claimed together up front. One that an earlier event of the batch cancelled
    # (its state was left) is given back as cancelled: one at a time, its claim would fail.
    claims = [item.claim_timer for item in items if item.claim_timer is not None]
    claimed = _claim(claims, now) if claims else {}
    writes = _Writes(now)
    definitions: dict[int, Definition] = {}
    results: list[StepResult] = []
    for item in items:
        row = locked.get(item.instance_id)
        key = (item.instance_id, item.event_id[:200])
        if row is None:
            results.append(StepResult(item.instance_id))
            continue
        if key in seen or (item.claim_timer is not None and item.claim_timer not in claimed):
            results.append(StepResult(item.instance_id, duplicate=True))
            continue
        if item.claim_timer is not None and _cancelled_since(
            item.instance_id, claimed[item.claim_timer], writes
        ):
            writes.unclaimed.append(item.claim_timer)
            results.append(StepResult(item.instance_id, duplicate=True))
            continue
        seen.add(key)
        if row.status != InstanceStatus.ACTIVE:
            results.append(StepResult(item.instance_id))
            continue
        definition = definitions.get(row.version_id)
        if definition is None:
            definition = definitions[row.version_id] = definition_for(row.version_id, row.digest)
        step = _apply(row, definition, item, writes)
        writes.touched.append(row.party_uuid)
        results.append(StepResult(item.instance_id, step))
    _write(writes, [row for row in locked.values() if row.changed])
    return results


def _require(instance_id: int) -> None:
    if db.session().scalar(select(_INSTANCES.c.id).where(_INSTANCES.c.id == instance_id)) is None:
        raise NotFound(_l("no journey instance %(instance_id)s", instance_id=instance_id))


def _lock(ids: list[int]) -> dict[int, _Locked]:
    """Lock the instance rows in id order and read them with their party and version."""
    rows = db.session().execute(
        select(
            _INSTANCES.c.id,
            _INSTANCES.c.uuid,
            _INSTANCES.c.version_id,
            _INSTANCES.c.status,
            _INSTANCES.c.configuration,
            _INSTANCES.c.datamodel,
            _INSTANCES.c.step_count,
            _INSTANCES.c.completed_at,
            _PARTIES.c.uuid,
            _VERSIONS.c.checksum,
        )
        .select_from(_INSTANCES)
        .join(_PARTIES, _PARTIES.c.id == _INSTANCES.c.party_id)
        .join(_VERSIONS, _VERSIONS.c.id == _INSTANCES.c.version_id)
        .where(_in(_INSTANCES.c.id, ids))
        .order_by(_INSTANCES.c.id)
        .with_for_update(of=_INSTANCES)
    )
    return {row[0]: _Locked(*row) for row in rows}


def _claim(timer_ids: list[int], now: datetime) -> dict[int, str]:
    """Fire these timers unless fired or cancelled already; returns the claimed ones' states."""
    rows = db.session().execute(
        update(_TIMERS)
        .where(
            _in(_TIMERS.c.id, timer_ids),
            _TIMERS.c.fired_at.is_(None),
            _TIMERS.c.cancelled_at.is_(None),
        )
        .values(fired_at=now)
        .returning(_TIMERS.c.id, _TIMERS.c.state)
    )
    return {row[0]: row[1] for row in rows}


def _cancelled_since(instance_id: int, state: str, writes: _Writes) -> bool:
    """Whether an earlier event of this batch cancelled the timers of ``state`` (or all)."""
    return any(
        i == instance_id and (states is None or state in states) for i, states in writes.cancels
    )


def _apply(row: _Locked, definition: Definition, item: Item, writes: _Writes) -> Step:
    """Run one event on a locked, active instance and note the outcome."""
    now = writes.now
    try:
        outcome = run(definition.compiled, row.configuration, row.datamodel, item.event, item.data)
    except JourneyStopped as exc:  # a runaway, or a guard or action that raised
        why = f"stopped: {str(exc)[:2000]}; the instance stays where it was"
        return _stopped(row, item, writes, why)
    except Exception as exc:
        return _stopped(
            row,
            item,
            writes,
            f"the statechart failed on this event: {type(exc).__name__}: {exc}; "
            "the instance stays where it was"[:1000],
        )
    step = _step(row, item.event, item.event_id, outcome, item.cause, now)
    writes.steps.append(step.row())
    row.step_count += 1
    row.changed = True
    if outcome.moved or outcome.datamodel != row.datamodel:
        row.configuration = outcome.after
        row.datamodel = outcome.datamodel
        _after_move(row, definition, outcome, writes)
    return step


def _step(
    row: _Locked,
    event: str,
    event_id: str,
    outcome: Outcome,
    cause: Cause,
    now: datetime,
) -> Step:
    why = cause.why or ""
    if not outcome.moved and event != START_EVENT:
        why = (
            why + "; " if why else ""
        ) + f"no transition for '{event}' in {', '.join(outcome.before)}"
    return Step(
        instance_id=row.id,
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


def _stopped(row: _Locked, item: Item, writes: _Writes, why: str) -> Step:
    step = Step(
        instance_id=row.id,
        event_id=item.event_id[:200],
        event=item.event[:100],
        from_states=list(row.configuration),
        to_states=list(row.configuration),
        moved=False,
        cause_type=item.cause.type,
        cause_ref=item.cause.ref,
        why=why,
        occurred_at=writes.now,
    )
    writes.steps.append(step.row())
    row.step_count += 1
    row.changed = True
    return step


def _after_move(row: _Locked, definition: Definition, outcome: Outcome, writes: _Writes) -> None:
    """Cancel timers of states left, set timers of states entered, announce suggestions, complete."""
    now = writes.now
    left = [s for s in outcome.exited if definition.timers(s)]
    if left:
        _cancel_timers(row.id, writes, left)
    final = outcome.terminated or bool(set(outcome.after) & definition.compiled.final_states)
    for state in outcome.entered:
        if final:
            break
        for timer in definition.timers(state):
            writes.timers.append(
                {
                    "uuid": uuid.uuid4(),
                    "instance_id": row.id,
                    "state": state,
                    "event": timer["event"],
                    "duration": timer["after"],
                    "due_at": durations.add(now, timer["after"]),
                    "created_at": now,
                    "fired_at": None,
                    "cancelled_at": None,
                }
            )
        suggestions = definition.suggestions(state)
        if suggestions:
            writes.events.append(
                JourneyStateEntered(
                    instance_id=str(row.uuid),
                    party_id=str(row.party_uuid),
                    journey=definition.key,
                    version=definition.number,
                    state=state,
                    suggestions=[_offer(s, now) for s in suggestions],
                )
            )
    if final:
        row.status = InstanceStatus.COMPLETED
        row.completed_at = now
        row.changed = True
        _cancel_timers(row.id, writes)
        writes.events.append(
            JourneyCompleted(
                instance_id=str(row.uuid),
                party_id=str(row.party_uuid),
                journey=definition.key,
                version=definition.number,
                final_state=",".join(
                    s for s in outcome.after if s in definition.compiled.final_states
                ),
            )
        )


def _cancel_timers(instance_id: int, writes: _Writes, states: list[str] | None = None) -> None:
    """Cancel the pending timers of an instance (of some states): stored ones and this batch's."""
    writes.cancels.append((instance_id, states))
    for timer in writes.timers:
        if (
            timer["instance_id"] == instance_id
            and timer["cancelled_at"] is None
            and (states is None or timer["state"] in states)
        ):
            timer["cancelled_at"] = writes.now


def _write(writes: _Writes, rows: list[_Locked]) -> None:
    """Write a batch: stored timers cancelled, then steps, instance rows, new timers, the log.

    The cancel UPDATE runs before the new timers are inserted, so it only touches timers
    stored before the batch (the batch's own were cancelled in memory). On PostgreSQL each
    write is one statement with array parameters (``unnest``), whatever the batch size;
    elsewhere SQLAlchemy's executemany.
    """
    session = db.session()
    postgres = _postgres()
    if writes.cancels:
        _cancel_stored(writes.now, writes.cancels)
    if writes.unclaimed:
        session.execute(
            update(_TIMERS)
            .where(_in(_TIMERS.c.id, writes.unclaimed))
            .values(fired_at=None, cancelled_at=writes.now)
        )
    if writes.steps:
        if postgres:
            session.execute(_PG_INSERT_STEPS, _arrays(writes.steps, _STEP_ARRAYS, writes.now))
        else:
            session.execute(insert(_STEPS), writes.steps)
    if rows:
        values = [
            {
                "id": row.id,
                "status": row.status,
                "configuration": row.configuration,
                "datamodel": row.datamodel,
                "step_count": row.step_count,
                "completed_at": row.completed_at,
            }
            for row in rows
        ]
        if postgres:
            session.execute(_PG_UPDATE_INSTANCES, _arrays(values, _INSTANCE_ARRAYS, writes.now))
        else:
            session.execute(
                update(_INSTANCES)
                .where(_INSTANCES.c.id == bindparam("row_id"))
                .values(
                    {
                        name: bindparam(f"row_{name}")
                        for name in ("status", "configuration", "datamodel", "step_count")
                    }
                    | {"completed_at": bindparam("row_completed_at"), "updated_at": writes.now}
                ),
                [{f"row_{k}": v for k, v in value.items()} for value in values],
            )
    if writes.timers:
        if postgres:
            session.execute(_PG_INSERT_TIMERS, _arrays(writes.timers, _TIMER_ARRAYS, writes.now))
        else:
            session.execute(insert(_TIMERS), writes.timers)
    if writes.events:
        record_many(writes.events)
    if writes.touched:
        log_processing(writes.touched, Action.UPDATE)


def _cancel_stored(now: datetime, targets: list[tuple[int, list[str] | None]]) -> None:
    """One UPDATE cancelling the stored pending timers of these instances (and states)."""
    everything = {instance_id for instance_id, states in targets if states is None}
    by_state: dict[str, set[int]] = {}
    for instance_id, states in targets:
        if states is not None and instance_id not in everything:
            for state in states:
                by_state.setdefault(state, set()).add(instance_id)
    clauses = [
        and_(_TIMERS.c.state == state, _in(_TIMERS.c.instance_id, sorted(ids)))
        for state, ids in sorted(by_state.items())
    ]
    if everything:
        clauses.append(_in(_TIMERS.c.instance_id, sorted(everything)))
    db.session().execute(
        update(_TIMERS)
        .where(_TIMERS.c.fired_at.is_(None), _TIMERS.c.cancelled_at.is_(None), or_(*clauses))
        .values(cancelled_at=now)
    )


def _postgres() -> bool:
    return db.session().get_bind().dialect.name == "postgresql"


def _in(column: Any, values: Any) -> Any:
    """``column IN values``: on PostgreSQL ``= ANY`` of one array parameter, so the statement
    stays short and the same whatever the number of values; elsewhere an expanding IN."""
    values = list(values)
    if _postgres():
        return column == any_(bindparam(None, values, type_=ARRAY(column.type)))
    return column.in_(values)


def _arrays(rows: list[dict[str, Any]], names: tuple[str, ...], now: datetime) -> dict[str, Any]:
    """Column-wise parameters for an ``unnest`` statement: one list per column (JSON as text)."""
    found: dict[str, Any] = {"now": now}
    for name in names:
        column = [row[name] for row in rows]
        if name in _JSON_COLUMNS:
            column = [json.dumps(value) for value in column]
        found[name] = column
    return found


_JSON_COLUMNS = frozenset({"from_states", "to_states", "configuration", "datamodel"})
_STEP_ARRAYS = (
    "instance_id",
    "event_id",
    "event",
    "from_states",
    "to_states",
    "moved",
    "cause_type",
    "cause_ref",
    "why",
)
_PG_INSERT_STEPS = text(
    """
    INSERT INTO journey_steps (instance_id, event_id, event, from_states, to_states, moved,
                               cause_type, cause_ref, why, occurred_at)
    SELECT s.instance_id, s.event_id, s.event, s.from_states::jsonb, s.to_states::jsonb,
           s.moved, s.cause_type, s.cause_ref, s.why, :now
    FROM unnest(CAST(:instance_id AS bigint[]), CAST(:event_id AS text[]),
                CAST(:event AS text[]), CAST(:from_states AS text[]),
                CAST(:to_states AS text[]), CAST(:moved AS boolean[]),
                CAST(:cause_type AS text[]), CAST(:cause_ref AS text[]), CAST(:why AS text[]))
         WITH ORDINALITY AS s(instance_id, event_id, event, from_states, to_states, moved,
                              cause_type, cause_ref, why, n)
    ORDER BY s.n
    """
)
_INSTANCE_ARRAYS = ("id", "status", "configuration", "datamodel", "step_count", "completed_at")
_PG_UPDATE_INSTANCES = text(
    """
    UPDATE journey_instances AS i
    SET status = v.status, configuration = v.configuration::jsonb,
        datamodel = v.datamodel::jsonb, step_count = v.step_count,
        completed_at = v.completed_at, updated_at = :now
    FROM unnest(CAST(:id AS bigint[]), CAST(:status AS text[]),
                CAST(:configuration AS text[]), CAST(:datamodel AS text[]),
                CAST(:step_count AS integer[]), CAST(:completed_at AS timestamptz[]))
         AS v(id, status, configuration, datamodel, step_count, completed_at)
    WHERE i.id = v.id
    """
)
_TIMER_ARRAYS = (
    "uuid",
    "instance_id",
    "state",
    "event",
    "duration",
    "due_at",
    "cancelled_at",
)
_PG_INSERT_TIMERS = text(
    """
    INSERT INTO journey_timers (uuid, instance_id, state, event, duration, due_at, created_at,
                                fired_at, cancelled_at)
    SELECT t.uuid, t.instance_id, t.state, t.event, t.duration, t.due_at, :now, NULL,
           t.cancelled_at
    FROM unnest(CAST(:uuid AS uuid[]), CAST(:instance_id AS bigint[]), CAST(:state AS text[]),
                CAST(:event AS text[]), CAST(:duration AS text[]),
                CAST(:due_at AS timestamptz[]), CAST(:cancelled_at AS timestamptz[]))
         WITH ORDINALITY AS t(uuid, instance_id, state, event, duration, due_at, cancelled_at, n)
    ORDER BY t.n
    """
)


def _offer(suggestion: dict[str, Any], now: datetime) -> dict[str, Any]:
    offer = dict(suggestion)
    if "expires" in suggestion:
        offer["expires_at"] = durations.add(now, suggestion["expires"]).isoformat()
    return offer
