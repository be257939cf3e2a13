"""Statutory terms for complaints (Awb 9:11) and objections (Awb 7:10), and working days.

A term that ends on a Saturday, Sunday or public holiday ends on the next working day
(Algemene termijnenwet). Terms count in Amsterdam's calendar and end at the end of that day.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l

from kcc.constants import TaskKind
from kcc.errors import Conflict, ValidationFailed

AMSTERDAM = ZoneInfo("Europe/Amsterdam")

# (term, term with an advisory committee, one extension), in weeks.
STATUTORY_WEEKS = {
    TaskKind.COMPLAINT: (6, 10, 4),
    TaskKind.OBJECTION: (6, 12, 6),
}
CALLBACK_WORKING_DAYS = 2


def easter_sunday(year: int) -> date:
    """Gregorian Easter (the anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 19 * l_) // 433
    month = (h + l_ - 7 * m + 90) // 25
    day = (h + l_ - 7 * m + 33 * month + 19) % 32
    return date(year, month, day)


def public_holidays(year: int) -> set[date]:
    """The generally recognised holidays of the Algemene termijnenwet (art. 3)."""
    easter = easter_sunday(year)
    kings_day = date(year, 4, 27)
    if kings_day.weekday() == 6:
        kings_day = date(year, 4, 26)
    return {
        date(year, 1, 1),
        easter,
        easter + timedelta(days=1),
        kings_day,
        date(year, 5, 5),
        easter + timedelta(days=39),  # Ascension Day
        easter + timedelta(days=49),  # Whit Sunday
        easter + timedelta(days=50),  # Whit Monday
        date(year, 12, 25),
        date(year, 12, 26),
    }


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in public_holidays(day.year)


def next_working_day(day: date) -> date:
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def end_of_day(day: date) -> datetime:
    """The last second of ``day`` in Amsterdam, expressed in UTC like every stored time."""
    return datetime.combine(day, time(23, 59, 59), tzinfo=AMSTERDAM).astimezone(UTC)


def local_date(moment: datetime) -> date:
    return moment.astimezone(AMSTERDAM).date()


def statutory_due(
    kind: str, received_at: datetime, advisory_committee: bool, extended: bool
) -> datetime:
    """When a complaint or objection must be decided, counted from the date of receipt."""
    term, committee_term, extension = STATUTORY_WEEKS[TaskKind(kind)]
    weeks = (committee_term if advisory_committee else term) + (extension if extended else 0)
    return end_of_day(next_working_day(local_date(received_at) + timedelta(weeks=weeks)))


def add_working_days(start: datetime, days: int) -> datetime:
    day = local_date(start)
    for _ in range(days):
        day = next_working_day(day + timedelta(days=1))
    return end_of_day(day)


def default_due(
    kind: str, received_at: datetime, advisory_committee: bool = False
) -> datetime | None:
    if kind in STATUTORY_WEEKS:
        return statutory_due(kind, received_at, advisory_committee, extended=False)
    if kind == TaskKind.CALLBACK:
        return add_working_days(received_at, CALLBACK_WORKING_DAYS)
    return None


def check_extension(kind: str, already_extended: bool) -> None:
    if kind not in STATUTORY_WEEKS:
        raise ValidationFailed.field(
            "extend", _l("only complaints and objections have a statutory term")
        )
    if already_extended:
        raise Conflict(_l("the statutory term may be extended only once and already was"))
