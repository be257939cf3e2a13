"""Statutory terms (Awb 9:11, 7:10) and the Algemene termijnenwet, without I/O."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from kcc.errors import Conflict, ValidationFailed
from kcc.tasks import deadlines

AMS = ZoneInfo("Europe/Amsterdam")


def received(day: str, hour: int = 10) -> datetime:
    return datetime.combine(date.fromisoformat(day), time(hour), tzinfo=AMS)


def due(kind: str, day: str, committee: bool = False, extended: bool = False) -> datetime:
    return deadlines.statutory_due(kind, received(day), committee, extended)


def end_of(day: str) -> datetime:
    return datetime.combine(date.fromisoformat(day), time(23, 59, 59), tzinfo=AMS)


@pytest.mark.parametrize(
    ("kind", "committee", "extended", "expected"),
    [
        ("complaint", False, False, "2026-02-16"),  # 6 weeks
        ("complaint", True, False, "2026-03-16"),  # 10 weeks with an advisory committee
        ("complaint", False, True, "2026-03-16"),  # + 4 weeks
        ("complaint", True, True, "2026-04-13"),  # 14 weeks
        ("objection", False, False, "2026-02-16"),  # 6 weeks
        ("objection", True, False, "2026-03-30"),  # 12 weeks
        ("objection", False, True, "2026-03-30"),  # + 6 weeks
        ("objection", True, True, "2026-05-11"),  # 18 weeks
    ],
)
def test_terms_from_monday_5_january_2026(kind, committee, extended, expected):
    assert due(kind, "2026-01-05", committee, extended) == end_of(expected)


@pytest.mark.parametrize(
    ("received_on", "expected", "why"),
    [
        ("2026-01-10", "2026-02-23", "Saturday -> Monday"),
        ("2026-01-11", "2026-02-23", "Sunday -> Monday"),
        ("2026-02-23", "2026-04-07", "Easter Monday"),
        ("2026-03-16", "2026-04-28", "King's Day, 27 April"),
        ("2026-03-24", "2026-05-06", "Liberation Day, 5 May"),
        ("2026-04-02", "2026-05-15", "Ascension Day"),
        ("2026-04-13", "2026-05-26", "Whit Monday"),
        ("2026-11-13", "2026-12-28", "Christmas Day, Boxing Day, Sunday"),
        ("2026-11-20", "2027-01-04", "New Year's Day, then the weekend"),
        ("2026-02-20", "2026-04-03", "Good Friday is no holiday under the Atw"),
    ],
)
def test_term_ending_on_a_rest_day_moves_to_the_next_working_day(received_on, expected, why):
    assert due("complaint", received_on) == end_of(expected), why


def test_kings_day_moves_to_the_26th_when_the_27th_is_a_sunday():
    assert date(2025, 4, 26) in deadlines.public_holidays(2025)
    assert date(2025, 4, 27) not in deadlines.public_holidays(2025)
    assert date(2031, 4, 26) in deadlines.public_holidays(2031)
    assert date(2026, 4, 27) in deadlines.public_holidays(2026)
    assert date(2026, 4, 26) not in deadlines.public_holidays(2026)


@pytest.mark.parametrize(
    ("year", "easter"),
    [
        (2024, "2024-03-31"),
        (2025, "2025-04-20"),
        (2026, "2026-04-05"),
        (2027, "2027-03-28"),
        (2038, "2038-04-25"),
    ],
)
def test_easter(year, easter):
    assert deadlines.easter_sunday(year) == date.fromisoformat(easter)


def test_holidays_of_2026():
    expected = {
        "2026-01-01",
        "2026-04-05",
        "2026-04-06",
        "2026-04-27",
        "2026-05-05",
        "2026-05-14",
        "2026-05-24",
        "2026-05-25",
        "2026-12-25",
        "2026-12-26",
    }
    assert {d.isoformat() for d in deadlines.public_holidays(2026)} == expected


def test_deadline_is_the_end_of_the_day_in_amsterdam():
    winter = due("complaint", "2026-01-05")
    assert winter.astimezone(UTC) == datetime(2026, 2, 16, 22, 59, 59, tzinfo=UTC)
    summer = due("complaint", "2026-05-04")  # 6 weeks -> Monday 15 June (CEST)
    assert summer.astimezone(UTC) == datetime(2026, 6, 15, 21, 59, 59, tzinfo=UTC)


def test_receipt_counts_in_amsterdams_calendar():
    just_after_midnight = datetime(
        2026, 1, 4, 23, 30, tzinfo=UTC
    )  # 00:30 on 5 January in Amsterdam
    assert deadlines.statutory_due("complaint", just_after_midnight, False, False) == end_of(
        "2026-02-16"
    )


@pytest.mark.parametrize(
    ("received_on", "expected"),
    [
        ("2026-01-05", "2026-01-07"),  # Monday -> Wednesday
        ("2026-01-09", "2026-01-13"),  # Friday -> Tuesday
        ("2026-01-10", "2026-01-13"),  # Saturday -> Tuesday
        ("2026-04-02", "2026-04-07"),  # Thursday; Good Friday works, Easter Monday does not
        ("2026-12-24", "2026-12-29"),  # Christmas
    ],
)
def test_callback_is_due_in_two_working_days(received_on, expected):
    assert deadlines.default_due("callback", received(received_on)) == end_of(expected)


def test_follow_up_has_no_default_due_date():
    assert deadlines.default_due("follow_up", received("2026-01-05")) is None


def test_extension_rules():
    deadlines.check_extension("complaint", already_extended=False)
    deadlines.check_extension("objection", already_extended=False)
    with pytest.raises(Conflict):
        deadlines.check_extension("complaint", already_extended=True)
    with pytest.raises(ValidationFailed):
        deadlines.check_extension("callback", already_extended=False)


def test_working_days():
    assert deadlines.is_working_day(date(2026, 4, 3))  # Good Friday
    assert not deadlines.is_working_day(date(2026, 4, 6))
    assert not deadlines.is_working_day(date(2026, 1, 10))
    assert deadlines.next_working_day(date(2026, 12, 25)) == date(2026, 12, 28)
