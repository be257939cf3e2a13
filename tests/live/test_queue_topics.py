"""Queue and conversation topics: a take, a snooze and a message reach the pages following
them, and only staff may follow them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask

from channels.chat.limits import limiter
from kcc.live.stream import StreamTiming
from tests.channels.queue_helpers import make_teams, newest_conversation, say, start_chat
from tests.conftest import Caller
from tests.web.conftest import Browser


@pytest.fixture(autouse=True)
def teams(app: Flask) -> None:
    with app.app_context():
        limiter.reset()
    make_teams(app, "KCC", "Parkeren")


@pytest.fixture()
def longer_streams(app: Flask, quick_streams: Any) -> None:
    """Quick heartbeats, but streams that last through a few requests."""
    app.config["KCC_LIVE_TIMING"] = StreamTiming(heartbeat_seconds=0.2, max_seconds=15.0)


def _expect(stream: Any, *wanted: tuple[str, str]) -> dict[tuple[str, str], Any]:
    """Read events until each (topic, kind) in ``wanted`` has come; their data by pair."""
    found: dict[tuple[str, str], Any] = {}
    while set(wanted) - set(found):
        event = stream.next()
        assert event is not None, f"the stream ended before {set(wanted) - set(found)}"
        found[(event.data["topic"], event.data["kind"])] = event.data["data"]
    return found


def test_a_take_reaches_the_queue_and_the_conversation_at_once(
    client, sign_in: Callable[..., Browser], agent: Caller, open_stream: Any, longer_streams: Any
) -> None:
    chat = start_chat(client)
    conversation = newest_conversation(agent)
    browser = sign_in("agent")
    topics = f"topic=queue:KCC&topic=conversation:{conversation['id']}"
    stream = open_stream(browser.client, topics)
    assert stream.status == 200
    own = f"conversation:{conversation['id']}"
    agent.post(f"/api/v1/conversations/{conversation['id']}/take")
    taken = _expect(stream, ("queue:KCC", "taken"), (own, "taken"))
    data = taken[("queue:KCC", "taken")]
    assert data["assigned_user_id"] == str(agent.user_id)
    assert "text" not in data and "body" not in data
    say(client, chat, "Is er nieuws?")
    _expect(stream, (own, "message"))
    later = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    agent.post(f"/api/v1/conversations/{conversation['id']}/snooze", json={"until": later})
    _expect(stream, ("queue:KCC", "snoozed"))


def test_a_transfer_tells_both_queues(
    client, sign_in: Callable[..., Browser], agent: Caller, open_stream: Any, longer_streams: Any
) -> None:
    start_chat(client)
    conversation = newest_conversation(agent)
    browser = sign_in("supervisor")
    stream = open_stream(browser.client, "topic=queue:Parkeren&topic=supervision")
    agent.post(f"/api/v1/conversations/{conversation['id']}/assign", json={"team": "Parkeren"})
    found = _expect(stream, ("queue:Parkeren", "transferred"), ("supervision", "transferred"))
    assert found[("supervision", "transferred")]["team"] == "Parkeren"


def test_only_staff_follow_queues_and_conversations(
    sign_in: Callable[..., Browser], open_stream: Any
) -> None:
    owner = sign_in("process_owner")
    assert open_stream(owner.client, "topic=queue:KCC").status == 403
    agent = sign_in("agent")
    assert open_stream(agent.client, "topic=conversation:not-a-uuid").status == 403
