"""The browser keeps the session cookie no longer than the server keeps the session."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

from flask import Flask

from kcc.auth.sessions import ABSOLUTE
from tests.web.conftest import PASSWORD, csrf_of


def test_session_cookie_expires_with_the_servers_absolute_session_end(
    app: Flask, make_user: Callable
) -> None:
    client = app.test_client()
    name, _ = make_user("agent")
    token = csrf_of(client.get("/sign-in").get_data(as_text=True))
    response = client.post(
        "/sign-in", data={"name": name, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    expires = next(p for p in cookie.split("; ") if p.startswith("Expires="))[len("Expires=") :]
    lifetime = parsedate_to_datetime(expires) - datetime.now(UTC)
    assert ABSOLUTE - timedelta(minutes=1) < lifetime <= ABSOLUTE
    assert timedelta(hours=10) == ABSOLUTE
