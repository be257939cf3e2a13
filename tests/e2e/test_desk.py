"""The front office in a real Chromium: an unknown resident's first chat answered and linked,
two agents seeing one take the conversation live, and a wrap-up that lands in the timeline."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import expect

from channels.chat.limits import limiter
from channels.conversations.canned import CannedInput, create_canned
from kcc.db import db
from tests.channels.queue_helpers import make_teams
from tests.e2e.conftest import act, check_page, sign_in


@pytest.fixture(autouse=True)
def teams(app: Flask) -> None:
    with app.app_context():
        limiter.reset()
    make_teams(app, "KCC", "Parkeren")


def _resident_chats(new_page: Callable[..., Any], text: str) -> Any:
    resident = new_page(viewport={"width": 390, "height": 844})
    resident.goto("/chat")
    resident.get_by_label("Ja, de gemeente mag deze chat bewaren om mij te helpen.").check()
    resident.get_by_role("button", name="Chat starten").click()
    resident.get_by_label("Uw bericht").fill(text)
    resident.get_by_role("button", name="Versturen").click()
    expect(resident.locator("#chat-messages")).to_contain_text(text)
    return resident


def _open_from_home(agent: Any, subject: str) -> None:
    agent.goto("/agent")
    link = agent.locator("#queue-unassigned").get_by_role("link", name=subject)
    expect(link).to_be_visible(timeout=10_000)
    link.click()
    agent.wait_for_url("**/conversations/*")


def test_an_unknown_residents_first_chat_is_answered_and_linked(
    new_page: Callable[..., Any], user: Callable[[str], str], app: Flask
) -> None:
    with app.app_context():
        create_canned(CannedInput("KCC", "Afspraak", "Dag {name}, maak een afspraak. Uw naam?"))
        db.commit()
        db.remove()
    resident = _resident_chats(new_page, "Mijn paspoort is verlopen")
    agent = new_page()
    sign_in(agent, user("agent"))
    _open_from_home(agent, "Mijn paspoort is verlopen")
    state = agent.locator("#conversation-state")
    expect(state).to_contain_text("Mijn paspoort is verlopen")
    expect(state).to_contain_text("Nog niet gekoppeld aan een inwoner")
    check_page(agent, "desk-unknown-chat")
    agent.get_by_label("Standaardantwoord").select_option(label="Afspraak")
    expect(agent.get_by_label("Antwoorden via chat")).to_have_value(
        "Dag inwoner, maak een afspraak. Uw naam?"
    )
    agent.get_by_role("button", name="Antwoord versturen").click()
    expect(state).to_contain_text("Uw naam?", timeout=10_000)
    expect(resident.locator("#chat-messages")).to_contain_text("Uw naam?", timeout=10_000)
    resident.get_by_label("Uw bericht").fill("Ik ben Fatima el Amrani")
    resident.get_by_role("button", name="Versturen").click()
    expect(state).to_contain_text("Ik ben Fatima el Amrani", timeout=10_000)  # live
    agent.get_by_label("Voornamen").fill("Fatima")
    agent.get_by_label("Tussenvoegsel").fill("el")
    agent.get_by_label("Achternaam (verplicht)").fill("Amrani")
    act(agent, "Registreren en koppelen")
    expect(state.get_by_role("link", name="Fatima el Amrani")).to_be_visible(timeout=10_000)
    agent.get_by_label("Notitie voor collega").fill("Paspoort verlopen in maart")
    act(agent, "Notitie opslaan")
    expect(state).to_contain_text("Paspoort verlopen in maart", timeout=10_000)
    expect(resident.locator("#chat-messages")).not_to_contain_text("Paspoort verlopen")
    for line in ("Mijn paspoort is verlopen", "Uw naam?", "Ik ben Fatima el Amrani"):
        expect(state).to_contain_text(line)  # nothing lost by identifying
    check_page(agent, "desk-chat-linked")
    state.get_by_role("link", name="Fatima el Amrani").click()
    expect(agent.locator("main")).to_contain_text("Ik ben Fatima el Amrani", timeout=10_000)


def test_two_agents_see_one_take_the_conversation_live(
    new_page: Callable[..., Any], user: Callable[[str], str], app: Flask
) -> None:
    _resident_chats(new_page, "Vraag over afval")
    first, second = new_page(), new_page()
    sign_in(first, user("agent"))
    sign_in(second, user("supervisor"))
    _open_from_home(first, "Vraag over afval")
    second.goto(first.url)
    expect(second.locator("#conversation-status")).to_contain_text("Nog door niemand opgepakt")
    second.wait_for_timeout(500)  # the stream is open before the take
    act(first, "Oppakken")
    expect(first.locator("#conversation-status")).to_contain_text(
        "Opgepakt door Test agent", timeout=10_000
    )
    # The second browser was not reloaded: the live stream refreshed its state.
    expect(second.locator("#conversation-status")).to_contain_text(
        "Opgepakt door Test agent", timeout=10_000
    )
    second.get_by_role("button", name="Oppakken").click()
    # The page asks the API in its own language: who has it, in Dutch, and nothing in English.
    result = second.locator("#take-button ~ .form-result")
    expect(result).to_contain_text("Test agent heeft dit gesprek al overgenomen")
    expect(result).not_to_contain_text("taken this conversation")
    expect(result).not_to_contain_text("(")
    check_page(second, "desk-taken-live")


def test_a_wrap_up_shows_in_the_customer_views_timeline(
    new_page: Callable[..., Any], user: Callable[[str], str]
) -> None:
    _resident_chats(new_page, "Hallo")
    agent = new_page()
    sign_in(agent, user("agent"))
    _open_from_home(agent, "Hallo")
    agent.get_by_label("Achternaam (verplicht)").fill("Visser")
    act(agent, "Registreren en koppelen")
    expect(agent.locator("#conversation-state").get_by_role("link", name="Visser")).to_be_visible(
        timeout=10_000
    )
    act(agent, "Oppakken")
    expect(agent.locator("#conversation-status")).to_contain_text("Opgepakt door", timeout=10_000)
    agent.get_by_label("Onderwerp (verplicht)").fill("")
    agent.get_by_role("button", name="Afronden en sluiten").click()
    expect(agent.get_by_label("Onderwerp (verplicht)")).to_be_focused()  # required: not sent
    agent.get_by_label("Onderwerp (verplicht)").fill("Rijbewijs verlengen")
    agent.get_by_label("Resultaat").select_option("answered")
    check_page(agent, "desk-wrap-up")
    act(agent, "Afronden en sluiten")
    expect(agent.locator("#conversation-status")).to_contain_text("gesloten", timeout=10_000)
    agent.locator("#conversation-state").get_by_role("link", name="Visser").click()
    expect(agent.locator("main")).to_contain_text("Rijbewijs verlengen", timeout=10_000)
    check_page(agent, "desk-timeline-after-wrap-up")
