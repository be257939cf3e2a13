"""notify(): published after commit, dropped on rollback, on the topics' followers only."""

from __future__ import annotations

import os
import queue

import pytest
from flask import Flask
from redis import Redis

from kcc.db import db
from kcc.live import channel_prefix, notify
from kcc.live.broker import Broker, LiveEvent, RedisBroker
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


@pytest.mark.redis
@pytest.mark.skipif(
    not os.environ.get("KCC_TEST_REDIS_URL"), reason="needs Redis (KCC_TEST_REDIS_URL)"
)
def test_events_cross_web_processes_through_redis_and_stay_within_their_prefix(
    app: Flask,
) -> None:
    """Two brokers on one Redis stand for two web processes; a third, configured for another
    database, shares the server but must hear nothing."""
    settings = app.config["KCC_SETTINGS"]
    redis = Redis.from_url(settings.redis_url)
    prefix = channel_prefix(settings.redis_url, settings.database_url)
    here, there = RedisBroker(redis, prefix), RedisBroker(redis, prefix)
    elsewhere = RedisBroker(redis, channel_prefix(settings.redis_url, "postgresql:///other"))
    mine = there.subscribe(frozenset({"queue:KCC"}))
    theirs = elsewhere.subscribe(frozenset({"queue:KCC"}))
    try:
        here.publish([("queue:KCC", "conversation.waiting", {"count": 1})])
        event = _next(mine.events)
        assert (event.kind, event.data) == ("conversation.waiting", {"count": 1})
        with pytest.raises(queue.Empty):
            theirs.events.get(timeout=0.5)
        assert there.missed(event.id, frozenset({"queue:KCC"})) == []
    finally:
        for broker in (here, there, elsewhere):
            broker.close()


@pytest.mark.redis
@pytest.mark.skipif(
    not os.environ.get("KCC_TEST_REDIS_URL"), reason="needs Redis (KCC_TEST_REDIS_URL)"
)
def test_a_transaction_s_events_go_to_redis_in_one_round_trip_numbered_in_order(
    app: Flask,
) -> None:
    """Several events of one commit are one EVALSHA: numbered one after the other, kept in the
    history in order, delivered in order; after the server forgot its scripts (a restart) the
    next publish loads the script again instead of losing the events."""
    settings = app.config["KCC_SETTINGS"]
    redis = Redis.from_url(settings.redis_url)
    prefix = channel_prefix(settings.redis_url, settings.database_url)
    here, there = RedisBroker(redis, prefix), RedisBroker(redis, prefix)
    mine = there.subscribe(frozenset({"party:1"}))
    sent: list[str] = []
    original = redis.connection_pool.get_connection

    def counting(*args: object, **kwargs: object) -> object:
        connection = original(*args, **kwargs)  # type: ignore[arg-type]
        send = connection.send_command

        def recording(*command: object, **options: object) -> object:
            sent.append(str(command[0]))
            return send(*command, **options)

        connection.send_command = recording  # type: ignore[method-assign]
        return connection

    try:
        here.publish([("party:1", "warm-up", {})])  # the script is loaded once
        _next(mine.events)
        redis.connection_pool.get_connection = counting  # type: ignore[method-assign]
        here.publish([("party:1", f"n{i}", {"i": i}) for i in range(3)])
        redis.connection_pool.get_connection = original  # type: ignore[method-assign]
        assert sent == ["EVALSHA"]
        events = [_next(mine.events) for _ in range(3)]
        assert [e.kind for e in events] == ["n0", "n1", "n2"]
        numbers = [int(e.id.rpartition("-")[2]) for e in events]
        assert numbers == [numbers[0], numbers[0] + 1, numbers[0] + 2]
        assert there.latest_id() == events[-1].id
        redis.script_flush()
        here.publish([("party:1", "after-flush", {})])
        assert _next(mine.events).kind == "after-flush"
    finally:
        redis.connection_pool.get_connection = original  # type: ignore[method-assign]
        for broker in (here, there):
            broker.close()
