"""Several workers on the same instance at once (PostgreSQL): no lost update, no double step."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select, update

from journeys.constants import CauseType
from journeys.engine import Cause, advance, start
from journeys.models import JourneyInstance, JourneyStep, JourneyTimer
from journeys.timers import fire_due_timers
from kcc.db import db, unit_of_work, utcnow
from tests.journeys.conftest import Resident

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not os.environ.get("KCC_TEST_DATABASE_URL"),
        reason="needs PostgreSQL (KCC_TEST_DATABASE_URL)",
    ),
]

WORKERS = 8
NUDGES = 10


def _run_threads(target: Callable[[int], None], count: int) -> list[BaseException]:
    errors: list[BaseException] = []
    barrier = threading.Barrier(count)

    def body(index: int) -> None:
        try:
            barrier.wait()
            target(index)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=body, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return errors


def _start(app: Flask, resident: Resident) -> int:
    with app.app_context(), unit_of_work():
        instance, _ = start(resident.id, "small", Cause(CauseType.SYSTEM), "start")
        return instance.id


def test_concurrent_events_on_one_instance_lose_nothing(
    app: Flask, small: str, make_resident: Callable[[], Resident]
) -> None:
    instance_id = _start(app, make_resident())

    def work(index: int) -> None:
        for n in range(NUDGES):
            with app.app_context(), unit_of_work():
                advance(instance_id, "nudge", f"w{index}-n{n}", Cause(CauseType.EVENT, f"w{index}"))
            # every worker also repeats one shared event id; only one of them may count
            with app.app_context(), unit_of_work():
                advance(instance_id, "nudge", f"shared-{n}", Cause(CauseType.EVENT, "shared"))

    assert _run_threads(work, WORKERS) == []
    with app.app_context():
        instance = db.session().get(JourneyInstance, instance_id)
        assert instance is not None
        count = len(
            list(
                db.session().scalars(
                    select(JourneyStep.id).where(JourneyStep.instance_id == instance_id)
                )
            )
        )
        assert instance.datamodel == {"nudges": WORKERS * NUDGES + NUDGES}
        assert instance.step_count == count == 1 + WORKERS * NUDGES + NUDGES
        db.remove()


def test_concurrent_timer_sweeps_fire_each_timer_once(
    app: Flask, small: str, make_resident: Callable[[], Resident]
) -> None:
    ids = [_start(app, make_resident()) for _ in range(6)]
    for instance_id in ids:
        with app.app_context(), unit_of_work():
            advance(instance_id, "progress", "p", Cause(CauseType.EVENT))
    with app.app_context(), unit_of_work() as session:
        session.execute(update(JourneyTimer).values(due_at=utcnow() - timedelta(hours=1)))
    fired: list[int] = []

    def sweep(_: int) -> None:
        with app.app_context():
            fired.append(fire_due_timers())
            db.remove()

    assert _run_threads(sweep, 4) == []
    assert sum(fired) == len(ids)
    with app.app_context():
        timer_steps = list(
            db.session().scalars(select(JourneyStep).where(JourneyStep.cause_type == "timer"))
        )
        assert sorted(s.instance_id for s in timer_steps) == sorted(ids)
        assert all(i.status == "completed" for i in db.session().scalars(select(JourneyInstance)))
        db.remove()


def test_concurrent_batches_over_the_same_instances_lose_nothing(
    app: Flask, small: str, make_resident: Callable[[], Resident]
) -> None:
    from journeys.engine import advance_batch

    ids = [_start(app, make_resident()) for _ in range(5)]
    rounds = 6

    def work(index: int) -> None:
        order = ids[index % len(ids) :] + ids[: index % len(ids)]  # each worker its own order
        for n in range(rounds):
            items = [(i, "nudge", f"w{index}-r{n}-{i}") for i in reversed(order)]
            items += [(i, "nudge", f"shared-r{n}-{i}") for i in order]  # only one may count
            with app.app_context(), unit_of_work():
                results = advance_batch(items, Cause(CauseType.EVENT, f"w{index}"))
            assert len(results) == len(items)

    assert _run_threads(work, WORKERS) == []
    expected = WORKERS * rounds + rounds
    with app.app_context():
        for instance_id in ids:
            instance = db.session().get(JourneyInstance, instance_id)
            assert instance is not None
            steps = list(
                db.session().scalars(
                    select(JourneyStep.event_id).where(JourneyStep.instance_id == instance_id)
                )
            )
            assert instance.datamodel == {"nudges": expected}
            assert instance.step_count == len(steps) == len(set(steps)) == 1 + expected
        db.remove()
