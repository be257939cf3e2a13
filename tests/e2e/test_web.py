"""People using the pages in a real Chromium: agents, residents, process owners and supervisors."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask
from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, check_page, sign_in
from tests.fakes.twilio_server import callback_path, deliver_signed, http_poster

PUBLIC = "http://kcc.test"
ENDED = re.compile(r"/sign-in\?next=(%2F|/)agent$")
ROOT = Path(__file__).resolve().parents[2]


def _api(page: Any, method: str, path: str, body: dict) -> dict:
    """Call the API from the signed-in page, as the page's own script does."""
    result = page.evaluate("([m, p, b]) => window.KCC.api(m, p, b)", [method, path, body])
    assert result["ok"], result
    return result["data"]


def test_agent_finds_a_resident_by_phone_and_answers_an_sms(
    new_page: Callable[..., Any], user: Callable[[str], str], live_server: str, fake_twilio: Any
) -> None:
    page = new_page()
    sign_in(page, user("agent"))
    check_page(page, "agent-home")
    party = _api(
        page,
        "POST",
        "/api/v1/parties",
        {
            "type": "person",
            "given_names": "Fatima",
            "surname": "El Amrani",
            "bsn": "123456782",
            "digital_addresses": [{"kind": "phone", "address": "+31612345678"}],
        },
    )
    inbound = fake_twilio.inbound_form("+31612345678", "Wanneer wordt het grofvuil opgehaald?")
    assert (
        deliver_signed(
            fake_twilio, http_poster(live_server), PUBLIC, "/channels/twilio/sms", inbound
        ).status_code
        == 200
    )

    page.get_by_label("BSN, telefoonnummer, e-mailadres of naam").fill("06-12345678")
    page.get_by_role("button", name="Zoeken", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Gezocht op telefoon: 1 gevonden.")
    page.get_by_role("link", name="Fatima El Amrani").click()
    page.wait_for_url(f"**/parties/{party['id']}")
    expect(page.get_by_text("Wanneer wordt het grofvuil opgehaald?").first).to_be_visible()
    check_page(page, "customer-view")

    page.get_by_label(re.compile("Antwoorden via")).fill("Volgende week dinsdag komen we langs.")
    page.get_by_role("button", name="Antwoord versturen").click()
    expect(page.get_by_text("Antwoord klaargezet.")).to_be_visible()
    deadline = 50
    while not fake_twilio.sent() and deadline:
        page.wait_for_timeout(100)
        deadline -= 1
    sent = fake_twilio.sent()[-1]
    assert sent.body == "Volgende week dinsdag komen we langs." and sent.to == "+31612345678"
    reply = page.locator(".message--outbound").filter(has_text="Volgende week dinsdag")
    expect(reply.locator("[data-status]")).to_have_text(
        re.compile("verstuurd|in de wachtrij|wordt verstuurd")
    )
    status = fake_twilio.status_form(sent, "delivered")
    assert (
        deliver_signed(
            fake_twilio, http_poster(live_server), PUBLIC, callback_path(sent, PUBLIC), status
        ).status_code
        < 300
    )
    expect(reply.locator("[data-status]")).to_have_text("afgeleverd", timeout=8000)


def test_resident_chats_and_sees_the_agents_reply_without_reload(
    new_page: Callable[..., Any], user: Callable[[str], str]
) -> None:
    resident = new_page(viewport={"width": 390, "height": 844})
    resident.goto("/chat")
    check_page(resident, "chat-start")
    resident.get_by_role("button", name="Chat starten").click()
    expect(resident.get_by_role("alert")).to_have_text("Zet eerst een vinkje in het vakje.")
    resident.get_by_label("Ja, de gemeente mag deze chat bewaren om mij te helpen.").check()
    resident.get_by_role("button", name="Chat starten").click()
    resident.get_by_label("Uw bericht").fill("Hoe laat is de Stadswinkel open? <b>vet</b>")
    resident.get_by_role("button", name="Versturen").click()
    expect(resident.locator("#chat-messages")).to_contain_text("<b>vet</b>")
    check_page(resident, "chat-window")

    agent = new_page()
    sign_in(agent, user("agent"))
    conversations = _api(agent, "GET", "/api/v1/conversations?channel=chat", None)  # type: ignore[arg-type]
    chat = next(c for c in conversations["items"] if c["channel"] == "chat")
    _api(
        agent,
        "POST",
        f"/api/v1/conversations/{chat['id']}/messages",
        {"body": "Vandaag tot 17:00 uur."},
    )
    expect(resident.locator("#chat-messages")).to_contain_text(
        "Vandaag tot 17:00 uur.", timeout=10000
    )
    assert resident.locator("#chat-messages b").count() == 0


def _birth(key: str) -> str:
    text = (ROOT / "journeys" / "definitions" / "birth.yaml").read_text(encoding="utf-8")
    return text.replace("key: birth", f"key: {key}", 1).replace(
        "  name: birth", f"  name: {key.replace('-', '_')}", 1
    )


def test_process_owner_fixes_a_broken_journey_simulates_and_publishes(
    new_page: Callable[..., Any], user: Callable[[str], str]
) -> None:
    page = new_page()
    sign_in(page, user("process_owner"))
    page.wait_for_url("**/studio")
    check_page(page, "studio")
    good = _birth("e2e-birth")
    broken = good.replace("service: child-benefit", "service: no-such-service", 1)
    page.get_by_label("Reisdocument (YAML)").fill(broken)
    page.get_by_role("button", name="Controleren en opslaan als concept").click()
    problems = page.locator(".problems li")
    expect(problems.first).to_be_visible()
    expect(page.locator(".listing__error").first).to_be_visible()
    check_page(page, "studio-errors")
    expect(page.locator(".listing__error").first).to_contain_text("no-such-service")
    expect(problems.first).to_contain_text("regel")

    page.get_by_label("Reisdocument (YAML)").fill(good)
    page.get_by_role("button", name="Controleren en opslaan als concept").click()
    page.wait_for_url("**/studio/e2e-birth")
    expect(page.locator("[data-version-status='1']")).to_have_text("concept")
    page.get_by_label(re.compile("Gebeurtenissen, één per regel")).fill(
        "health_visit_done\nbenefits_arranged"
    )
    page.get_by_role("button", name="Simuleren").click()
    expect(page.locator(".sim-path")).to_contain_text("consultation")
    expect(page.locator(".sim-path")).to_contain_text("done")
    page.get_by_role("button", name="Publiceren 1").click()
    expect(page.locator("#upload-result")).to_contain_text("is niet goedgekeurd")
    page.get_by_role("button", name="Goedkeuren 1").click()
    expect(page.locator("#upload-result")).to_contain_text("vier ogen")
    reviewer = new_page()
    sign_in(reviewer, user("process_owner"))
    reviewer.goto("/studio/e2e-birth")
    reviewer.get_by_role("button", name="Goedkeuren 1").click()
    expect(reviewer.locator("#upload-result")).to_contain_text("Goedgekeurd")
    page.reload()
    page.get_by_role("button", name="Publiceren 1").click()
    expect(page.locator("[data-version-status='1']")).to_have_text("gepubliceerd")
    check_page(page, "studio-journey")

    # A second version: the studio shows what changed, readable.
    second = good.replace("version: 1", "version: 2", 1).replace(
        "nl: Geboorte van een kind", "nl: Een kind is geboren", 1
    )
    page.get_by_label("Reisdocument (YAML)").fill(second)
    page.get_by_role("button", name="Controleren en opslaan als concept").click()
    page.get_by_role("button", name="Vergelijken 2").click()
    expect(page.locator(".diff del").first).to_be_visible()
    expect(page.locator(".diff")).to_contain_text("+  nl: Een kind is geboren")
    check_page(page, "studio-diff")

    # The emergency stop: a reason is asked for, the journey stops and resumes.
    page.get_by_role("button", name="De reis stilzetten").click()
    expect(page.locator("#stop-result")).to_contain_text("Geef eerst een reden")
    page.get_by_label(re.compile("Reden")).fill("Tekst van het bericht klopt niet")
    page.get_by_role("button", name="De reis stilzetten").click()
    expect(page.locator("#suspension")).to_contain_text("Stilgezet: Tekst van het bericht")
    check_page(page, "studio-stopped")
    page.get_by_role("button", name="De reis hervatten").click()
    expect(page.locator("#suspension")).to_contain_text("De reis loopt")


def test_supervisor_dashboard_plots_real_data(
    app: Flask, new_page: Callable[..., Any], user: Callable[[str], str]
) -> None:
    page = new_page()
    sign_in(page, user("supervisor"))
    party = _api(page, "POST", "/api/v1/parties", {"type": "person", "surname": "Visser"})
    for channel, outcome in (
        ("phone", "answered"),
        ("phone", "forwarded"),
        ("counter", "answered"),
    ):
        _api(
            page,
            "POST",
            "/api/v1/contact-moments",
            {
                "channel": channel,
                "subject": "Vraag",
                "outcome": outcome,
                "parties": [{"party_id": party["id"], "role": "resident"}],
            },
        )
    _api(
        page,
        "POST",
        "/api/v1/tasks",
        {
            "kind": "complaint",
            "party_id": party["id"],
            "description": "Klacht",
            "assigned_team": "KCC",
        },
    )
    page.goto("/dashboard")
    contacts = page.locator("#chart-contacts")
    drawn = contacts.locator("rect.chart__bar:not([height='0.0'])")
    expect(drawn.first).to_be_visible()
    assert drawn.count() == 2
    expect(drawn.locator("title").first).to_contain_text(re.compile(r"(telefoon|balie): [12]"))
    fcr = page.locator("#chart-fcr")
    expect(fcr.locator("rect.chart__bar title")).to_have_text(
        ["balie, opgelost: 100%", "telefoon, opgelost: 50%"]
    )
    expect(page.locator("#chart-term-objection")).to_contain_text("doel 80%")
    expect(page.locator("#chart-term-complaint")).to_contain_text("doel 90%")
    check_page(page, "dashboard")
    page.get_by_role("link", name="Verwerkingslog").click()
    expect(page.locator("table")).to_contain_text("klantcontact")
    check_page(page, "processing-log")


def test_every_page_in_english_passes_axe(
    new_page: Callable[..., Any], user: Callable[[str], str]
) -> None:
    page = new_page()
    page.goto("/sign-in?lang=en")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    check_page(page, "sign-in-en")
    page.get_by_label("User name").fill(user("admin"))
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_have_text("The name or the password is not correct.")
    check_page(page, "sign-in-error-en")


def test_a_revoked_session_is_sent_to_sign_in(
    new_page: Callable[..., Any], user: Callable[[str], str], make_caller: Callable[..., Any]
) -> None:
    page = new_page()
    sign_in(page, user("agent"))
    page.wait_for_url("**/agent")
    me = _api(page, "GET", "/api/v1/me", None)  # type: ignore[arg-type]
    admin = make_caller("admin")
    ended = admin.delete(f"/api/v1/users/{me['id']}/sessions")
    assert ended.status_code == 200 and ended.get_json() == {"ended": 1}

    # The open page's next call to the API finds the session gone: the page says so (what was
    # typed is kept) and the person signs in again from there.
    page.evaluate("() => { window.KCC.api('GET', '/api/v1/conversations?assigned=mine'); }")
    ended = page.get_by_role("dialog", name="U bent afgemeld")
    expect(ended).to_be_visible()
    ended.get_by_role("button", name="Opnieuw aanmelden").click()
    page.wait_for_url(ENDED)
    expect(page.get_by_role("status")).to_have_text("Uw sessie is beëindigd. Log opnieuw in.")
    check_page(page, "sign-in-session-ended")
    # So does opening any page.
    page.goto("/agent")
    assert ENDED.search(page.url), page.url


def test_password_change_ends_the_other_browsers_session(
    new_page: Callable[..., Any], user: Callable[[str], str]
) -> None:
    name = user("agent")
    here, elsewhere = new_page(), new_page()
    sign_in(here, name)
    sign_in(elsewhere, name)
    here.get_by_role("link", name="Wachtwoord wijzigen").click()
    check_page(here, "password")
    here.get_by_label("Huidig wachtwoord").fill(PASSWORD)
    here.get_by_label("Nieuw wachtwoord", exact=True).fill("een-heel-nieuw-wachtwoord")
    here.get_by_label("Nieuw wachtwoord nogmaals").fill("een-heel-nieuw-wachtwoord")
    here.get_by_role("button", name="Wachtwoord wijzigen").click()
    expect(here.get_by_role("status")).to_contain_text("Uw wachtwoord is gewijzigd")
    here.goto("/agent")
    expect(here.get_by_role("heading", name="Zoeken en wachtrij")).to_be_visible()
    elsewhere.reload()
    assert ENDED.search(elsewhere.url), elsewhere.url
    expect(elsewhere.get_by_role("status")).to_have_text("Uw sessie is beëindigd. Log opnieuw in.")


def test_dashboard_in_english_draws_english_plots(
    new_page: Callable[..., Any], user: Callable[[str], str]
) -> None:
    page = new_page()
    sign_in(page, user("supervisor"))
    party = _api(page, "POST", "/api/v1/parties", {"type": "person", "surname": "Visser"})
    _api(
        page,
        "POST",
        "/api/v1/contact-moments",
        {
            "channel": "counter",
            "subject": "Question",
            "outcome": "answered",
            "parties": [{"party_id": party["id"], "role": "resident"}],
        },
    )
    page.goto("/dashboard?lang=en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    fcr = page.locator("#chart-fcr")
    expect(fcr.locator("figcaption")).to_have_text(
        "First-contact resolution per channel (last 30 days)"
    )
    expect(fcr.locator("rect.chart__bar title")).to_have_text(["counter, resolved: 100%"])
    expect(fcr.locator("text.chart__axis--y")).to_have_text("Resolved at first contact")
    expect(page.locator("#chart-overdue text.chart__category")).to_contain_text(["follow-up"])
    expect(page.locator("#chart-term-complaint .chart__target")).to_have_text("target 90%")
    # The accessible name of each plot is its English title.
    expect(page.get_by_role("img", name="Open tasks past their due date")).to_be_visible()
    check_page(page, "dashboard-en")
    page.goto("/dashboard?lang=nl")
    expect(page.get_by_role("img", name="Open taken over hun termijn")).to_be_visible()
