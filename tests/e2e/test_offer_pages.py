"""The residents' answer page and the agents' approval queue in a real browser: plain,
accessible (axe), and operable with the keyboard alone."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from flask import Flask
from playwright.sync_api import expect
from sqlalchemy import select

from kcc.db import db, unit_of_work
from tests.conftest import valid_bsn
from tests.e2e.conftest import check_page, sign_in
from tests.journeys.conftest import SMALL, load, to_yaml


def _resident_with_offers(
    app: Flask, seed: int, surname: str, offers: int, **extra: str
) -> list[Any]:
    """A resident with consent on the small journey, and ``offers`` waste-pass offers."""
    from journeys.constants import CauseType
    from journeys.engine import Cause, start
    from journeys.models import JourneyInstance
    from journeys.suggestions.services import offer
    from kcc.consent.services import ConsentInput, grant_consent
    from kcc.parties.services import AddressInput, PartyInput, register_party
    from kcc.privacy.activities import Activity
    from kcc.privacy.context import system_processing

    load(app, to_yaml(SMALL))
    with app.app_context(), system_processing("e2e", Activity.PROACTIVE_SERVICE):
        with unit_of_work():
            party = register_party(
                PartyInput(
                    type="person",
                    surname=surname,
                    bsn=valid_bsn(seed),
                    preferred_channel="sms",
                    digital_addresses=[AddressInput(kind="phone", address=f"+3161239{seed:04d}")],
                )
            )
            grant_consent(
                party.uuid, ConsentInput(purpose="proactive-test", channel="sms", method="counter")
            )
            party_id, party_uuid = party.id, party.uuid
        with unit_of_work():
            start(party_id, "small", Cause(CauseType.SYSTEM, None, "e2e"), f"e2e-{seed}")
        with unit_of_work() as session:
            instance = session.scalars(
                select(JourneyInstance).where(JourneyInstance.party_id == party_id)
            ).one()
            made = offer(
                str(uuid.uuid4()),
                {
                    "party_id": str(party_uuid),
                    "instance_id": str(instance.uuid),
                    "journey": "small",
                    "version": 1,
                    "state": "waiting",
                    "suggestions": [
                        {
                            "service": "waste-pass",
                            "text": {"nl": f"Afvalpas {surname} {i}", "en": f"Waste pass {i}"},
                            "consent_purpose": "proactive-test",
                            **extra,
                        }
                        for i in range(offers)
                    ],
                },
            )
            found = [s.uuid for s in made]
        db.remove()
    return found


def test_the_answer_page_says_yes_in_one_click_and_passes_axe(
    app: Flask, new_page: Callable[..., Any]
) -> None:
    from journeys.suggestions.acceptance import answer_token

    [suggestion] = _resident_with_offers(app, 881, "Bakker", 1)
    with app.app_context():
        token = answer_token(suggestion, "nl")
    page = new_page()
    page.goto(f"/offer/{token}")
    expect(page.get_by_role("heading", name="Een aanbod van de gemeente")).to_be_visible()
    expect(page.get_by_text("Afvalpas Bakker 0")).to_be_visible()
    check_page(page, "offer-page")
    # The keyboard alone: tab to the yes button and press Enter.
    yes = page.get_by_role("button", name="Ja, ik wil hier hulp bij")
    for _ in range(10):
        page.keyboard.press("Tab")
        if yes.evaluate("b => b === document.activeElement"):
            break
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Dank u wel. U zei ja.")
    check_page(page, "offer-page-accepted")
    page.goto(f"/offer/{token}")
    expect(page.get_by_role("status")).to_contain_text("Dit is al geregeld")
    expect(page.get_by_role("button", name="Ja, ik wil hier hulp bij")).to_have_count(0)
    page.goto(f"/offer/{token}?lang=en")
    expect(page.get_by_role("status")).to_contain_text("This has already been arranged")
    check_page(page, "offer-page-en")
    page.goto("/offer/not-a-real-link")
    expect(page.get_by_role("heading", name="Deze link werkt niet")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("Er is niets veranderd")
    check_page(page, "offer-page-problem")


def test_the_approval_queue_is_in_the_menu_and_works_by_keyboard(
    app: Flask, new_page: Callable[..., Any], user: Callable[[str], str]
) -> None:
    first = _resident_with_offers(app, 882, "Visser", 1, approval="agent")
    second = _resident_with_offers(app, 883, "Smit", 1, approval="agent")
    page = new_page()
    sign_in(page, user("agent"))
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name="Aanbiedingen goedkeuren"
    ).click()
    expect(page.get_by_role("heading", name="Aanbiedingen goedkeuren", level=1)).to_be_visible()
    expect(page.locator(f"#approval-{first[0]}")).to_contain_text("Visser")
    expect(page.locator(f"#approval-{second[0]}")).to_contain_text("Smit")
    check_page(page, "approval-queue")

    approve = page.locator(f"#approval-{first[0]}").get_by_role(
        "button", name="Goedkeuren en versturen"
    )
    approve.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Goedgekeurd: ")
    expect(page.locator(f"#approval-{first[0]}")).to_have_count(0)
    # Focus moved on to the next offer's first button; Space on the next one withholds it.
    expect(page.locator(f"#approval-{second[0]}").get_by_role("button").first).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press(" ")
    expect(page.get_by_role("status")).to_contain_text("Niet verstuurd: ")
    expect(page.get_by_text("Er wachten geen aanbiedingen op goedkeuring.")).to_be_visible()
    expect(page.get_by_role("status")).to_be_focused()
    check_page(page, "approval-queue-done")
    page.reload()
    expect(page.get_by_text("Er wachten geen aanbiedingen op goedkeuring.")).to_be_visible()
