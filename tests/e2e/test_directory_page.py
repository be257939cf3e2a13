"""The directory page in a real Chromium: an administrator gives a colleague their own e-mail
address, where callback requests for them are mailed; the page passes axe."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playwright.sync_api import expect

from tests.e2e.conftest import check_page, sign_in


def test_an_admin_gives_a_colleague_their_own_address(
    new_page: Callable[..., Any], user: Callable[[str], str]
) -> None:
    user("agent")  # "Test agent", the colleague
    admin = new_page()
    sign_in(admin, user("admin"))
    admin.goto("/directory")
    form = admin.locator("form", has=admin.locator("#email-address"))
    form.get_by_label("Medewerker").select_option(label="Test agent")
    form.get_by_label("E-mailadres").fill("test.agent@gemeente.nl")
    form.get_by_role("button", name="Opslaan").click()
    expect(admin.get_by_role("status")).to_contain_text("Opgeslagen.")
    expect(admin.locator("#email-user")).to_contain_text("Test agent (test.agent@gemeente.nl)")
    check_page(admin, "directory-own-address")
