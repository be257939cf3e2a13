"""ISO 8601 durations (P14D, P1M, PT12H) added to a moment in time."""

from __future__ import annotations

import calendar
import re
from datetime import datetime, timedelta

PATTERN = re.compile(
    r"^P(?!$)(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?=\d)(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+)S)?)?$"
)
MAX_YEARS = 100


def parse(duration: str) -> dict[str, int]:
    """The parts of a duration; raises ValueError when it is not ISO 8601 or too long."""
    match = PATTERN.match(duration)
    if match is None:
        raise ValueError(f"{duration!r} is not an ISO 8601 duration such as P14D or PT12H")
    parts = {name: int(value or 0) for name, value in match.groupdict().items()}
    if parts["years"] + parts["months"] // 12 + parts["days"] // 365 > MAX_YEARS:
        raise ValueError(f"{duration!r} is longer than {MAX_YEARS} years")
    return parts


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
