"""Route one event to a party's journeys: each journey on its own, each instance by its version.

A running instance hears an event through the triggers of the version it runs on, not those
of the newest version; a start uses the newest published version. Each journey takes the
event in a savepoint of its own: when it fails (a document that overflows, a guard that
raises), only that journey's part is rolled back and the event is kept for it as a failed
delivery, retried with backoff, while the other journeys listening to the same event take
it as usual. A suspended journey or version holds its events until it is resumed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from journeys import safety
from journeys.constants import DeliveryStatus, InstanceStatus
from journeys.engine import Cause, StepResult, advance, start
from journeys.models import Journey, JourneyDelivery, JourneyInstance, JourneyVersion
from journeys.topics import trigger_matches
from journeys.validation import Definition
from journeys.versions import definition_for, published_versions
from kcc.db import db, utcnow

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
FIRST_RETRY_SECONDS = 30
LONGEST_RETRY_SECONDS = 6 * 3600


@dataclass
class Applied:
    """What one incoming event did to one party's journeys."""

    started: list[JourneyInstance] = field(default_factory=list)
    steps: list[StepResult] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    held: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Occasion:
    """One event for one party: what the conditions read and what the statechart is given."""

    party_id: int
    on: str
    subject: dict[str, Any]
    event_id: str
    cause: Cause
    data: dict[str, Any] | None = None
    data_prefix: str = ""


@dataclass
class _Journey:
    """A journey as one event meets it: its published version and the party's running ones."""

    key: str
    published: tuple[int, str] | None = None
    running: list[tuple[int, int, str]] = field(default_factory=list)  # instance, version, digest


def suspensions() -> tuple[set[str], set[int]]:
    """The keys of suspended journeys and the ids of suspended versions."""
    session = db.session()
    keys = set(session.scalars(select(Journey.key).where(Journey.suspended_at.is_not(None))))
    versions = set(
        session.scalars(select(JourneyVersion.id).where(JourneyVersion.suspended_at.is_not(None)))
    )
    return keys, versions


def _journeys(party_id: int) -> dict[str, _Journey]:
    found: dict[str, _Journey] = {}
    for version_id, key, digest in published_versions():
        found.setdefault(key, _Journey(key)).published = (version_id, digest)
    rows = db.session().execute(
        select(
            JourneyInstance.id,
            JourneyInstance.journey_key,
            JourneyVersion.id,
            JourneyVersion.checksum,
        )
        .join(JourneyVersion, JourneyVersion.id == JourneyInstance.version_id)
        .where(
            JourneyInstance.party_id == party_id, JourneyInstance.status == InstanceStatus.ACTIVE
        )
        .order_by(JourneyInstance.id)
    )
    for instance_id, key, version_id, digest in rows:
        found.setdefault(key, _Journey(key)).running.append((instance_id, version_id, digest))
    return found


def _trigger(definition: Definition, occasion: Occasion) -> dict[str, Any] | None:
    """The definition's first trigger for this event whose condition holds."""
    return next(
        (
            t
            for t in definition.triggers
            if t["on"] == occasion.on and trigger_matches(t, occasion.subject)
        ),
        None,
    )


def route(occasion: Occasion, only: str | None = None) -> Applied:
    """Hand the event to every journey of the party that listens (or only to journey ``only``)."""
    applied = Applied()
    stopped: tuple[set[str], set[int]] | None = None  # read once, when a journey listens
    for key, journey in sorted(_journeys(occasion.party_id).items()):
        if only is not None and key != only:
            continue
        plan = _plan(journey, occasion)
        if plan is None:
            continue
        if stopped is None:
            stopped = suspensions()
        held = key in stopped[0] or any(version_id in stopped[1] for version_id in plan.versions)
        if held:
            keep(occasion, key, DeliveryStatus.HELD, "the journey or its version is suspended")
            applied.held.append(key)
            continue
        session = db.session()
        try:
            with session.begin_nested():
                _carry_out(plan, occasion, applied)
        except Exception as exc:  # one journey's failure must not stop the others
            log.warning("journey %s failed on %s: %s", key, occasion.on, type(exc).__name__)
            keep(occasion, key, DeliveryStatus.FAILED, f"{type(exc).__name__}: {exc}"[:2000])
            applied.failed.append(key)
    return applied


@dataclass
class _Plan:
    key: str
    start: Definition | None
    start_event: str | None
    advances: list[tuple[int, str, Definition]]
    versions: set[int]


def _plan(journey: _Journey, occasion: Occasion) -> _Plan | None:
    """What the event does to one journey: a start and/or events to running instances."""
    plan = _Plan(journey.key, None, None, [], set())
    if journey.published is not None:
        definition = definition_for(*journey.published)
        trigger = _trigger(definition, occasion)
        wanted = trigger is not None and trigger.get("start")
        if wanted and (not journey.running or definition.allow_multiple):
            plan.start, plan.start_event = definition, (trigger or {}).get("event")
            plan.versions.add(journey.published[0])
            return plan  # a start is what the event does (several instances allowed)
    for instance_id, version_id, digest in journey.running:
        definition = definition_for(version_id, digest)
        trigger = _trigger(definition, occasion)
        if trigger is not None and trigger.get("event"):
            plan.advances.append((instance_id, str(trigger["event"]), definition))
            plan.versions.add(version_id)
    if plan.start is None and not plan.advances:
        return None
    return plan


def _carry_out(plan: _Plan, occasion: Occasion, applied: Applied) -> None:
    if plan.start is not None:
        instance, created = start(occasion.party_id, plan.key, occasion.cause, occasion.event_id)
        if created:
            applied.started.append(instance)
        if plan.start_event:
            data = safety.kept(plan.start.document, occasion.data, occasion.data_prefix)
            applied.steps.append(
                advance(
                    instance.id,
                    plan.start_event,
                    f"{occasion.event_id}#{plan.start_event}",
                    occasion.cause,
                    data,
                )
            )
    for instance_id, event, definition in plan.advances:
        data = safety.kept(definition.document, occasion.data, occasion.data_prefix)
        applied.steps.append(advance(instance_id, event, occasion.event_id, occasion.cause, data))


def keep(occasion: Occasion, key: str, status: DeliveryStatus, error: str) -> None:
    """Keep the event for one journey (failed: retried with backoff; held: on resume)."""
    session = db.session()
    now = utcnow()
    found = session.scalar(
        select(JourneyDelivery).where(
            JourneyDelivery.journey_key == key,
            JourneyDelivery.party_id == occasion.party_id,
            JourneyDelivery.occasion == occasion.event_id[:200],
        )
    )
    if found is None:
        found = JourneyDelivery(
            journey_key=key,
            party_id=occasion.party_id,
            trigger_on=occasion.on[:200],
            occasion=occasion.event_id[:200],
            cause={
                "type": str(occasion.cause.type),
                "ref": occasion.cause.ref,
                "why": occasion.cause.why,
            },
            subject=occasion.subject,
            data=occasion.data,
            data_prefix=occasion.data_prefix,
            status=status,
            attempts=0,
            created_at=now,
            updated_at=now,
        )
        try:
            with session.begin_nested():
                session.add(found)
                session.flush()
        except IntegrityError:
            return  # kept by a concurrent delivery of the same event
    if status == DeliveryStatus.FAILED:
        found.attempts += 1
        if found.attempts >= MAX_ATTEMPTS:
            status = DeliveryStatus.GIVEN_UP
    found.status = status
    found.error = error
    found.next_attempt_at = (
        now + backoff(found.attempts) if status == DeliveryStatus.FAILED else None
    )
    found.updated_at = now
    session.flush()


def backoff(attempts: int) -> timedelta:
    """How long to wait before the next try after ``attempts`` failed ones."""
    seconds = FIRST_RETRY_SECONDS * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, LONGEST_RETRY_SECONDS))
