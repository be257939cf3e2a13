"""The conversations pages through signed-in test clients: who may open them, what they show,
and that an unidentified chat opens like any other."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask

from channels.chat.limits import limiter
from tests.channels.queue_helpers import make_teams, start_chat
from tests.web.conftest import Browser


@pytest.fixture(autouse=True)
def teams(app: Flask) -> None:
    with app.app_context():
        limiter.reset()
    make_teams(app, "KCC", "Parkeren")


def _conversation_id(browser: Browser) -> str:
    listed = browser.client.get("/api/v1/conversations").get_json()
    return str(listed["items"][0]["id"])


def test_an_unidentified_chat_opens_with_its_messages_and_controls(
    client, sign_in: Callable[..., Browser]
) -> None:
    start_chat(client, text="Ik wil <b>verhuizen</b>")
    browser = sign_in("agent")
    conversation = _conversation_id(browser)
    queue = browser.client.get("/conversations?team=KCC")
    assert queue.status_code == 200
    html = queue.get_data(as_text=True)
    assert f"/conversations/{conversation}" in html and "1 ongelezen" in html
    page = browser.client.get(f"/conversations/{conversation}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Ik wil &lt;b&gt;verhuizen&lt;/b&gt;" in html  # escaped, never markup
    for control in ("Oppakken", "Overdragen", "Uitstellen", "Afronden", "Registreren en koppelen"):
        assert control in html, control
    assert f'data-live-topic="conversation:{conversation}"' in html
    fragment = browser.client.get(f"/conversations/{conversation}/fragment")
    assert fragment.status_code == 200 and "verhuizen" in fragment.get_data(as_text=True)
    again = browser.client.get("/conversations?team=KCC").get_data(as_text=True)
    assert "1 ongelezen" not in again  # opening it read it


def test_the_pages_need_the_right_role(client, sign_in: Callable[..., Browser]) -> None:
    start_chat(client)
    agent = sign_in("agent")
    conversation = _conversation_id(agent)
    owner = sign_in("process_owner")
    for path in (
        "/conversations",
        f"/conversations/{conversation}",
        "/conversations/fragments/queue",
    ):
        assert owner.client.get(path).status_code == 403, path
    assert agent.client.get("/conversations/fragments/supervision").status_code == 403
    supervisor = sign_in("supervisor")
    live = supervisor.client.get("/conversations/fragments/supervision")
    assert live.status_code == 200 and "Medewerkers beschikbaar: 2" in live.get_data(as_text=True)
    dashboard = supervisor.client.get("/dashboard").get_data(as_text=True)
    assert 'data-live-topic="supervision"' in dashboard
    assert client.get("/conversations").status_code == 302  # signed out: to sign-in
