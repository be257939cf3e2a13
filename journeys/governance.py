"""Who may change what runs: four-eyes publication, version diffs and migrations.

A version is published only after a second process owner approved it. Publishing a version
that drops a trigger running instances of an earlier version still listen to is refused,
unless the document's ``migrations`` say which state each such instance moves to; then they
move with the publication, each with a step saying so. The emergency stop is in
``journeys.emergency``.
"""

from __future__ import annotations

import difflib
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, insert, select, update

from journeys import checks, durations
from journeys.constants import CauseType, InstanceStatus, VersionStatus
from journeys.models import JourneyInstance, JourneyStep, JourneyTimer, JourneyVersion
from journeys.versions import definition_for, get_journey, get_version, publish
from kcc.constants import Action
from kcc.db import db, utcnow
from kcc.errors import Conflict, Forbidden, NotFound
from kcc.parties.models import Party
from kcc.privacy.services import log_processing

MIGRATE_EVENT = "migrated"


def approve(key: str, number: int, approver: str) -> JourneyVersion:
    """A second process owner approves a draft for publication (never its own author)."""
    version = get_version(key, number)
    if version.status != VersionStatus.DRAFT:
        raise Conflict(
            _l(
                "version %(number)s of '%(key)s' is %(status)s; only a draft is approved",
                number=number,
                key=key,
                status=version.status,
            )
        )
    if version.created_by == approver:
        raise Forbidden(
            _l(
                "you uploaded version %(number)s of '%(key)s'; another process owner must approve it (four eyes)",
                number=number,
                key=key,
            )
        )
    version.approved_by, version.approved_at = approver, utcnow()
    db.session().flush()
    return version


def publish_approved(key: str, number: int) -> tuple[JourneyVersion, int]:
    """Publish an approved draft; returns the version and how many instances it migrated."""
    version = get_version(key, number)
    if version.status == VersionStatus.DRAFT and not version.approved_by:
        raise Conflict(
            _l(
                "version %(number)s of '%(key)s' is not approved; a second process owner approves it first (POST /api/v1/journeys/%(key)s/versions/%(number)s/approve)",
                number=number,
                key=key,
            )
        )
    moves = _migrations(version)
    published = publish(key, number)
    moved = sum(_migrate(published, old, states) for old, states in moves)
    return published, moved


def _needed_triggers(document: dict[str, Any]) -> set[tuple[str, str]]:
    return {(t["on"], t["event"]) for t in document.get("triggers") or [] if t.get("event")}


def _running(version_id: int) -> int:
    return int(
        db.session().scalar(
            select(func.count()).where(
                JourneyInstance.version_id == version_id,
                JourneyInstance.status == InstanceStatus.ACTIVE,
            )
        )
        or 0
    )


def _migrations(version: JourneyVersion) -> list[tuple[JourneyVersion, dict[str, str]]]:
    """The earlier versions whose running instances move; Conflict when a live trigger drops."""
    stated = {int(m["from_version"]): m for m in version.document.get("migrations") or []}
    keeps = _needed_triggers(version.document)
    moves = []
    for old in version.journey.versions:
        if old.id == version.id:
            continue
        running = _running(old.id)
        if not running:
            continue
        migration = stated.get(old.number)
        dropped = sorted(_needed_triggers(old.document) - keeps)
        if migration is None:
            if dropped:
                names = ", ".join(f"'{on}' (event '{event}')" for on, event in dropped)
                raise Conflict(
                    _l(
                        "version %(number)s drops the trigger(s) %(names)s that %(running)s running instance(s) of version %(number2)s still listen to; add a migration for version %(number2)s to the document (migrations: from_version and the state each of its states becomes)",
                        number=version.number,
                        names=names,
                        running=running,
                        number2=old.number,
                    )
                )
            continue
        states = dict(migration["states"])
        unmapped = _unmapped(old, states)
        if unmapped:
            raise Conflict(
                _l(
                    "the migration from version %(number)s does not say where instances in state(s) %(states)s go; add them to migrations[].states",
                    number=old.number,
                    states=", ".join(unmapped),
                )
            )
        moves.append((old, states))
    return moves


def _unmapped(old: JourneyVersion, states: dict[str, str]) -> list[str]:
    chart = checks.flatten(old.document["statechart"]["states"])
    leaves: set[str] = set()
    for (configuration,) in db.session().execute(
        select(JourneyInstance.configuration).where(
            JourneyInstance.version_id == old.id, JourneyInstance.status == InstanceStatus.ACTIVE
        )
    ):
        leaves |= {s for s in configuration if s in chart and not chart[s].children}
    return sorted(leaves - set(states))


def _migrate(new: JourneyVersion, old: JourneyVersion, states: dict[str, str]) -> int:
    """Move every running instance of ``old`` to ``new`` by the state map; one step each."""
    session = db.session()
    definition = definition_for(new.id, new.checksum)
    chart = checks.flatten(new.document["statechart"]["states"])
    old_chart = checks.flatten(old.document["statechart"]["states"])
    now = utcnow()
    rows = session.execute(
        select(JourneyInstance, Party.uuid)
        .join(Party, Party.id == JourneyInstance.party_id)
        .where(
            JourneyInstance.version_id == old.id, JourneyInstance.status == InstanceStatus.ACTIVE
        )
        .with_for_update(of=JourneyInstance)
    ).all()
    for instance, _ in rows:
        before = list(instance.configuration)
        targets = [states[s] for s in before if s in old_chart and not old_chart[s].children]
        after: list[str] = []
        for target in targets:
            after += [target, *checks._ancestors(chart, target)]
        after = list(dict.fromkeys(after))
        _cancel_timers(instance.id, now)
        for state in after:
            for timer in definition.timers(state):
                session.add(
                    JourneyTimer(
                        instance_id=instance.id,
                        state=state,
                        event=timer["event"],
                        duration=timer["after"],
                        due_at=durations.add(now, timer["after"]),
                        created_at=now,
                    )
                )
        session.execute(
            insert(JourneyStep).values(
                instance_id=instance.id,
                event_id=f"migrate:{old.id}:{new.id}",
                event=MIGRATE_EVENT,
                from_states=before,
                to_states=after,
                moved=True,
                cause_type=CauseType.SYSTEM,
                cause_ref=f"version {new.number}",
                why=f"moved from version {old.number} to version {new.number} when it was "
                "published, by the migration its document states",
                occurred_at=now,
            )
        )
        instance.version_id, instance.configuration = new.id, after
        instance.step_count += 1
        instance.updated_at = now
    session.flush()
    log_processing([party for _, party in rows], Action.UPDATE)
    return len(rows)


def _cancel_timers(instance_id: int, now: Any) -> None:
    db.session().execute(
        update(JourneyTimer)
        .where(
            JourneyTimer.instance_id == instance_id,
            JourneyTimer.fired_at.is_(None),
            JourneyTimer.cancelled_at.is_(None),
        )
        .values(cancelled_at=now)
    )


def diff(key: str, number: int, against: int | None) -> dict[str, Any]:
    """A unified text diff of a version's document against another (default: the one before)."""
    version = get_version(key, number)
    if against is None:
        earlier = [v for v in get_journey(key).versions if v.number < number]
        if not earlier:
            raise NotFound(
                _l(
                    "journey '%(key)s' has no version before %(number)s to compare with",
                    key=key,
                    number=number,
                )
            )
        other = earlier[-1]
    else:
        other = get_version(key, against)
    lines = difflib.unified_diff(
        other.source.splitlines(keepends=True),
        version.source.splitlines(keepends=True),
        fromfile=f"{key} version {other.number}",
        tofile=f"{key} version {number}",
    )
    text = "".join(lines)
    return {"journey": key, "from": other.number, "to": number, "diff": text}
