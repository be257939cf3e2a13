"""Fixtures for the channel tests: the fake Twilio server and helpers to sign and count."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from channels.config import EXTENSION
from kcc.db import db
from tests.fakes.twilio_server import FakeTwilio, deliver_signed, flask_poster

PUBLIC = "http://kcc.test"
SMS_PATH = "/channels/twilio/sms"


@pytest.fixture()
def fake_twilio(app: Flask) -> Iterator[FakeTwilio]:
    fake = FakeTwilio(hang_seconds=1.5).start()
    settings = app.config["KCC_SETTINGS"]
    channels = app.extensions[EXTENSION]
    app.config["KCC_SETTINGS"] = dataclasses.replace(settings, twilio_api_base_url=fake.base_url)
    app.extensions[EXTENSION] = dataclasses.replace(channels, twilio_timeout_seconds=0.5)
    try:
        yield fake
    finally:
        app.config["KCC_SETTINGS"] = settings
        app.extensions[EXTENSION] = channels
        fake.stop()


@pytest.fixture()
def channel_settings(app: Flask) -> Iterator[Any]:
    """Change channel settings for one test: ``channel_settings(quiet_period_minutes=0)``."""
    original = app.extensions[EXTENSION]

    def change(**values: Any) -> None:
        app.extensions[EXTENSION] = dataclasses.replace(app.extensions[EXTENSION], **values)

    yield change
    app.extensions[EXTENSION] = original


@pytest.fixture()
def text_in(client: Any, fake_twilio: FakeTwilio) -> Any:
    """Deliver a signed inbound SMS through the test client."""

    def send(sender: str, body: str, **extra: str) -> Any:
        form = fake_twilio.inbound_form(sender, body, **extra)
        response = deliver_signed(fake_twilio, flask_poster(client), PUBLIC, SMS_PATH, form)
        response.form = form
        return response

    return send


def count(app: Flask, model: Any, *where: Any) -> int:
    with app.app_context():
        found = db.session().scalar(select(func.count()).select_from(model).where(*where))
        db.remove()
        return int(found or 0)
