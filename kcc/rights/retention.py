"""Retention: remove what is past its retention period, in batches, keeping aggregate counts.

Default periods (days), to be confirmed by the municipality's records manager against the
Selectielijst gemeenten en intergemeentelijke organen (Archiefwet 1995):
- contact moments: 2 years after the contact (answered questions have no archival value
  once the follow-up terms have long passed; complaints live on in their own tasks);
- closed tasks: 2 years after completion (open tasks, complaints and objections are never
  removed: they are legal holds);
- processing log: 5 years, the limitation period for claims (art. 3:310 BW), so that a
  resident's question about unlawful processing can still be answered;
- consent records: 5 years after the consent ended (the proof of consent, art. 7(1) AVG);
- web sessions: 30 days after they were last used (they end after 10 hours at the latest;
  what is left is only of use to see who was signed in when).
Packages add their own categories with ``register_retention_category``:
- chat transcripts and SMS/e-mail transcripts (channels: ``chat_transcripts``,
  ``message_transcripts``): 1 year after the conversation's last message, with its messages
  and attachments; the conversation's contact moment stays for its own period with the
  transcript blanked (an open task holds it);
- journeys (journeys): 2 years after the journey ended, with its steps, timers and
  suggestions; a running journey is never removed;
- life events (journeys): 2 years after they were received (the reported move, birth or
  death; its journeys keep their own steps).
Every period can be changed with ``KCC_RETENTION_DAYS`` (``category=days,...``).

Each batch is its own transaction that counts and removes the same rows, so a run stopped
halfway leaves nothing half done and the next run finishes the job without counting twice.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import delete, func, select

from kcc.auth.models import WebSession
from kcc.consent.constants import ConsentAction
from kcc.consent.models import ConsentRecord
from kcc.constants import OPEN_TASK_STATUSES
from kcc.contacts.models import ContactMoment, Involvement, delete_given_addresses
from kcc.db import db, unit_of_work, utcnow
from kcc.privacy.activities import Activity
from kcc.privacy.context import system_processing
from kcc.privacy.models import ProcessingRecord
from kcc.rights.retention_models import RetentionCount, RetentionRun
from kcc.tasks.models import Task

BATCH = 500


@dataclass(frozen=True)
class Category:
    """Rows of one kind: ``expired(cutoff)`` selects (id, date, kind) of rows past retention;
    ``remove(ids)`` deletes or anonymises them."""

    name: str
    default_days: int
    expired: Callable[[datetime], Any]
    remove: Callable[[list[int]], object]


CATEGORIES: dict[str, Category] = {}


def register_retention_category(category: Category) -> None:
    CATEGORIES[category.name] = category


def _delete(model: Any) -> Callable[[list[int]], object]:
    return lambda ids: db.session().execute(delete(model).where(model.id.in_(ids)))


def _remove_moments(ids: list[int]) -> None:
    """Contact moments go with the addresses given only during them (no party keeps those)."""
    session = db.session()
    given = select(Involvement.id).where(Involvement.contact_moment_id.in_(ids))
    session.execute(delete_given_addresses(given))
    session.execute(delete(ContactMoment).where(ContactMoment.id.in_(ids)))


def _moments(cutoff: datetime) -> Any:
    held = select(Task.contact_moment_id).where(
        Task.status.in_(OPEN_TASK_STATUSES), Task.contact_moment_id.is_not(None)
    )
    return select(ContactMoment.id, ContactMoment.occurred_at, ContactMoment.channel).where(
        ContactMoment.occurred_at < cutoff, ContactMoment.id.not_in(held)
    )


def _tasks(cutoff: datetime) -> Any:
    return select(Task.id, Task.completed_at, Task.kind).where(
        Task.status.not_in(OPEN_TASK_STATUSES),
        Task.completed_at.is_not(None),
        Task.completed_at < cutoff,
    )


def _log(cutoff: datetime) -> Any:
    return select(ProcessingRecord.id, ProcessingRecord.occurred_at, ProcessingRecord.action).where(
        ProcessingRecord.occurred_at < cutoff
    )


def _consents(cutoff: datetime) -> Any:
    ended = select(ConsentRecord.withdraws_id).where(
        ConsentRecord.recorded_at < cutoff, ConsentRecord.withdraws_id.is_not(None)
    )
    return select(ConsentRecord.id, ConsentRecord.recorded_at, ConsentRecord.action).where(
        (ConsentRecord.id.in_(ended))
        | ((ConsentRecord.action == ConsentAction.WITHDRAWN) & (ConsentRecord.recorded_at < cutoff))
        | ((ConsentRecord.expires_at.is_not(None)) & (ConsentRecord.expires_at < cutoff))
    )


def _web_sessions(cutoff: datetime) -> Any:
    return select(WebSession.id, WebSession.last_seen_at, WebSession.end_reason).where(
        WebSession.last_seen_at < cutoff
    )


for _category in (
    Category("contact_moments", 730, _moments, _remove_moments),
    Category("tasks", 730, _tasks, _delete(Task)),
    Category("processing_log", 1825, _log, _delete(ProcessingRecord)),
    Category("consents", 1825, _consents, _delete(ConsentRecord)),
    Category("web_sessions", 30, _web_sessions, _delete(WebSession)),
):
    register_retention_category(_category)


def periods() -> dict[str, int]:
    """Days per category: defaults, then ``KCC_RETENTION_DAYS`` (``name=days,...``), then app config."""
    found = {c.name: c.default_days for c in CATEGORIES.values()}
    for part in os.environ.get("KCC_RETENTION_DAYS", "").split(","):
        name, _, days = part.partition("=")
        if name.strip() in found and days.strip().isdecimal():
            found[name.strip()] = int(days)
    found.update(current_app.config.get("KCC_RETENTION_DAYS", {}))
    return found


def _count(category: str, rows: list[Any]) -> None:
    session = db.session()
    tally: dict[tuple[str, str], int] = {}
    for _, when, kind in rows:
        key = (when.strftime("%Y-%m") if when else "unknown", str(kind or ""))
        tally[key] = tally.get(key, 0) + 1
    for (month, kind), n in sorted(tally.items()):
        row = session.scalar(
            select(RetentionCount)
            .where(
                RetentionCount.category == category,
                RetentionCount.month == month,
                RetentionCount.kind == kind,
            )
            .with_for_update()
        )
        if row is None:
            session.add(RetentionCount(category=category, month=month, kind=kind, count=n))
            session.flush()
        else:
            row.count += n


def run_category(
    category: Category,
    cutoff: datetime,
    batch: int,
    progress: Callable[[str, int], None],
    max_batches: int | None = None,
) -> int:
    """Remove every expired row of one category, one transaction per batch. Returns how many."""
    total = 0
    done = 0
    while max_batches is None or done < max_batches:
        with unit_of_work() as session:
            query = (
                category.expired(cutoff)
                .order_by(category.expired(cutoff).selected_columns[0])
                .limit(batch)
            )
            if db.dialect == "postgresql":
                query = query.with_for_update(skip_locked=True)
            rows = list(session.execute(query))
            if not rows:
                break
            _count(category.name, rows)
            category.remove([r[0] for r in rows])
        total += len(rows)
        done += 1
        progress(category.name, total)
    return total


def run_retention(
    dry_run: bool = False,
    batch: int = BATCH,
    progress: Callable[[str, int], None] | None = None,
    max_batches: int | None = None,
    now: datetime | None = None,
) -> dict[str, int]:
    """Remove (or, dry, count) everything past retention; returns the number per category."""
    now = now or utcnow()
    report = progress or (lambda _name, _n: None)
    result: dict[str, int] = {}
    with system_processing("kcc.retention", Activity.SYSTEM):
        with unit_of_work() as session:
            run = RetentionRun(started_at=now, dry_run=dry_run, removed={})
            session.add(run)
            session.flush()
            run_id = run.id
        for name, days in periods().items():
            cutoff = now - timedelta(days=days)
            category = CATEGORIES[name]
            if dry_run:
                with unit_of_work() as session:
                    result[name] = int(
                        session.scalar(
                            select(func.count()).select_from(category.expired(cutoff).subquery())
                        )
                        or 0
                    )
                report(name, result[name])
                continue
            result[name] = run_category(category, cutoff, batch, report, max_batches)
        with unit_of_work() as session:
            finished = session.get(RetentionRun, run_id)
            if finished is not None:
                finished.removed, finished.finished_at = result, utcnow()
    return result


def retention_job() -> dict[str, int]:
    """Periodic job: one retention run."""
    return run_retention()
