"""Bearer-token checks remembered in each process for at most one second.

Every API request checks its token; most of them come from the same few callers (a channel,
an agent's desk), so a process keeps each check it made for at most ``TTL_SECONDS``. A
revoked token, a disabled user or any other change of a user or a token ends that at once in
the process that committed it, and through Redis pub/sub in every other process where Redis
is configured; without Redis (or while it is away) the one-second bound still holds, since
an entry never outlives it.

An entry's second counts from before the lookup that filled it, and a lookup that was under
way when a change was heard is not kept, so no check ever reflects a state older than one
second. Only successful checks are kept: an unknown token is looked up every time.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
import weakref
from typing import Any

from flask import Flask, current_app, has_app_context
from redis import Redis
from sqlalchemy import event
from sqlalchemy.orm import Session, object_session

from kcc.auth.models import ApiToken, Caller, User

log = logging.getLogger(__name__)

EXTENSION = "kcc.token_cache"
TTL_SECONDS = 1.0
MAX_ENTRIES = 10_000
# Set on a session whose transaction changed a user or a token; read when it commits.
_CHANGED = "kcc.auth.changed"


class TokenCache:
    """Successful token checks of this process by token hash, each kept at most ``ttl``."""

    def __init__(self, ttl: float = TTL_SECONDS, redis_url: str | None = None, channel: str = ""):
        self.ttl = min(ttl, TTL_SECONDS)
        self.redis_url = redis_url
        self.channel = channel
        self._entries: dict[str, tuple[float, Caller]] = {}
        self._generation = 0
        self._lock = threading.Lock()
        self._listener_pid: int | None = None
        self._publisher: Redis | None = None
        self.subscribed = threading.Event()
        _caches.add(self)

    def get(self, token_hash: str) -> Caller | None:
        """The caller of a check made less than ``ttl`` ago, if it is still valid."""
        self._listen()
        entry = self._entries.get(token_hash)
        if entry is None:
            return None
        if entry[0] <= time.monotonic():
            self._entries.pop(token_hash, None)
            return None
        return entry[1]

    def ticket(self) -> tuple[int, float]:
        """Taken before a lookup: what ``put`` needs to know whether the lookup is still good."""
        return self._generation, time.monotonic()

    def put(self, token_hash: str, caller: Caller, ticket: tuple[int, float]) -> None:
        """Keep a check, unless a change was heard since its lookup began."""
        generation, started = ticket
        with self._lock:
            if generation != self._generation:
                return
            if len(self._entries) >= MAX_ENTRIES:
                self._entries.clear()
            self._entries[token_hash] = (started + self.ttl, caller)

    def clear(self) -> None:
        """Forget every check (a user or token changed somewhere)."""
        with self._lock:
            self._generation += 1
            self._entries.clear()

    def changed(self) -> None:
        """A user or token changed in this process: forget here, tell the other processes."""
        self.clear()
        if not self.redis_url:
            return
        try:
            if self._publisher is None:
                self._publisher = Redis.from_url(
                    self.redis_url, socket_connect_timeout=1, socket_timeout=1
                )
            self._publisher.publish(self.channel, b"changed")
        except Exception as exc:  # the other processes' entries still end within the second
            log.warning("token change not published (%s)", type(exc).__name__)

    def _listen(self) -> None:
        """Start this process's subscriber once (again after a fork)."""
        if not self.redis_url or self._listener_pid == os.getpid():
            return
        with self._lock:
            if self._listener_pid == os.getpid():
                return
            self._listener_pid = os.getpid()
            self._publisher = None  # a connection made before a fork belongs to the parent
            self.subscribed.clear()
            threading.Thread(target=self._subscribe, name="kcc-token-cache", daemon=True).start()

    def _subscribe(self) -> None:
        assert self.redis_url
        while True:
            try:
                client = Redis.from_url(
                    self.redis_url, socket_connect_timeout=1, health_check_interval=30
                )
                pubsub = client.pubsub(ignore_subscribe_messages=True)
                pubsub.subscribe(self.channel)
                pubsub.get_message(timeout=1.0)  # the subscription's confirmation
                self.clear()  # whatever was said while nobody listened
                self.subscribed.set()
                while True:
                    if pubsub.get_message(timeout=5.0) is not None:
                        self.clear()
            except Exception as exc:
                self.subscribed.clear()
                log.debug("token-cache subscriber reconnects (%s)", type(exc).__name__)
                time.sleep(0.5)


_caches: weakref.WeakSet[TokenCache] = weakref.WeakSet()


def clear_all() -> None:
    """Forget every remembered check of this process (every app in it)."""
    for cache in list(_caches):
        cache.clear()


def channel_name(database_url: str, redis_url: str | None) -> str:
    """The pub/sub channel of one installation: Redis channels are shared by all databases of
    a server, so the name carries a digest of the configured database and Redis addresses."""
    digest = hashlib.sha256(f"{database_url}|{redis_url or ''}".encode()).hexdigest()[:16]
    return f"kcc:{digest}:auth-changed"


def init_app(app: Flask) -> None:
    settings = app.config["KCC_SETTINGS"]
    app.extensions[EXTENSION] = TokenCache(
        redis_url=settings.redis_url,
        channel=channel_name(settings.database_url, settings.redis_url),
    )


def token_cache() -> TokenCache:
    return current_app.extensions[EXTENSION]  # type: ignore[no-any-return]


def _note_change(_mapper: Any, _connection: Any, target: Any) -> None:
    session = object_session(target)
    if session is not None:
        session.info[_CHANGED] = True


def _after_commit(session: Session) -> None:
    if session.info.pop(_CHANGED, False) and has_app_context():
        cache: TokenCache | None = current_app.extensions.get(EXTENSION)
        if cache is not None:
            cache.changed()


for _model in (User, ApiToken):
    for _name in ("after_update", "after_delete"):
        event.listen(_model, _name, _note_change)
# A flag left by a transaction that rolled back only costs one more clear at the next commit.
event.listen(Session, "after_commit", _after_commit)
