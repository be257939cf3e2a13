"""Topics where agents register, in a real Chromium: a phone call registered in the customer
view and a conversation wrapped up at the desk, each with a topic picked by keyboard and one
suggested from the resident's words confirmed in one click, then shown on the timeline."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import expect

from channels.chat.limits import limiter
from tests.channels.queue_helpers import make_teams
from tests.e2e.conftest import act, check_page, sign_in
from tests.e2e.test_desk import _open_from_home, _resident_chats
from tests.e2e.test_topic_pages import _catalogue_and_answers
from tests.e2e.test_web import _api


@pytest.fixture()
def catalogue(app: Flask) -> dict[str, str]:
    with app.app_context():
        limiter.reset()
    make_teams(app, "KCC", "Parkeren")
    return _catalogue_and_answers(app)


def _pick_by_keyboard(page: Any, label: str, typed: str, option: str) -> None:
    box = page.get_by_label(label)
    box.fill(typed)
    expect(page.get_by_role("option", name=option)).to_be_visible()
    box.press("ArrowDown")
    box.press("Enter")


def test_a_phone_call_is_registered_with_a_picked_and_a_suggested_topic(
    new_page: Callable[..., Any], user: Callable[[str], str], catalogue: dict[str, str]
) -> None:
    page = new_page()
    sign_in(page, user("agent"))
    party = _api(page, "POST", "/api/v1/parties", {"type": "person", "surname": "Jansen"})
    page.goto(f"/parties/{party['id']}")
    page.get_by_text("Telefoongesprek of baliebezoek registreren").click()
    form = page.locator("form[data-kind=contact]")
    form.get_by_label("Onderwerp", exact=True).fill("Verhuizing en oude bank")
    form.get_by_label("Wat werd gevraagd en geantwoord").fill(
        "Ik ben verhuisd en wil mijn nieuwe adres doorgeven"
    )
    suggested = form.locator(".topic-picker__suggested")
    expect(suggested).to_contain_text("Voorgesteld:")
    suggested.get_by_role("button", name="Verhuizen").click()
    _pick_by_keyboard(form, "Onderwerpen van het contact", "grofv", "Grofvuil")
    chosen = form.locator(".topic-picker__chosen")
    expect(chosen).to_contain_text("Verhuizen")
    expect(chosen).to_contain_text("Grofvuil")
    expect(suggested.get_by_role("button", name="Verhuizen")).to_be_disabled()
    check_page(page, "register-with-topics")

    form.get_by_role("button", name="Registreren").click()
    expect(form.locator(".form-result")).to_have_text("Opgeslagen.")
    expect(chosen.locator("li")).to_have_count(0)  # the form starts again empty
    entry = page.locator("#timeline .timeline__item").filter(has_text="Verhuizing en oude bank")
    expect(entry.locator(".timeline__topics")).to_have_text(
        re.compile(r"Onderwerpen:\s+Verhuizen, Grofvuil"), timeout=10_000
    )
    check_page(page, "timeline-with-topics")


def test_a_wrap_up_confirms_the_conversations_topics_on_its_contact_moment(
    new_page: Callable[..., Any], user: Callable[[str], str], catalogue: dict[str, str]
) -> None:
    _resident_chats(new_page, "Ik ben verhuisd, hoe geef ik mijn adres door?")
    agent = new_page()
    sign_in(agent, user("agent"))
    _open_from_home(agent, "Ik ben verhuisd, hoe geef ik mijn adres door?")
    agent.get_by_label("Achternaam (verplicht)").fill("Visser")
    act(agent, "Registreren en koppelen")
    expect(agent.locator("#conversation-state").get_by_role("link", name="Visser")).to_be_visible(
        timeout=10_000
    )
    act(agent, "Oppakken")
    expect(agent.locator("#conversation-status")).to_contain_text("Opgepakt door", timeout=10_000)
    wrap = agent.locator("section[aria-labelledby=wrap-title]")
    wrap.get_by_label("Onderwerp (verplicht)").fill("Verhuizing doorgeven")
    wrap.locator(".topic-picker__suggested").get_by_role("button", name="Verhuizen").click()
    _pick_by_keyboard(wrap, "Onderwerpen van het gesprek", "grofv", "Grofvuil")
    expect(wrap.locator(".topic-picker__chosen")).to_contain_text("Grofvuil")
    check_page(agent, "wrap-up-with-topics")
    act(agent, "Afronden en sluiten", within=wrap)
    expect(agent.locator("#conversation-status")).to_contain_text("gesloten", timeout=10_000)

    agent.locator("#conversation-state").get_by_role("link", name="Visser").click()
    entry = agent.locator("#timeline .timeline__item").filter(has_text="Verhuizing doorgeven")
    expect(entry.locator(".timeline__topics")).to_have_text(
        re.compile(r"Onderwerpen:\s+Verhuizen, Grofvuil"), timeout=10_000
    )
    check_page(agent, "timeline-after-wrap-up-with-topics")
