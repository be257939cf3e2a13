"""The shell alone (no channels, no journeys) in a real Chromium: every page works as it is."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playwright.sync_api import expect

from tests.e2e.conftest import check_page, sign_in


def test_agent_and_supervisor_pages_ask_for_nothing_that_is_not_there(
    new_page: Callable[..., Any], user: Callable[[str], str], bare_live_server: str
) -> None:
    page = new_page(base_url=bare_live_server)
    sign_in(page, user("agent"))
    page.wait_for_url("**/agent")
    expect(page.get_by_role("link", name="Reisstudio")).to_have_count(0)
    expect(page.get_by_role("heading", name="Mijn wachtrij")).to_have_count(0)
    check_page(page, "bare-agent-home")
    party = page.evaluate(
        "() => window.KCC.api('POST', '/api/v1/parties', {type: 'person', surname: 'Jansen'})"
    )
    assert party["ok"], party
    page.goto(f"/parties/{party['data']['id']}")
    expect(page.get_by_role("heading", name="Contactmomenten")).to_be_visible()
    expect(page.get_by_role("heading", name="Open gesprekken")).to_have_count(0)
    expect(page.get_by_role("heading", name="Reizen", exact=True)).to_have_count(0)
    page.locator("summary", has_text="Taak aanmaken").click()
    page.get_by_label("Gevraagde handeling").fill("Terugbellen over de afvalpas")
    page.get_by_role("button", name="Taak aanmaken").click()
    expect(page.get_by_text("Opgeslagen.")).to_be_visible()
    check_page(page, "bare-customer-view")

    supervisor = new_page(base_url=bare_live_server)
    sign_in(supervisor, user("supervisor"))
    supervisor.wait_for_url("**/dashboard")
    expect(supervisor.get_by_role("heading", name="Trechters van de reizen")).to_have_count(0)
    check_page(supervisor, "bare-dashboard")

    owner = new_page(base_url=bare_live_server)
    sign_in(owner, user("process_owner"))
    owner.wait_for_url("**/account/password")
    assert owner.goto("/studio").status == 404
