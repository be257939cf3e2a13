"""Fixtures for the page tests: users with passwords and signed-in test clients."""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from kcc.auth.models import WebSession
from kcc.auth.passwords import hash_password
from kcc.auth.services import create_user
from kcc.db import db

PASSWORD = "demo-wachtwoord"
CSRF = re.compile(r'name="csrf-token" content="([^"]+)"')


@dataclass
class Browser:
    """A test client with a signed-in session and its CSRF token."""

    client: FlaskClient
    name: str
    user_id: uuid.UUID
    csrf: str

    def api(self, method: str, path: str, json: object = None, csrf: bool = True) -> object:
        headers = {"X-CSRF-Token": self.csrf} if csrf else {}
        return self.client.open(path, method=method, json=json, headers=headers)


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "the page carries no CSRF token"
    return found.group(1)


@pytest.fixture()
def make_user(app: Flask) -> Callable[..., tuple[str, uuid.UUID]]:
    def make(role: str = "agent", team: str | None = "KCC") -> tuple[str, uuid.UUID]:
        name = f"{role}-{uuid.uuid4().hex[:6]}"
        with app.app_context():
            user, _ = create_user(name, role, team=team, password_hash=hash_password(PASSWORD))
            db.commit()
            user_id = user.uuid
            db.remove()
        return name, user_id

    return make


@pytest.fixture()
def sign_in(app: Flask, make_user: Callable[..., tuple[str, uuid.UUID]]) -> Callable[..., Browser]:
    def signed_in(role: str = "agent") -> Browser:
        client = app.test_client()
        name, user_id = make_user(role)
        token = csrf_of(client.get("/sign-in").get_data(as_text=True))
        response = client.post(
            "/sign-in", data={"name": name, "password": PASSWORD, "csrf_token": token}
        )
        assert response.status_code == 302, response.get_data(as_text=True)
        page = client.get("/account/password")
        return Browser(client, name, user_id, csrf_of_session(client, page))

    return signed_in


def csrf_of_session(client: FlaskClient, _page: object) -> str:
    with client.session_transaction() as session:
        return str(session["csrf"])


def session_row(app: Flask, browser: Browser) -> WebSession:
    """The server-side session of a signed-in test client (detached, read-only)."""
    with browser.client.session_transaction() as cookie:
        key = str(cookie["sid"])
    with app.app_context():
        row = db.session().scalar(
            select(WebSession).where(
                WebSession.key_hash == hashlib.sha256(key.encode()).hexdigest()
            )
        )
        assert row is not None, "no server-side session for this cookie"
        db.session().expunge(row)
        db.remove()
    return row


def age_session(
    app: Flask, browser: Browser, idle: timedelta = timedelta(0), age: timedelta = timedelta(0)
) -> None:
    """Move the server-side session's clock back: last used ``idle`` ago, started ``age`` ago."""
    row = session_row(app, browser)
    now = datetime.now(UTC)
    with app.app_context():
        db.session().execute(
            update(WebSession)
            .where(WebSession.id == row.id)
            .values(last_seen_at=now - idle, created_at=now - max(age, idle))
        )
        db.commit()
        db.remove()
