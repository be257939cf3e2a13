"""Live updates to pages: events queued on the transaction, published after commit, and
streamed to each open page as server-sent events (``GET /live/stream``).

Packages call ``notify(topic, kind, data)`` where their state changes and
``register_topic(prefix, may_follow)`` for the topics they publish on. With Redis
configured, events cross web processes through Redis pub/sub; on the embedded default they
stay in the one process.
"""

from __future__ import annotations

import hashlib
from typing import Any

from flask import Flask, current_app
from redis import Redis
from sqlalchemy.engine import make_url

from kcc.auth import sessions
from kcc.live.broker import Broker, LocalBroker, RedisBroker
from kcc.live.publish import EXTENSION, notify
from kcc.live.topics import register_topic

__all__ = ["init_app", "notify", "register_topic"]


def channel_prefix(redis_url: str, database_url: str) -> str:
    """A prefix for pub/sub names from the configuration: pub/sub ignores Redis databases,
    so two apps on one Redis server (two test runs, two municipalities) must not meet."""
    redis_db = make_url_db(redis_url)
    database = make_url(database_url).database or "default"
    digest = hashlib.sha256(database.encode()).hexdigest()[:8]
    return f"kcc:{redis_db}:{database.rsplit('/', 1)[-1]}:{digest}"


def make_url_db(redis_url: str) -> str:
    path = redis_url.split("?", 1)[0].rsplit("/", 1)
    return path[1] if len(path) == 2 and path[1].isdecimal() else "0"


def init_app(app: Flask) -> None:
    """Choose the broker, serve ``/live/stream`` and register the core's topics."""
    from kcc.live.core import register_core_topics
    from kcc.live.stream import bp

    settings = app.config["KCC_SETTINGS"]
    broker: Broker
    if settings.redis_url:
        redis = Redis.from_url(
            settings.redis_url, socket_connect_timeout=1, socket_timeout=5, health_check_interval=30
        )
        broker = RedisBroker(redis, channel_prefix(settings.redis_url, settings.database_url))
    else:
        broker = LocalBroker()
    app.extensions[EXTENSION] = broker
    app.register_blueprint(bp)
    app.context_processor(_session_clock)
    app.context_processor(_live_since)
    register_core_topics()


def _live_since() -> dict[str, Any]:
    """The newest live event when a page is drawn: its stream replays what came after, so an
    event between drawing the page and opening the stream is not lost."""

    def since() -> str:
        broker: Broker | None = current_app.extensions.get(EXTENSION)
        return (broker.latest_id() if broker else None) or ""

    return {"live_since": since}


def _session_clock() -> dict[str, Any]:
    """What the pages' session warning needs: the idle timeout and the seconds left now."""

    def clock() -> dict[str, int]:
        return {
            "idle_seconds": int(sessions.idle_timeout().total_seconds()),
            "seconds_left": int(sessions.seconds_left() or 0),
        }

    return {"session_clock": clock}
