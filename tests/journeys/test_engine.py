"""The engine: instances keep their version, steps say what moved them, events count once, timers last."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from flask import Flask
from sqlalchemy import select, update

from journeys.constants import CauseType
from journeys.engine import Cause, advance, start
from journeys.models import JourneyInstance, JourneyStep, JourneyTimer
from journeys.timers import fire_due_timers
from kcc.db import db, unit_of_work, utcnow
from kcc.events.models import OutboxEvent
from tests.journeys.conftest import Resident, load, small_doc, to_yaml

EVENT = Cause(CauseType.EVENT, "evt-1", "test")


def _start(app: Flask, resident: Resident, key: str = "small") -> int:
    with app.app_context(), unit_of_work():
        instance, created = start(resident.id, key, EVENT, "start-1")
        assert created
        instance_id = instance.id
    return instance_id


def _send(app: Flask, instance_id: int, event: str, event_id: str) -> bool:
    with app.app_context(), unit_of_work():
        return advance(instance_id, event, event_id, EVENT).moved


def _instance(
    app: Flask, instance_id: int
) -> tuple[JourneyInstance, list[JourneyStep], list[JourneyTimer]]:
    with app.app_context():
        session = db.session()
        instance = session.get(JourneyInstance, instance_id)
        steps = list(
            session.scalars(
                select(JourneyStep)
                .where(JourneyStep.instance_id == instance_id)
                .order_by(JourneyStep.id)
            )
        )
        timers = list(
            session.scalars(
                select(JourneyTimer)
                .where(JourneyTimer.instance_id == instance_id)
                .order_by(JourneyTimer.id)
            )
        )
        db.remove()
    assert instance is not None
    return instance, steps, timers


def test_start_advance_and_complete(
    app: Flask, small: str, make_resident: Callable[[], Resident]
) -> None:
    resident = make_resident()
    instance_id = _start(app, resident)
    assert _send(app, instance_id, "nudge", "n-1")
    assert _send(app, instance_id, "progress", "p-1")
    instance, steps, timers = _instance(app, instance_id)
    assert instance.configuration == ["working"]
    assert instance.datamodel == {"nudges": 1}
    assert [(s.event, s.from_states, s.to_states, s.cause_type) for s in steps] == [
        ("start", [], ["waiting"], "event"),
        ("nudge", ["waiting"], ["waiting"], "event"),
        ("progress", ["waiting"], ["working"], "event"),
    ]
    assert [(t.state, t.event, t.duration) for t in timers] == [("working", "reminder_due", "P14D")]
    assert timedelta(days=13, hours=23) < timers[0].due_at - utcnow() <= timedelta(days=14)
    assert _send(app, instance_id, "finish", "f-1")
    instance, steps, timers = _instance(app, instance_id)
    assert instance.status == "completed" and instance.completed_at is not None
    assert timers[0].cancelled_at is not None
    assert not _send(app, instance_id, "progress", "p-2")


def test_same_event_id_counts_once(
    app: Flask, small: str, make_resident: Callable[[], Resident]
) -> None:
    instance_id = _start(app, make_resident())
    for _ in range(3):
        _send(app, instance_id, "nudge", "same-id")
    instance, steps, _ = _instance(app, instance_id)
    assert instance.datamodel == {"nudges": 1}
    assert [s.event_id for s in steps] == ["start-1", "same-id"]


def test_an_event_without_transition_is_recorded_not_moved(
    app: Flask, small: str, make_resident: Callable[[], Resident]
) -> None:
    instance_id = _start(app, make_resident())
    assert not _send(app, instance_id, "finish", "x-1")
    _, steps, _ = _instance(app, instance_id)
    assert steps[-1].moved is False
    assert "no transition for 'finish' in waiting" in steps[-1].why


def test_one_active_instance_per_party_and_key(
    app: Flask, small: str, make_resident: Callable[[], Resident]
) -> None:
    resident = make_resident()
    first = _start(app, resident)
    with app.app_context(), unit_of_work():
        instance, created = start(resident.id, "small", EVENT, "start-2")
        assert (instance.id, created) == (first, False)


def test_running_instances_keep_their_version(
    app: Flask, small: str, make_resident: Callable[[], Resident]
) -> None:
    old = _start(app, make_resident())
    v2 = small_doc(version=2)
    v2["statechart"]["states"]["waiting"]["transitions"][0]["target"] = "done"
    v2["statechart"]["states"]["waiting"]["transitions"].append(
        {"event": "finish", "target": "working"}
    )
    load(app, to_yaml(v2))
    new = _start(app, make_resident())
    _send(app, old, "progress", "p-old")
    _send(app, new, "progress", "p-new")
    old_instance, _, _ = _instance(app, old)
    new_instance, _, _ = _instance(app, new)
    assert old_instance.configuration == ["working"] and old_instance.status == "active"
    assert new_instance.configuration == ["done"] and new_instance.status == "completed"
    assert old_instance.version_id != new_instance.version_id


def test_entering_a_state_with_suggestions_emits_an_event(
    app: Flask, small: str, make_resident: Callable[[], Resident]
) -> None:
    resident = make_resident()
    _start(app, resident)
    with app.app_context():
        rows = list(
            db.session().scalars(
                select(OutboxEvent).where(OutboxEvent.name == "journey.state_entered")
            )
        )
        db.remove()
    assert len(rows) == 1
    payload = rows[0].payload
    assert payload["party_id"] == str(resident.uuid)
    assert payload["state"] == "waiting"
    assert payload["suggestions"][0]["service"] == "waste-pass"
    assert payload["suggestions"][0]["consent_purpose"] == "proactive-test"
    assert "expires_at" in payload["suggestions"][0]


def test_a_late_timer_fires_once_and_a_left_state_cancels_its_timer(
    app: Flask, small: str, make_resident: Callable[[], Resident]
) -> None:
    late, left = _start(app, make_resident()), _start(app, make_resident())
    _send(app, late, "progress", "p-1")
    _send(app, left, "progress", "p-2")
    with app.app_context(), unit_of_work() as session:
        session.execute(update(JourneyTimer).values(due_at=utcnow() - timedelta(days=3)))
    _send(app, left, "finish", "f-2")
    with app.app_context():
        assert fire_due_timers() == 1
        assert fire_due_timers() == 0
        db.remove()
    instance, steps, timers = _instance(app, late)
    assert instance.status == "completed"
    assert steps[-1].cause_type == "timer" and steps[-1].event == "reminder_due"
    assert "P14D" in steps[-1].why
    assert timers[0].fired_at is not None
    _, steps, timers = _instance(app, left)
    assert timers[0].cancelled_at is not None and timers[0].fired_at is None
    assert all(s.cause_type != "timer" for s in steps)


def test_a_runaway_on_an_event_is_stopped(
    app: Flask, make_resident: Callable[[], Resident]
) -> None:
    doc = small_doc(states={})
    doc["statechart"]["datamodel"] = {"loops": "0"}
    states = doc["statechart"]["states"]
    states["working"]["transitions"].append({"event": "spin", "target": "spin_a"})
    states["spin_a"] = {
        "transitions": [{"target": "spin_b"}, {"event": "finish", "target": "done"}]
    }
    states["spin_b"] = {
        "transitions": [
            {"target": "spin_a", "on": [{"assign": {"location": "loops", "expr": "loops + 1"}}]}
        ]
    }
    load(app, to_yaml(doc))
    instance_id = _start(app, make_resident())
    _send(app, instance_id, "progress", "p-1")
    _send(app, instance_id, "spin", "s-1")
    instance, steps, _ = _instance(app, instance_id)
    assert instance.configuration == ["working"]
    assert steps[-1].moved is False and steps[-1].why.startswith(
        "stopped: more than 50 transitions"
    )


def test_a_batch_behaves_like_single_events(
    app: Flask, small: str, make_resident: Callable[[], Resident]
) -> None:
    from journeys.engine import advance_batch

    first, second = _start(app, make_resident()), _start(app, make_resident())
    _send(app, second, "progress", "before")  # a stored timer the batch must cancel
    items = [
        (first, "nudge", "a"),
        (first, "nudge", "a"),
        (first, "progress", "b"),
        (first, "finish", "c"),
        (second, "finish", "d"),
        (first, "nudge", "e"),
    ]
    with app.app_context(), unit_of_work():
        results = advance_batch(items, EVENT)
    assert [r.duplicate for r in results] == [False, True, False, False, False, False]
    for instance_id in (first, second):
        instance, steps, timers = _instance(app, instance_id)
        assert instance.status == "completed"
        assert timers and all(t.cancelled_at is not None and t.fired_at is None for t in timers)
    instance, steps, _ = _instance(app, first)
    assert instance.datamodel == {"nudges": 1}
    assert [s.event_id for s in steps] == ["start-1", "a", "b", "c"]
    with app.app_context(), unit_of_work():
        again = advance_batch(items, EVENT)
    assert all(r.duplicate for r in again[:1])


def _guarded() -> dict[str, Any]:
    """The small journey with a payment whose guard reads the event's data."""
    doc = small_doc(key="guarded", data_used=[{"field": "data.amount"}])
    doc["triggers"].append({"on": "nl.test.payment", "event": "pay"})
    doc["statechart"]["states"]["waiting"]["transitions"] += [
        {"event": "pay", "target": "working", "cond": "amount > 100"},
        {"event": "pay", "target": "done"},
    ]
    return doc


def test_a_guard_that_raises_is_recorded_and_the_instance_stays(
    app: Flask, make_resident: Callable[[], Resident]
) -> None:
    load(app, to_yaml(_guarded()))
    instance_id = _start(app, make_resident(), key="guarded")
    with app.app_context(), unit_of_work():
        result = advance(instance_id, "pay", "pay-1", EVENT, {"amount": "lots"})
        assert not result.moved and not result.duplicate and result.step is not None
    with app.app_context(), unit_of_work():
        assert not advance(instance_id, "pay", "pay-2", EVENT).moved  # no amount at all
    instance, steps, timers = _instance(app, instance_id)
    assert instance.configuration == ["waiting"] and instance.status == "active"
    assert instance.datamodel == {"nudges": 0} and instance.step_count == 3 == len(steps)
    assert not timers
    first, second = steps[-2], steps[-1]
    assert (first.event_id, first.moved, first.from_states, first.to_states) == (
        "pay-1",
        False,
        ["waiting"],
        ["waiting"],
    )
    assert first.why.startswith(
        "stopped: the condition 'amount > 100' of the transition on 'pay' from 'waiting' "
        "to 'working' could not be evaluated: '>' not supported between instances of 'str' "
        "and 'int' (TypeError)"
    )
    assert first.why.endswith("the instance stays where it was")
    assert "name 'amount' is not defined (NameError)" in second.why
    # the event counted once: a retry with good data is a repeat, a new event id moves
    with app.app_context(), unit_of_work():
        assert advance(instance_id, "pay", "pay-1", EVENT, {"amount": 250}).duplicate
    with app.app_context(), unit_of_work():
        assert advance(instance_id, "pay", "pay-3", EVENT, {"amount": 250}).moved
    instance, steps, timers = _instance(app, instance_id)
    assert instance.configuration == ["working"] and len(steps) == 4
    assert [t.state for t in timers] == ["working"]


def test_a_failing_guard_in_a_batch_leaves_the_other_events_alone(
    app: Flask, make_resident: Callable[[], Resident]
) -> None:
    from journeys.engine import Item, advance_items

    load(app, to_yaml(_guarded()))
    first, second = _start(app, make_resident(), "guarded"), _start(app, make_resident(), "guarded")
    with app.app_context(), unit_of_work():
        results = advance_items(
            [
                Item(first, "pay", "b-1", EVENT, {"amount": [1, 2]}),
                Item(second, "pay", "b-2", EVENT, {"amount": 500}),
                Item(first, "nudge", "b-3", EVENT),
            ]
        )
    assert [(r.moved, r.duplicate) for r in results] == [
        (False, False),
        (True, False),
        (True, False),
    ]
    assert results[0].step is not None and "could not be evaluated" in results[0].step.why
    instance, steps, _ = _instance(app, first)
    assert instance.configuration == ["waiting"] and instance.datamodel == {"nudges": 1}
    assert [s.event_id for s in steps] == ["start-1", "b-1", "b-3"]
    assert _instance(app, second)[0].configuration == ["working"]


def test_a_timer_left_by_an_earlier_timer_of_the_same_sweep_does_not_fire(
    app: Flask, make_resident: Callable[[], Resident]
) -> None:
    doc = small_doc(key="two-timers")
    doc["states"]["working"]["timers"].append({"after": "P30D", "event": "finish"})
    load(app, to_yaml(doc))
    instance_id = _start(app, make_resident(), key="two-timers")
    _send(app, instance_id, "progress", "p-1")
    with app.app_context(), unit_of_work() as session:
        session.execute(update(JourneyTimer).values(due_at=utcnow() - timedelta(days=1)))
    with app.app_context():
        assert fire_due_timers() == 1  # reminder_due completes the journey first
        assert fire_due_timers() == 0
        db.remove()
    instance, steps, timers = _instance(app, instance_id)
    assert instance.status == "completed"
    assert [(s.event, s.cause_type) for s in steps[-1:]] == [("reminder_due", "timer")]
    fired = [(t.event, t.fired_at is not None, t.cancelled_at is not None) for t in timers]
    assert fired == [("reminder_due", True, False), ("finish", False, True)]
