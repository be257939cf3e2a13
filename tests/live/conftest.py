"""Fixtures for live updates: a stream read in a thread of its own, event by event."""

from __future__ import annotations

import contextlib
import json
import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kcc.live.stream import StreamTiming
from tests.web.conftest import make_user, sign_in  # noqa: F401  (fixtures shared with the pages)


@dataclass
class Sse:
    """One server-sent event as the browser would see it."""

    event: str
    data: Any
    id: str | None


@dataclass
class OpenStream:
    """A stream being read in a background thread; ``next()`` waits for the next event."""

    status: int
    headers: dict[str, str]
    events: queue.Queue[Sse | None] = field(default_factory=queue.Queue)
    closed: threading.Event = field(default_factory=threading.Event)

    def next(self, timeout: float = 5.0, skip_session: bool = True) -> Sse | None:
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError("no event arrived in time")
            try:
                event = self.events.get(timeout=left)
            except queue.Empty:
                raise AssertionError("no event arrived in time") from None
            if event is None or not (skip_session and event.event == "session"):
                return event

    def collect(self, seconds: float) -> list[Sse]:
        """Every event (heartbeat session events too) that arrives within ``seconds``."""
        found: list[Sse] = []
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                event = self.events.get(timeout=left)
            except queue.Empty:
                break
            if event is None:
                break
            found.append(event)
        return found


def _parse(chunks: Iterator[bytes], into: OpenStream) -> None:
    buffer = ""
    try:
        for chunk in chunks:
            buffer += chunk.decode()
            while "\n\n" in buffer:
                block, buffer = buffer.split("\n\n", 1)
                fields: dict[str, str] = {}
                for line in block.split("\n"):
                    if line.startswith(":") or ":" not in line:
                        continue
                    name, _, value = line.partition(":")
                    fields[name] = value.removeprefix(" ")
                if "data" in fields:
                    into.events.put(
                        Sse(
                            fields.get("event", "message"),
                            json.loads(fields["data"]),
                            fields.get("id"),
                        )
                    )
    finally:
        into.closed.set()
        into.events.put(None)


@pytest.fixture()
def open_stream() -> Iterator[Callable[..., OpenStream]]:
    """Open ``/live/stream`` with a test client; the body is read in a thread until it ends."""
    responses: list[Any] = []

    def opener(
        client: FlaskClient, query: str, headers: dict[str, str] | None = None
    ) -> OpenStream:
        response = client.get(f"/live/stream?{query}", headers=headers or {}, buffered=False)
        responses.append(response)
        stream = OpenStream(response.status_code, dict(response.headers))
        if response.status_code == 200:
            threading.Thread(target=_parse, args=(response.response, stream), daemon=True).start()
        else:
            stream.events.put(Sse("problem", response.get_json(), None))
        return stream

    yield opener
    for response in responses:
        # One still being read ends by itself (quick_streams).
        with contextlib.suppress(ValueError):
            response.close()


@pytest.fixture()
def quick_streams(app: Flask) -> Iterator[StreamTiming]:
    """Heartbeats every 0.2 s and streams that end after 3 s, for tests that wait on them."""
    timing = StreamTiming(heartbeat_seconds=0.2, max_seconds=3.0)
    app.config["KCC_LIVE_TIMING"] = timing
    yield timing
    app.config.pop("KCC_LIVE_TIMING", None)
