"""A subscriber's interest filter decides whether an event is queued at all."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kcc.events.base import EventEnvelope, subscribe, unsubscribe, wanted

NAME = "tests.interest"


def _handler(_envelope: EventEnvelope) -> None:
    return None


@pytest.fixture()
def registered() -> Iterator[list[str]]:
    keys: list[str] = []
    yield keys
    for key in keys:
        unsubscribe(NAME, key)


def test_no_subscriber_no_interest(registered: list[str]) -> None:
    assert not wanted(NAME, {"x": 1})


def test_a_filter_decides_and_one_without_a_filter_always_wants(registered: list[str]) -> None:
    subscribe(NAME, _handler, key="tests.a", wants=lambda data: data.get("x") == 1)
    registered.append("tests.a")
    assert wanted(NAME, {"x": 1}) and not wanted(NAME, {"x": 2})
    subscribe(NAME, _handler, key="tests.b")
    registered.append("tests.b")
    assert wanted(NAME, {"x": 2})


def test_a_failing_filter_queues_the_event(registered: list[str]) -> None:
    def broken(data: dict[str, object]) -> bool:
        raise RuntimeError("no database")

    subscribe(NAME, _handler, key="tests.broken", wants=broken)
    registered.append("tests.broken")
    assert wanted(NAME, {})


def test_unsubscribing_forgets_the_filter(registered: list[str]) -> None:
    subscribe(NAME, _handler, key="tests.c", wants=lambda data: False)
    unsubscribe(NAME, "tests.c")
    subscribe(NAME, _handler, key="tests.c")
    registered.append("tests.c")
    assert wanted(NAME, {})
