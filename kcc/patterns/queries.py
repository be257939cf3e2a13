"""Question patterns for the supervisors' dashboard: what residents ask, per topic, week,
channel and district; what is settled at first contact; and what comes back (failure demand).

Every query reads ``contact_moment_topics`` through its time index (the rows copy the
moment's time, channel, resident and postcode area when a topic is confirmed), grouped in the
database: a million contact moments are never loaded.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, case, func, select, text

from kcc.constants import Outcome, TaskKind
from kcc.contacts.models import ContactMoment
from kcc.db import db
from kcc.tasks.models import Task
from kcc.topics.models import ContactMomentTopic, Topic

RESOLVED = (Outcome.ANSWERED, Outcome.NO_ANSWER_NEEDED)
REPEAT_WITHIN_DAYS = 7
CMT = ContactMomentTopic


@dataclass(frozen=True)
class TopicFigure:
    """One topic's figure, with its names for the page."""

    key: str
    name_nl: str
    name_en: str
    value: float
    total: int = 0


def _names(topic_ids: set[int]) -> dict[int, tuple[str, str, str]]:
    rows = db.session().execute(
        select(Topic.id, Topic.key, Topic.name_nl, Topic.name_en).where(Topic.id.in_(topic_ids))
    )
    return {row[0]: (row[1], row[2], row[3]) for row in rows}


def _figures(values: dict[int, tuple[float, int]]) -> list[TopicFigure]:
    names = _names(set(values))
    return [
        TopicFigure(*names[topic_id], value=value, total=total)
        for topic_id, (value, total) in values.items()
        if topic_id in names
    ]


def week_start(column: Any) -> ColumnElement[str]:
    """The Monday of the week of ``column``, as an ISO date, in the database's own dialect."""
    if db.dialect == "postgresql":
        return func.to_char(func.date_trunc("week", column), "YYYY-MM-DD")
    return func.date(column, "-6 days", "weekday 1")


def monday(day: datetime) -> datetime:
    start = day - timedelta(days=day.weekday())
    return start.replace(hour=0, minute=0, second=0, microsecond=0)


@dataclass
class WeeklyTopics:
    """Contacts per topic per week (the busiest topics), per channel, and each topic's trend."""

    weeks: list[date]
    topics: list[TopicFigure]  # value: the trend in percent, last week against the weeks before
    counts: dict[str, list[int]]  # topic key -> contacts per week
    channels: dict[str, dict[str, int]]  # topic key -> channel -> contacts in the period


def contacts_per_topic_week(now: datetime, weeks: int = 8, top: int = 10) -> WeeklyTopics:
    """The ``top`` topics of the last ``weeks`` weeks: contacts per week and per channel."""
    start = monday(now) - timedelta(weeks=weeks - 1)
    week = week_start(CMT.occurred_at)
    rows = db.session().execute(
        select(CMT.topic_id, week, CMT.channel, func.count())
        .where(CMT.occurred_at >= start)
        .group_by(CMT.topic_id, week, CMT.channel)
    )
    per_week: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    per_channel: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for topic_id, week_of, channel, count in rows:
        per_week[topic_id][str(week_of)[:10]] += count
        per_channel[topic_id][channel] += count
    week_list = [(start + timedelta(weeks=i)).date() for i in range(weeks)]
    busiest = sorted(per_week, key=lambda t: -sum(per_week[t].values()))[:top]
    names = _names(set(busiest))
    figures, counts, channels = [], {}, {}
    for topic_id in (t for t in busiest if t in names):
        key, name_nl, name_en = names[topic_id]
        series = [per_week[topic_id].get(w.isoformat(), 0) for w in week_list]
        before = series[:-1]
        average = sum(before) / len(before) if before else 0.0
        trend = 100.0 * (series[-1] - average) / average if average else 0.0
        figures.append(TopicFigure(key, name_nl, name_en, round(trend, 1), sum(series)))
        counts[key] = series
        channels[key] = dict(per_channel[topic_id])
    return WeeklyTopics(week_list, figures, counts, channels)


def first_contact_resolution_per_topic(now: datetime, days: int = 30) -> list[TopicFigure]:
    """Per topic, the percentage of its contact moments settled at the first contact."""
    resolved = func.sum(case((ContactMoment.outcome.in_(RESOLVED), 1), else_=0))
    rows = db.session().execute(
        select(CMT.topic_id, resolved, func.count())
        .join(ContactMoment, ContactMoment.id == CMT.contact_moment_id)
        .where(CMT.occurred_at >= now - timedelta(days=days), ContactMoment.outcome.is_not(None))
        .group_by(CMT.topic_id)
    )
    values = {t: (round(100.0 * (r or 0) / n, 1), n) for t, r, n in rows if n}
    return sorted(_figures(values), key=lambda f: (f.value, -f.total))


REPEATS = {
    "postgresql": (
        "SELECT topic_id, count(*) FROM (SELECT topic_id, occurred_at, lag(occurred_at) OVER "
        "(PARTITION BY party_id, topic_id ORDER BY occurred_at) AS previous "
        "FROM contact_moment_topics WHERE occurred_at >= :since AND party_id IS NOT NULL) t "
        "WHERE previous IS NOT NULL AND occurred_at >= :start "
        "AND occurred_at <= previous + make_interval(days => :days) "
        "GROUP BY topic_id ORDER BY count(*) DESC LIMIT :top"
    ),
    "sqlite": (
        "SELECT topic_id, count(*) FROM (SELECT topic_id, occurred_at, lag(occurred_at) OVER "
        "(PARTITION BY party_id, topic_id ORDER BY occurred_at) AS previous "
        "FROM contact_moment_topics WHERE occurred_at >= :since AND party_id IS NOT NULL) t "
        "WHERE previous IS NOT NULL AND occurred_at >= :start "
        "AND julianday(occurred_at) - julianday(previous) <= :days "
        "GROUP BY topic_id ORDER BY count(*) DESC LIMIT :top"
    ),
}


def repeat_contacts(now: datetime, days: int = 30, top: int = 10) -> list[TopicFigure]:
    """Per topic, contacts of a resident who had contact about the same topic in the seven
    days before (failure demand), in the last ``days`` days; the most first."""
    start = now - timedelta(days=days)
    bind = {
        "since": start - timedelta(days=REPEAT_WITHIN_DAYS),
        "start": start,
        "days": REPEAT_WITHIN_DAYS,
        "top": top,
    }
    if db.dialect != "postgresql":
        bind = {k: v.isoformat(sep=" ") if isinstance(v, datetime) else v for k, v in bind.items()}
    rows = db.session().execute(text(REPEATS.get(db.dialect, REPEATS["sqlite"])), bind)
    values = {int(t): (float(n), int(n)) for t, n in rows}
    return sorted(_figures(values), key=lambda f: -f.value)


def callbacks_per_topic(now: datetime, days: int = 30, top: int = 10) -> list[TopicFigure]:
    """The topics whose contact moments led to the most callback requests."""
    rows = db.session().execute(
        select(CMT.topic_id, func.count(Task.id))
        .join(Task, Task.contact_moment_id == CMT.contact_moment_id)
        .where(CMT.occurred_at >= now - timedelta(days=days), Task.kind == TaskKind.CALLBACK)
        .group_by(CMT.topic_id)
        .order_by(func.count(Task.id).desc())
        .limit(top)
    )
    values = {t: (float(n), int(n)) for t, n in rows}
    return sorted(_figures(values), key=lambda f: -f.value)


def contacts_per_district(now: datetime, days: int = 30) -> list[tuple[str, int]]:
    """Contact moments with a confirmed topic per postcode area of the resident, busiest first."""
    rows = db.session().execute(
        select(CMT.district, func.count(func.distinct(CMT.contact_moment_id)))
        .where(CMT.occurred_at >= now - timedelta(days=days), CMT.district.is_not(None))
        .group_by(CMT.district)
        .order_by(func.count(func.distinct(CMT.contact_moment_id)).desc())
    )
    return [(str(d), int(n)) for d, n in rows]
