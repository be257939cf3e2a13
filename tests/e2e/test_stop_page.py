"""The residents' page behind the link in a proactive message: plain, accessible, one click."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask
from playwright.sync_api import expect
from sqlalchemy import select

from kcc.db import db, unit_of_work
from tests.conftest import valid_bsn
from tests.e2e.conftest import check_page
from tests.journeys.conftest import SMALL, load, to_yaml


def _token(app: Flask) -> str:
    from journeys.constants import CauseType
    from journeys.engine import Cause, start
    from journeys.suggestions.models import Suggestion
    from journeys.suggestions.withdrawal import link_token
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
                    surname="Jansen",
                    bsn=valid_bsn(777),
                    preferred_channel="sms",
                    digital_addresses=[AddressInput(kind="phone", address="+31612398765")],
                )
            )
            grant_consent(
                party.uuid, ConsentInput(purpose="proactive-test", channel="sms", method="counter")
            )
            party_id = party.id
        with unit_of_work():
            start(party_id, "small", Cause(CauseType.SYSTEM, None, "e2e"), "e2e-start")
        suggestion = db.session().scalars(select(Suggestion)).one()
        token = link_token(suggestion.uuid, "nl")
        db.remove()
    return token


def test_the_stop_page_withdraws_in_one_click_and_passes_axe(
    app: Flask, new_page: Callable[..., Any]
) -> None:
    token = _token(app)
    page = new_page()
    page.goto(f"/stop/{token}")
    expect(page.get_by_role("heading", name="Berichten van de gemeente")).to_be_visible()
    check_page(page, "stop-page")
    page.get_by_role("button", name="Geen berichten meer over dit onderwerp").click()
    expect(page.get_by_role("status")).to_contain_text("Klaar.")
    check_page(page, "stop-page-done")
    page.goto(f"/stop/{token}?lang=en")
    expect(page.get_by_role("button", name="I object: stop using my life events")).to_be_visible()
    check_page(page, "stop-page-en")
    page.goto("/stop/not-a-real-link")
    expect(page.get_by_role("heading", name="Deze link werkt niet")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("Er is niets veranderd")
    check_page(page, "stop-page-problem")
