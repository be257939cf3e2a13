"""ISO 8601 durations (P14D, P1M, PT12H) checked in every unit and added to a moment in time."""

from __future__ import annotations

import calendar
import re
from datetime import datetime, timedelta

PATTERN = re.compile(
    r"^P(?!$)(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?=\d)(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+(?:[.,]\d+)?)S)?)?$"
)
MAX_YEARS = 100
# Upper bounds in seconds of each unit, so that a long duration is refused whatever unit
# it is written in (P9999999W, PT999999999H) before any date arithmetic can overflow.
_SECONDS = {
    "years": 366 * 86400,
    "months": 31 * 86400,
    "weeks": 7 * 86400,
    "days": 86400,
    "hours": 3600,
    "minutes": 60,
    "seconds": 1,
}
MAX_SECONDS = MAX_YEARS * 366 * 86400


def parse(duration: str) -> dict[str, int]:
    """The parts of a duration.

    Raises:
        ValueError: not ISO 8601, zero, shorter than a second, or longer than ``MAX_YEARS``.
    """
    match = PATTERN.match(duration)
    if match is None:
        raise ValueError(f"{duration!r} is not an ISO 8601 duration such as P14D or PT12H")
    raw = match.groupdict()
    seconds = raw["seconds"] or "0"
    if "." in seconds or "," in seconds:
        raise ValueError(
            f"{duration!r} has a fraction of a second; a journey counts in whole seconds or more"
        )
    parts = {name: int(value or 0) for name, value in raw.items()}
    longest = sum(parts[name] * _SECONDS[name] for name in _SECONDS)
    if longest == 0:
        raise ValueError(f"{duration!r} is zero; a duration must be at least one second")
    if longest > MAX_SECONDS:
        raise ValueError(f"{duration!r} is longer than {MAX_YEARS} years")
    return parts


def shortest_seconds(duration: str) -> int:
    """The least number of seconds ``duration`` can last (a month counted as 28 days)."""
    parts = parse(duration)
    least = {**_SECONDS, "years": 365 * 86400, "months": 28 * 86400}
    return sum(parts[name] * least[name] for name in least)


def add(moment: datetime, duration: str) -> datetime:
    """``moment`` plus ``duration``; months and years follow the calendar (31 Jan + P1M = 28/29 Feb)."""
    parts = parse(duration)
    months = parts["years"] * 12 + parts["months"]
    if months:
        index = moment.month - 1 + months
        year, month = moment.year + index // 12, index % 12 + 1
        day = min(moment.day, calendar.monthrange(year, month)[1])
        moment = moment.replace(year=year, month=month, day=day)
    return moment + timedelta(
        weeks=parts["weeks"],
        days=parts["days"],
        hours=parts["hours"],
        minutes=parts["minutes"],
        seconds=parts["seconds"],
    )
