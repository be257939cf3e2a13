"""Question patterns for the supervisors' dashboard: what residents ask, per topic, week,
channel and district; what is settled at first contact; and what comes back (failure demand).

Every query reads ``contact_moment_topics`` through its time index, which covers what they
group and count by on PostgreSQL (the rows copy the moment's time, week, channel, resident,
postcode area, first-contact resolution and repeat flag, kept in step by
``kcc.contacts.figures``), grouped in the database: a million contact moments are never
loaded or joined. Callbacks are read from a partial index on callback tasks by the time they
were received, and joined to the topics of their moments.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import case, func, select

from kcc.constants import TaskKind
from kcc.db import db
from kcc.tasks.models import Task
from kcc.topics.models import ContactMomentTopic, Topic

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
    rows = db.session().execute(
        select(CMT.topic_id, CMT.week, CMT.channel, func.count())
        .where(CMT.occurred_at >= start)
        .group_by(CMT.topic_id, CMT.week, CMT.channel)
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
    """Per topic, the percentage of its finished contact moments settled at the first contact."""
    resolved = func.sum(case((CMT.resolved.is_(True), 1), else_=0))
    rows = db.session().execute(
        select(CMT.topic_id, resolved, func.count())
        .where(CMT.occurred_at >= now - timedelta(days=days), CMT.resolved.is_not(None))
        .group_by(CMT.topic_id)
    )
    values = {t: (round(100.0 * (r or 0) / n, 1), n) for t, r, n in rows if n}
    return sorted(_figures(values), key=lambda f: (f.value, -f.total))


def repeat_contacts(now: datetime, days: int = 30, top: int = 10) -> list[TopicFigure]:
    """Per topic, contacts of a resident who had contact about the same topic in the seven
    days before (failure demand), in the last ``days`` days; the most first."""
    rows = db.session().execute(
        select(CMT.topic_id, func.count())
        .where(CMT.occurred_at >= now - timedelta(days=days), CMT.is_repeat.is_(True))
        .group_by(CMT.topic_id)
        .order_by(func.count().desc())
        .limit(top)
    )
    values = {int(t): (float(n), int(n)) for t, n in rows}
    return sorted(_figures(values), key=lambda f: -f.value)


def callbacks_per_topic(now: datetime, days: int = 30, top: int = 10) -> list[TopicFigure]:
    """The topics whose contact moments led to the most callback requests received in the last
    ``days`` days (read from the callbacks' own partial index, then each one's topics)."""
    rows = db.session().execute(
        select(CMT.topic_id, func.count(Task.id))
        .join(CMT, CMT.contact_moment_id == Task.contact_moment_id)
        .where(Task.kind == TaskKind.CALLBACK, Task.received_at >= now - timedelta(days=days))
        .group_by(CMT.topic_id)
        .order_by(func.count(Task.id).desc())
        .limit(top)
    )
    values = {t: (float(n), int(n)) for t, n in rows}
    return sorted(_figures(values), key=lambda f: -f.value)


def contacts_per_district(now: datetime, days: int = 30) -> list[tuple[str, int]]:
    """Contact moments with a confirmed topic per postcode area of the resident, busiest first."""
    moments = (
        select(CMT.district, CMT.contact_moment_id)
        .where(CMT.occurred_at >= now - timedelta(days=days), CMT.district.is_not(None))
        .distinct()
        .subquery()
    )
    rows = db.session().execute(
        select(moments.c.district, func.count())
        .group_by(moments.c.district)
        .order_by(func.count().desc(), moments.c.district)
    )
    return [(str(d), int(n)) for d, n in rows]
