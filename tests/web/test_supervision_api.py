"""The supervisors' live view through a signed-in session: who is available, and presence."""

from __future__ import annotations

import pytest
from flask import Flask

from channels.chat.limits import limiter
from tests.channels.queue_helpers import make_teams, start_chat


@pytest.fixture(autouse=True)
def teams(app: Flask) -> None:
    with app.app_context():
        limiter.reset()
    make_teams(app, "KCC")


def test_the_supervisors_live_view_counts_waiting_and_available_agents(
    app, client, agent, supervisor, sign_in
) -> None:
    start_chat(client)
    browser = sign_in("agent")
    view = supervisor.get("/api/v1/queues/supervision")
    assert view.status_code == 200, view.json
    body = view.json
    assert body["waiting"] == 1 and body["longest_wait_seconds"] >= 0
    by_id = {a["user_id"]: a for a in body["agents"]}
    assert by_id[str(browser.user_id)]["available"] is True
    assert by_id[str(agent.user_id)]["available"] is False  # a token, no signed-in session
    away = browser.api("PUT", "/api/v1/queues/presence", {"status": "away"})
    assert away.status_code == 200, away.json
    again = supervisor.get("/api/v1/queues/supervision").json
    mine = next(a for a in again["agents"] if a["user_id"] == str(browser.user_id))
    assert mine["presence"] == "away" and mine["available"] is False
    assert agent.get("/api/v1/queues/supervision").status_code == 403
