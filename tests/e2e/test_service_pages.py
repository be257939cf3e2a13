"""The studio's services page in a real Chromium: a process owner adds a service and changes
one, the page passing axe; a supervisor reads it without the forms."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask
from playwright.sync_api import expect

from journeys.catalogue import service
from kcc.db import db
from tests.e2e.conftest import check_page, sign_in


def test_a_process_owner_adds_and_changes_a_service(
    app: Flask, new_page: Callable[..., Any], user: Callable[[str], str]
) -> None:
    page = new_page()
    sign_in(page, user("process_owner"))
    page.get_by_role("link", name="Diensten").click()
    expect(page.get_by_role("heading", name="Diensten", exact=True)).to_be_visible()
    expect(page.locator("table")).to_contain_text("Afvalpas")
    expect(page.locator("table")).to_contain_text("geen actief team")  # the seed names Afval
    check_page(page, "journey-services")

    form = page.locator("#new-service-title + form")
    form.get_by_label("Sleutel").fill("rent-allowance-advice")
    form.get_by_label("Titel in het Nederlands").fill("Advies over huurtoeslag")
    form.get_by_label("Titel in het Engels").fill("Advice on rent allowance")
    form.get_by_label("Link").fill("https://www.nijmegen.nl/diensten/huurtoeslag/")
    form.get_by_label("Team dat een ja oppakt").select_option("Belastingen")
    form.get_by_role("button", name="Dienst toevoegen").click()
    row = page.locator("tr", has_text="rent-allowance-advice")
    expect(row).to_contain_text("Advies over huurtoeslag")
    expect(row).to_contain_text("Belastingen")

    row.get_by_text("Wijzigen").click()
    row.get_by_label("Titel in het Nederlands").fill("Huurtoeslag: advies")
    row.get_by_role("button", name="Wijzigingen opslaan").click()
    row = page.locator("tr", has_text="rent-allowance-advice")
    expect(row).to_contain_text("Huurtoeslag: advies")
    expect(row).to_contain_text("versie 2")
    check_page(page, "journey-services-changed")
    with app.app_context():
        try:
            entry = service("rent-allowance-advice")
            assert entry is not None and entry["team"] == "Belastingen"
        finally:
            db.remove()


def test_a_form_without_a_team_says_so_and_stores_nothing(
    app: Flask, new_page: Callable[..., Any], user: Callable[[str], str]
) -> None:
    page = new_page()
    sign_in(page, user("process_owner"))
    page.goto("/journey-services")
    form = page.locator("#new-service-title + form")
    form.get_by_label("Sleutel").fill("no-team-service")
    form.get_by_label("Titel in het Nederlands").fill("Zonder team")
    form.get_by_label("Titel in het Engels").fill("Without a team")
    form.get_by_role("button", name="Dienst toevoegen").click()
    expect(form.locator(".form-result")).to_contain_text("team")
    expect(page.locator("table")).not_to_contain_text("no-team-service")
    check_page(page, "journey-services-refused")


def test_a_supervisor_reads_the_services_without_forms(
    new_page: Callable[..., Any], user: Callable[[str], str]
) -> None:
    page = new_page()
    sign_in(page, user("supervisor"))
    page.goto("/journey-services")
    expect(page.locator("table")).to_contain_text("DigiD aanvragen")
    expect(page.locator("form.js-service")).to_have_count(0)
    check_page(page, "journey-services-read")
