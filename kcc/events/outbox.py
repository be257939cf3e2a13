"""Record events in the outbox, hand them to the queue after commit, and sweep what was lost."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

from flask import current_app
from sqlalchemy import Table, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from kcc import jobs
from kcc.db import db, unit_of_work, utcnow
from kcc.events.base import (
    DomainEvent,
    EventEnvelope,
    subscribers_for,
    tell_observers,
    wanted,
)
from kcc.events.models import EventDelivery, OutboxEvent

log = logging.getLogger(__name__)

DELIVER_JOB = "kcc.events.outbox.deliver_event"
DELIVER_MANY_JOB = "kcc.events.outbox.deliver_events"
# Events handed over together travel in jobs of at most this many: one rq job costs about as
# much CPU as recording the event, and a batch still spreads over the workers.
EVENTS_PER_JOB = 25
OUTBOX = cast(Table, OutboxEvent.__table__)
# No RETURNING of the keys (the default for one row): nothing reads them.
_INSERT_EVENTS = insert(OUTBOX).inline()


def record(event: DomainEvent) -> uuid.UUID:
    """Write ``event`` to the outbox in the current transaction; dispatch it after commit."""
    return record_many([event])[0]


def record_many(events: list[DomainEvent]) -> list[uuid.UUID]:
    """Write several events to the outbox with one statement; dispatch them after commit."""
    if not events:
        return []
    prepared = prepare(events)
    db.session().execute(_INSERT_EVENTS, prepared.rows)
    prepared.written()
    return prepared.ids


@dataclass
class PreparedEvents:
    """Outbox rows of events, for a caller that writes them in a statement of its own (in
    the same transaction); :meth:`written` then has them dispatched after commit."""

    ids: list[uuid.UUID]
    rows: list[dict[str, Any]]
    pending: list[uuid.UUID]

    def written(self) -> None:
        for row in self.rows:
            tell_observers(row["name"], row["payload"])
        if self.pending:
            db.session().info.setdefault("outbox_pending", []).extend(self.pending)
            db.after_commit(_dispatch_pending_after_commit, key="outbox")


def prepare(events: list[DomainEvent]) -> PreparedEvents:
    """The outbox rows of ``events``, each marked handled when no subscriber wants it."""
    now = utcnow()
    ids = [uuid.uuid4() for _ in events]
    rows = []
    pending: list[uuid.UUID] = []
    for event_id, event in zip(ids, events, strict=True):
        payload = event.to_payload()
        handled = not wanted(event.name, payload)
        rows.append(
            {
                "event_id": event_id,
                "name": event.name,
                "payload": payload,
                "occurred_at": now,
                "handled_at": now if handled else None,
                "attempts": 0,
            }
        )
        if not handled:
            pending.append(event_id)
    return PreparedEvents(ids, rows, pending)


def _dispatch_pending_after_commit() -> None:
    session = db.session()
    pending: list[uuid.UUID] = session.info.pop("outbox_pending", [])
    if len(pending) == 1:
        dispatch(pending[0])
    elif pending:
        dispatch_many(pending)


def dispatch_many(event_ids: list[uuid.UUID]) -> None:
    """Hand several events to the queue at once: one Redis round trip, one job per chunk."""
    if jobs.runner().inline:
        for event_id in event_ids:
            dispatch(event_id)
        return
    chunks = [
        [str(e) for e in event_ids[i : i + EVENTS_PER_JOB]]
        for i in range(0, len(event_ids), EVENTS_PER_JOB)
    ]
    try:
        jobs.enqueue_each(
            DELIVER_MANY_JOB,
            [(chunk,) for chunk in chunks],
            [f"events-{chunk[0]}-{len(chunk)}" for chunk in chunks],
        )
    except Exception as exc:  # the queue being down must never fail the caller's request
        log.warning(
            "%d events not dispatched (%s); the sweep will retry",
            len(event_ids),
            type(exc).__name__,
        )


def dispatch(event_id: uuid.UUID) -> None:
    """Hand one event to the queue; when that fails the sweep will pick it up later."""
    try:
        jobs.enqueue(DELIVER_JOB, str(event_id), job_id=f"event-{event_id}")
    except Exception as exc:  # the queue being down must never fail the caller's request
        log.warning(
            "event %s not dispatched (%s); the sweep will retry", event_id, type(exc).__name__
        )


def deliver_event(event_id: str) -> int:
    """Job: run every subscriber of one event that has not handled it yet. Safe to run twice.

    Returns the number of subscribers that ran now.
    """
    eid = uuid.UUID(event_id)
    with unit_of_work() as session:
        row = session.scalars(select(OutboxEvent).where(OutboxEvent.event_id == eid)).one_or_none()
        if row is None or row.handled_at is not None:
            return 0
        envelope = EventEnvelope(eid, row.name, row.occurred_at, dict(row.payload))
        done = set(
            session.scalars(select(EventDelivery.subscriber).where(EventDelivery.event_id == eid))
        )
    ran = 0
    failures: list[str] = []
    for key, handler in subscribers_for(envelope.name).items():
        if key in done:
            continue
        try:
            ran += _run_subscriber(key, handler, envelope)
        except Exception as exc:
            log.exception("subscriber %s failed on event %s", key, event_id)
            failures.append(f"{key}: {type(exc).__name__}: {exc}"[:500])
    _finish(eid, failures)
    if failures:
        raise RuntimeError(f"{len(failures)} subscriber(s) failed on event {event_id}")
    return ran


def deliver_events(event_ids: list[str]) -> int:
    """Job: :func:`deliver_event` for each event; fails (and is retried) if any one failed.

    A retry repeats only what is left: delivered events and subscribers are skipped.
    """
    ran = 0
    failed: list[str] = []
    for event_id in event_ids:
        try:
            ran += deliver_event(event_id)
        except Exception:  # logged by deliver_event; the others still get their turn
            failed.append(event_id)
    if failed:
        raise RuntimeError(f"{len(failed)} of {len(event_ids)} events failed: {', '.join(failed)}")
    return ran


def _run_subscriber(key: str, handler: object, envelope: EventEnvelope) -> int:
    try:
        with unit_of_work() as session:
            # Claim first: a concurrent delivery of the same event blocks here, then fails.
            session.add(EventDelivery(event_id=envelope.event_id, subscriber=key))
            session.flush()
            handler(envelope)  # type: ignore[operator]
    except IntegrityError:
        return 0
    return 1


def _finish(event_id: uuid.UUID, failures: list[str]) -> None:
    with unit_of_work() as session:
        values: dict[str, object] = {"attempts": OutboxEvent.attempts + 1}
        if failures:
            values["last_error"] = "\n".join(failures)
        else:
            values["handled_at"] = utcnow()
        session.execute(
            update(OutboxEvent).where(OutboxEvent.event_id == event_id).values(**values)
        )


def sweep_now() -> int:
    """Periodic job: the sweep with the configured grace period."""
    return sweep(current_app.config["KCC_SETTINGS"].sweep_grace_seconds)


def sweep(grace_seconds: int = 60, limit: int = 500) -> int:
    """Re-dispatch events that nobody finished within ``grace_seconds``. Returns how many."""
    cutoff = utcnow() - timedelta(seconds=grace_seconds)
    with unit_of_work() as session:
        query = (
            select(OutboxEvent)
            .where(OutboxEvent.handled_at.is_(None))
            .where(OutboxEvent.occurred_at < cutoff)
            .where(or_(OutboxEvent.dispatched_at.is_(None), OutboxEvent.dispatched_at < cutoff))
            .order_by(OutboxEvent.id)
            .limit(limit)
        )
        if db.dialect == "postgresql":
            query = query.with_for_update(skip_locked=True)
        rows = list(session.scalars(query))
        now = utcnow()
        for row in rows:
            row.dispatched_at = now
        ids = [row.event_id for row in rows]
    if ids:
        dispatch_many(ids)
    return len(ids)
