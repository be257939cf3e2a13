"""Live pages in a real Chromium: a registration stored once and shown at once, a page left
open that idles out with a warning and keeps the note, and an open customer view that writes
no processing-log rows while nothing happens."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import expect
from sqlalchemy import func, select

from kcc.contacts.models import ContactMoment
from kcc.db import db
from kcc.live.stream import StreamTiming
from kcc.privacy.models import ProcessingRecord
from tests.e2e.conftest import PASSWORD, check_page, sign_in


def _api(page: Any, method: str, path: str, body: dict | None) -> dict:
    result = page.evaluate("([m, p, b]) => window.KCC.api(m, p, b)", [method, path, body])
    assert result["ok"], result
    return result["data"]


def _count(app: Flask, model: type) -> int:
    with app.app_context():
        found = db.session().scalar(select(func.count()).select_from(model))
        db.remove()
    return int(found or 0)


def _resident(page: Any) -> str:
    party = _api(
        page,
        "POST",
        "/api/v1/parties",
        {"type": "person", "given_names": "Sanne", "surname": "de Vries"},
    )
    return str(party["id"])


@pytest.fixture()
def short_sessions(app: Flask) -> Iterator[int]:
    """Sessions that idle out after 14 seconds; streams with a heartbeat every second."""
    app.config["KCC_SESSION_IDLE_SECONDS"] = 14
    app.config["KCC_LIVE_TIMING"] = StreamTiming(heartbeat_seconds=1.0, max_seconds=60.0)
    try:
        yield 14
    finally:
        app.config.pop("KCC_SESSION_IDLE_SECONDS", None)
        app.config.pop("KCC_LIVE_TIMING", None)


def test_a_double_click_registers_one_contact_moment_that_shows_without_reload(
    app: Flask, new_page: Callable[..., Any], user: Callable[[str], str]
) -> None:
    page = new_page()
    sign_in(page, user("agent"))
    party = _resident(page)
    page.goto(f"/parties/{party}")
    expect(page.locator("body")).to_have_attribute("data-live-state", "open")
    before = _count(app, ContactMoment)

    page.get_by_text("Telefoongesprek of baliebezoek registreren").click()
    page.get_by_label("Onderwerp", exact=True).fill("Parkeervergunning verlengen")
    page.get_by_label("Wat werd gevraagd en geantwoord").fill("Uitgelegd hoe het online kan.")
    page.get_by_role("button", name="Registreren").dblclick()

    timeline = page.locator("#timeline")
    expect(timeline).to_contain_text("Parkeervergunning verlengen", timeout=8000)
    expect(page.get_by_label("Onderwerp", exact=True)).to_have_value("")
    expect(page.locator("#live-announcer")).to_have_text("De contactmomenten zijn bijgewerkt.")
    page.wait_for_timeout(500)
    assert _count(app, ContactMoment) == before + 1
    assert timeline.get_by_text("Parkeervergunning verlengen").count() == 1
    check_page(page, "customer-view-registered-live")

    # The same form sends a new key for the next registration: a second one is stored too.
    page.get_by_label("Onderwerp", exact=True).fill("Tweede vraag")
    page.get_by_role("button", name="Registreren").click()
    expect(timeline).to_contain_text("Tweede vraag", timeout=8000)
    assert _count(app, ContactMoment) == before + 2


def test_an_open_customer_view_writes_nothing_to_the_log_while_nothing_happens(
    app: Flask, new_page: Callable[..., Any], user: Callable[[str], str]
) -> None:
    page = new_page()
    sign_in(page, user("agent"))
    party = _resident(page)
    page.goto(f"/parties/{party}")
    expect(page.locator("body")).to_have_attribute("data-live-state", "open")
    page.wait_for_timeout(500)
    opened = _count(app, ProcessingRecord)
    page.wait_for_timeout(6000)
    assert _count(app, ProcessingRecord) == opened


def test_a_page_left_open_warns_before_signing_out_and_keeps_the_note(
    app: Flask, new_page: Callable[..., Any], user: Callable[[str], str], short_sessions: int
) -> None:
    name = user("agent")
    page = new_page()
    sign_in(page, name)
    party = _resident(page)
    page.goto(f"/parties/{party}")
    page.get_by_text("Telefoongesprek of baliebezoek registreren").click()
    page.get_by_label("Onderwerp", exact=True).fill("Vraag over de afvalpas")
    page.get_by_label("Wat werd gevraagd en geantwoord").fill("Bewoner belt terug na de vakantie.")

    dialog = page.get_by_role("dialog", name="U wordt zo afgemeld")
    expect(dialog).to_be_visible(timeout=short_sessions * 1000)
    expect(dialog.get_by_role("button", name="Aangemeld blijven")).to_be_focused()
    check_page(page, "session-warning")

    # Nothing is done: the session ends, the page says so and offers to sign in again.
    ended = page.get_by_role("dialog", name="U bent afgemeld")
    expect(ended).to_be_visible(timeout=short_sessions * 1000)
    check_page(page, "session-ended")
    ended.get_by_role("button", name="Opnieuw aanmelden").click()
    page.wait_for_url(re.compile(r"/sign-in\?next="))
    page.get_by_label("Gebruikersnaam").fill(name)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(f"**/parties/{party}")

    expect(page.get_by_label("Onderwerp", exact=True)).to_have_value("Vraag over de afvalpas")
    expect(page.get_by_label("Wat werd gevraagd en geantwoord")).to_have_value(
        "Bewoner belt terug na de vakantie."
    )
    expect(page.get_by_text(re.compile("Wat u typte voordat u opnieuw aanmeldde"))).to_be_visible()
    check_page(page, "session-note-restored")


def test_staying_signed_in_keeps_the_session(
    app: Flask, new_page: Callable[..., Any], user: Callable[[str], str], short_sessions: int
) -> None:
    page = new_page()
    sign_in(page, user("agent"))
    page.goto("/agent")
    dialog = page.get_by_role("dialog", name="U wordt zo afgemeld")
    expect(dialog).to_be_visible(timeout=short_sessions * 1000)
    dialog.get_by_role("button", name="Aangemeld blijven").click()
    expect(dialog).to_be_hidden()
    page.wait_for_timeout(6000)  # past the first idle-out
    expect(page.get_by_role("dialog", name="U bent afgemeld")).to_be_hidden()
    assert _api(page, "GET", "/api/v1/me", None)["name"]
