"""Figures for the supervisors' dashboard, computed from the core's tables."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from kcc.constants import OPEN_TASK_STATUSES, Channel, Direction, Outcome, TaskKind, TaskStatus
from kcc.contacts.models import ContactMoment
from kcc.db import db
from kcc.tasks.models import Task

RESOLVED = (Outcome.ANSWERED, Outcome.NO_ANSWER_NEEDED)
TARGETS = {TaskKind.OBJECTION: 80.0, TaskKind.COMPLAINT: 90.0}


@dataclass(frozen=True)
class TermFigure:
    kind: str
    handled: int
    in_time: int
    target: float

    @property
    def percent(self) -> float:
        return round(100.0 * self.in_time / self.handled, 1) if self.handled else 0.0


def contacts_per_day(now: datetime, days: int = 14) -> tuple[list[date], dict[str, list[float]]]:
    """Contact moments per channel for each of the last ``days`` days."""
    start = (now - timedelta(days=days - 1)).replace(hour=0, minute=0, second=0, microsecond=0)
    counts: Counter[tuple[date, str]] = Counter()
    rows = db.session().execute(
        select(ContactMoment.occurred_at, ContactMoment.channel).where(
            ContactMoment.occurred_at >= start
        )
    )
    for occurred_at, channel in rows:
        counts[(occurred_at.date(), channel)] += 1
    day_list = [(start + timedelta(days=i)).date() for i in range(days)]
    series = {str(c): [float(counts[(d, c)]) for d in day_list] for c in Channel}
    return day_list, {name: values for name, values in series.items() if any(values)}


def first_contact_resolution(now: datetime, days: int = 30) -> dict[str, float]:
    """Per channel, the percentage of inbound contact moments answered at the first contact."""
    rows = db.session().execute(
        select(ContactMoment.channel, ContactMoment.outcome, func.count())
        .where(
            ContactMoment.occurred_at >= now - timedelta(days=days),
            ContactMoment.direction == Direction.INBOUND,
        )
        .group_by(ContactMoment.channel, ContactMoment.outcome)
    )
    total: Counter[str] = Counter()
    resolved: Counter[str] = Counter()
    for channel, outcome, count in rows:
        total[channel] += count
        if outcome in RESOLVED:
            resolved[channel] += count
    return {str(c): round(100.0 * resolved[c] / total[c], 1) for c in Channel if total[c]}


def overdue_tasks(now: datetime) -> dict[str, float]:
    """Open tasks past their due date, per kind."""
    rows = db.session().execute(
        select(Task.kind, func.count())
        .where(Task.status.in_(OPEN_TASK_STATUSES), Task.due_at < now)
        .group_by(Task.kind)
    )
    found = {kind: count for kind, count in rows}
    return {str(k): float(found.get(k, 0)) for k in TaskKind}


def statutory_terms(now: datetime, days: int = 365) -> list[TermFigure]:
    """Complaints and objections completed in the period, and how many within their term."""
    figures = []
    for kind, target in TARGETS.items():
        rows = (
            db.session()
            .execute(
                select(Task.completed_at, Task.due_at).where(
                    Task.kind == kind,
                    Task.status == TaskStatus.DONE,
                    Task.completed_at >= now - timedelta(days=days),
                )
            )
            .all()
        )
        in_time = sum(
            1
            for completed, due in rows
            if due is None or (completed is not None and completed <= due)
        )
        figures.append(TermFigure(str(kind), len(rows), in_time, target))
    return figures


# Suggestions are kept by the journeys package, which kcc does not import: it registers a
# function that counts them per status (in the order the dashboard should show them).
_suggestion_outcomes: Callable[[], dict[str, float]] | None = None


def register_suggestion_outcomes(provider: Callable[[], dict[str, float]] | None) -> None:
    global _suggestion_outcomes
    _suggestion_outcomes = provider


def suggestion_outcomes() -> dict[str, float] | None:
    """Suggestions per status, when a package keeps them (None otherwise)."""
    return _suggestion_outcomes() if _suggestion_outcomes is not None else None
