"""A call rings into the console in a real Chromium: the agent sees it ringing without a
reload, takes it, and has the caller's view on screen at once."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from playwright.sync_api import expect

from tests.e2e.conftest import check_page, sign_in
from tests.fakes.twilio_server import deliver_signed, http_poster

PUBLIC = "http://kcc.test"


def _api(page: Any, method: str, path: str, body: dict) -> dict:
    result = page.evaluate("([m, p, b]) => window.KCC.api(m, p, b)", [method, path, body])
    assert result["ok"], result
    return result["data"]


def test_a_call_rings_in_and_the_agent_who_takes_it_sees_the_caller(
    new_page: Callable[..., Any], user: Callable[[str], str], live_server: str, fake_twilio: Any
) -> None:
    page = new_page()
    sign_in(page, user("agent"))
    page.goto("/agent")
    party = _api(
        page,
        "POST",
        "/api/v1/parties",
        {
            "type": "person",
            "given_names": "Johan",
            "surname": "de Boer",
            "digital_addresses": [{"kind": "phone", "address": "+31687654321"}],
        },
    )
    expect(page.get_by_text("Er gaat nu geen telefoon over.")).to_be_visible()
    call = {
        "CallSid": "CA" + secrets.token_hex(16),
        "AccountSid": fake_twilio.account_sid,
        "From": "+31687654321",
        "To": "+3114024",
        "CallStatus": "ringing",
    }
    post = http_poster(live_server)
    answer = deliver_signed(fake_twilio, post, PUBLIC, "/channels/twilio/voice", call)
    assert answer.status_code == 200 and "<Enqueue>KCC</Enqueue>" in answer.text

    take = page.get_by_role("button", name="Gesprek aannemen")
    expect(take).to_be_visible(timeout=8000)  # pushed to the open page, no reload
    expect(page.get_by_text("bekende beller")).to_be_visible()
    check_page(page, "call-ringing")

    take.click()
    page.wait_for_url(f"**/parties/{party['id']}")
    expect(page.get_by_role("heading", name="Johan de Boer").first).to_be_visible()
    check_page(page, "call-taken-caller-view")

    ended = {**call, "CallStatus": "completed", "CallDuration": "95"}
    assert (
        deliver_signed(
            fake_twilio, post, PUBLIC, "/channels/twilio/voice/status", ended
        ).status_code
        == 204
    )
    moments = _api(page, "GET", f"/api/v1/contact-moments?party={party['id']}", None)  # type: ignore[arg-type]
    assert [(m["channel"], m["outcome"]) for m in moments["items"]] == [("phone", "answered")]


def test_an_unknown_caller_opens_a_search_prefilled_with_the_number(
    new_page: Callable[..., Any], user: Callable[[str], str], live_server: str, fake_twilio: Any
) -> None:
    page = new_page()
    sign_in(page, user("agent"))
    call = {
        "CallSid": "CA" + secrets.token_hex(16),
        "AccountSid": fake_twilio.account_sid,
        "From": "+31611122233",
        "To": "+3114024",
        "CallStatus": "ringing",
    }
    deliver_signed(fake_twilio, http_poster(live_server), PUBLIC, "/channels/twilio/voice", call)
    page.goto("/agent")
    expect(page.get_by_text("onbekende beller")).to_be_visible()
    page.get_by_role("button", name="Gesprek aannemen").click()
    page.wait_for_url("**/agent?q=*")
    expect(page.get_by_label("BSN, telefoonnummer, e-mailadres of naam")).to_have_value(
        "+31611122233"
    )
    check_page(page, "call-unknown-caller-search")
