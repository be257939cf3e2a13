"""Brokers that carry live events to the streams: in-process, or across processes by Redis.

Each web process keeps one ``Hub`` of the streams open in it. The in-process broker hands a
published event straight to its hub (the embedded default: one process). The Redis broker
publishes on one pub/sub channel per configuration and every process's listener thread
hands what it hears to its own hub, so a message stored by any web process or job reaches a
stream open on any other. Both keep the newest events for a while, so a stream that
reconnects with ``Last-Event-ID`` gets what it missed, or is told to reload when the gap is
too long.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import logging
import queue
import secrets
import threading
import time
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)

# How many recent events are kept for streams that reconnect.
HISTORY = 2000


@dataclass(frozen=True)
class LiveEvent:
    """One event on one topic, as a stream sends it."""

    id: str
    topic: str
    kind: str
    data: dict[str, Any]

    def to_json(self) -> str:
        return json.dumps(
            {"id": self.id, "topic": self.topic, "kind": self.kind, "data": self.data},
            separators=(",", ":"),
            default=str,
        )

    @classmethod
    def from_json(cls, text: str | bytes) -> LiveEvent:
        raw = json.loads(text)
        return cls(str(raw["id"]), raw["topic"], raw["kind"], raw.get("data") or {})


@dataclass(eq=False)
class Subscription:
    """One open stream's topics and the queue its events arrive in."""

    topics: frozenset[str]
    events: queue.SimpleQueue[LiveEvent] = field(default_factory=queue.SimpleQueue)


class Hub:
    """The streams open in this process, by topic."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_topic: dict[str, set[Subscription]] = {}

    def add(self, subscription: Subscription) -> None:
        with self._lock:
            for topic in subscription.topics:
                self._by_topic.setdefault(topic, set()).add(subscription)

    def remove(self, subscription: Subscription) -> None:
        with self._lock:
            for topic in subscription.topics:
                followers = self._by_topic.get(topic)
                if followers is not None:
                    followers.discard(subscription)
                    if not followers:
                        del self._by_topic[topic]

    def deliver(self, event: LiveEvent) -> None:
        with self._lock:
            followers = list(self._by_topic.get(event.topic, ()))
        for subscription in followers:
            subscription.events.put(event)

    def count(self) -> int:
        with self._lock:
            return len({s for subs in self._by_topic.values() for s in subs})


def _after(events: Iterable[LiveEvent], last_id: str, topics: frozenset[str]) -> list[LiveEvent]:
    return [e for e in events if _sequence(e.id) > _sequence(last_id) and e.topic in topics]


def _sequence(event_id: str) -> int:
    return int(event_id.rsplit("-", 1)[-1])


def _epoch(event_id: str) -> str:
    return event_id.rsplit("-", 1)[0] if "-" in event_id else ""


class Broker:
    """What the publisher and the streams need from a broker."""

    def __init__(self) -> None:
        self.hub = Hub()

    def publish(self, items: list[tuple[str, str, dict[str, Any]]]) -> None:
        raise NotImplementedError

    def subscribe(self, topics: frozenset[str]) -> Subscription:
        subscription = Subscription(topics)
        self.hub.add(subscription)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        self.hub.remove(subscription)

    def missed(self, last_id: str, topics: frozenset[str]) -> list[LiveEvent] | None:
        """Events on ``topics`` after ``last_id``; None when they can no longer be told."""
        raise NotImplementedError

    def latest_id(self) -> str | None:
        """The id of the newest event, for a page to start its stream from (None: unknown)."""
        raise NotImplementedError

    def close(self) -> None:
        """Stop background work (the Redis listener)."""


class LocalBroker(Broker):
    """The embedded default: events reach the streams of this process only."""

    def __init__(self) -> None:
        super().__init__()
        # Ids name this broker's life, so an id from before a restart is seen as a gap.
        self._epoch = secrets.token_hex(4)
        self._counter = itertools.count(1)
        self._last = 0
        self._lock = threading.Lock()
        self._history: deque[LiveEvent] = deque(maxlen=HISTORY)

    def publish(self, items: list[tuple[str, str, dict[str, Any]]]) -> None:
        for topic, kind, data in items:
            with self._lock:
                self._last = next(self._counter)
                event = LiveEvent(f"{self._epoch}-{self._last}", topic, kind, data)
                self._history.append(event)
            self.hub.deliver(event)

    def missed(self, last_id: str, topics: frozenset[str]) -> list[LiveEvent] | None:
        with self._lock:
            history = list(self._history)
        return _replay(history, last_id, topics, self._epoch)

    def latest_id(self) -> str | None:
        with self._lock:
            return f"{self._epoch}-{self._last}"


def _replay(
    history: list[LiveEvent], last_id: str, topics: frozenset[str], epoch: str
) -> list[LiveEvent] | None:
    try:
        if _epoch(last_id) != epoch:
            return None
        wanted = _sequence(last_id)
    except ValueError:
        return None
    if history and _sequence(history[0].id) > wanted + 1:
        return None  # older events than the stream saw last were dropped: too long a gap
    return _after(history, last_id, topics)


# Numbers the events, keeps them in the capped history list and publishes them, in one round
# trip whatever their number. ARGV: the epoch, the history's length, then one event per item
# (its JSON without the opening brace, which the script completes with the event's id).
_PUBLISH = """
local last = 0
for i = 3, #ARGV do
  last = redis.call('INCR', KEYS[1])
  local event = '{"id":"' .. ARGV[1] .. '-' .. last .. '",' .. ARGV[i]
  redis.call('LPUSH', KEYS[2], event)
  redis.call('PUBLISH', KEYS[3], event)
end
redis.call('LTRIM', KEYS[2], 0, tonumber(ARGV[2]) - 1)
return last
"""
EPOCH = "r"


class RedisBroker(Broker):
    """Events cross web processes through one Redis pub/sub channel per configuration.

    ``prefix`` (from the configuration: the Redis database and the database name) is in
    every key and channel name, since pub/sub channels are shared by all Redis databases.
    """

    def __init__(self, redis: Any, prefix: str) -> None:
        super().__init__()
        self.redis = redis
        self.channel = f"{prefix}:live:events"
        self._counter_key = f"{prefix}:live:counter"
        self._history_key = f"{prefix}:live:history"
        self._script = redis.register_script(_PUBLISH)
        self._keys = [self._counter_key, self._history_key, self.channel]
        self._listener: threading.Thread | None = None
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._ready = threading.Event()

    def publish(self, items: list[tuple[str, str, dict[str, Any]]]) -> None:
        events = [
            json.dumps({"topic": topic, "kind": kind, "data": data}, default=str)[1:]
            for topic, kind, data in items
        ]
        # EVALSHA, and the script itself only the first time this Redis is asked for it.
        self._script(keys=self._keys, args=[EPOCH, HISTORY, *events])

    def subscribe(self, topics: frozenset[str]) -> Subscription:
        self._listen()
        return super().subscribe(topics)

    def missed(self, last_id: str, topics: frozenset[str]) -> list[LiveEvent] | None:
        raw = self.redis.lrange(self._history_key, 0, HISTORY - 1)
        history = [LiveEvent.from_json(item) for item in reversed(raw)]
        return _replay(history, last_id, topics, EPOCH)

    def latest_id(self) -> str | None:
        try:
            counter = self.redis.get(self._counter_key)
        except Exception:  # Redis away: the page's stream starts from what it sees next
            return None
        return f"{EPOCH}-{int(counter or 0)}"

    def _listen(self) -> None:
        with self._lock:
            if self._listener is None or not self._listener.is_alive():
                self._ready.clear()
                self._listener = threading.Thread(
                    target=self._run, name="kcc-live-listener", daemon=True
                )
                self._listener.start()
        self._ready.wait(timeout=5)

    def _run(self) -> None:
        delay = 0.5
        while not self._stopped.is_set():
            pubsub = self.redis.pubsub(ignore_subscribe_messages=True)
            try:
                pubsub.subscribe(self.channel)
                self._ready.set()
                delay = 0.5
                while not self._stopped.is_set():
                    message = pubsub.get_message(timeout=1.0)
                    if message and message.get("type") == "message":
                        self.hub.deliver(LiveEvent.from_json(message["data"]))
            except Exception as exc:  # Redis away: streams wait, the listener retries
                log.warning("live listener lost Redis (%s); retrying", type(exc).__name__)
                self._ready.set()
                time.sleep(delay)
                delay = min(delay * 2, 10)
            finally:
                with contextlib.suppress(Exception):  # a broken connection may fail to close
                    pubsub.close()

    def close(self) -> None:
        self._stopped.set()
