"""notify(): published after commit, dropped on rollback, on the topics' followers only."""

from __future__ import annotations

import queue

import pytest
from flask import Flask

from kcc.db import db
from kcc.live import notify
from kcc.live.broker import Broker, LiveEvent
from kcc.live.publish import EXTENSION


def _broker(app: Flask) -> Broker:
    found: Broker = app.extensions[EXTENSION]
    return found


def _next(events: queue.SimpleQueue[LiveEvent], timeout: float = 3.0) -> LiveEvent:
    return events.get(timeout=timeout)


def test_an_event_is_published_only_after_the_transaction_commits(app: Flask) -> None:
    broker = _broker(app)
    subscription = broker.subscribe(frozenset({"queue:KCC"}))
    try:
        with app.app_context():
            notify("queue:KCC", "conversation.waiting", {"count": 3})
            with pytest.raises(queue.Empty):
                subscription.events.get(timeout=0.3)
            db.commit()
            event = _next(subscription.events)
            db.remove()
        assert (event.topic, event.kind, event.data) == (
            "queue:KCC",
            "conversation.waiting",
            {"count": 3},
        )
    finally:
        broker.unsubscribe(subscription)


def test_a_rollback_drops_what_was_queued(app: Flask) -> None:
    broker = _broker(app)
    subscription = broker.subscribe(frozenset({"queue:KCC"}))
    try:
        with app.app_context():
            notify("queue:KCC", "lost", {})
            db.rollback()
            notify("queue:KCC", "kept", {})
            db.commit()
            event = _next(subscription.events)
            db.remove()
        assert event.kind == "kept"
        with pytest.raises(queue.Empty):
            subscription.events.get(timeout=0.3)
    finally:
        broker.unsubscribe(subscription)


def test_followers_of_other_topics_hear_nothing(app: Flask) -> None:
    broker = _broker(app)
    mine = broker.subscribe(frozenset({"queue:KCC"}))
    other = broker.subscribe(frozenset({"queue:Parkeren"}))
    try:
        with app.app_context():
            notify("queue:KCC", "one", {})
            notify("queue:KCC", "two", {})
            db.commit()
            db.remove()
        assert [_next(mine.events).kind, _next(mine.events).kind] == ["one", "two"]
        with pytest.raises(queue.Empty):
            other.events.get(timeout=0.3)
    finally:
        broker.unsubscribe(mine)
        broker.unsubscribe(other)


def test_missed_events_are_replayed_after_the_last_id_and_an_unknown_id_is_a_gap(
    app: Flask,
) -> None:
    broker = _broker(app)
    subscription = broker.subscribe(frozenset({"queue:KCC"}))
    try:
        with app.app_context():
            for n in range(3):
                notify("queue:KCC", f"n{n}", {})
                notify("queue:Parkeren", "elsewhere", {})
            db.commit()
            db.remove()
        first = _next(subscription.events)
        _next(subscription.events)
        _next(subscription.events)
        missed = broker.missed(first.id, frozenset({"queue:KCC"}))
        assert missed is not None
        assert [e.kind for e in missed] == ["n1", "n2"]
        assert broker.missed("unknown-1", frozenset({"queue:KCC"})) is None
        assert broker.missed("garbage", frozenset({"queue:KCC"})) is None
    finally:
        broker.unsubscribe(subscription)
