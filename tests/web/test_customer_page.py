"""The customer view page: local times, no per-row queries, suggestions in the page's language."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask

from tests.conftest import Caller
from tests.fakes.twilio_server import FakeTwilio
from tests.statements import counted_statements
from tests.suggestions.conftest import (
    consented_and_started,
    fake_twilio,
    make_person,
    small,
    start_small,
)
from tests.web.conftest import Browser

__all__ = ["fake_twilio", "make_person", "small"]  # fixtures


def _resident(browser: Browser) -> str:
    response = browser.api(
        "POST",
        "/api/v1/parties",
        {"type": "person", "surname": "Bakker", "bsn": "111222333"},
    )
    return str(response.get_json()["id"])  # type: ignore[attr-defined]


def _moment(browser: Browser, party: str, channel: str, at: str, subject: str = "Vraag") -> None:
    body = {
        "channel": channel,
        "subject": subject,
        "text": "Uitleg " * 100,
        "occurred_at": at,
        "parties": [{"party_id": party, "role": "resident"}],
        "objects": [{"type": "case", "id": f"Z-{subject[:20]}"}],
    }
    response = browser.api("POST", "/api/v1/contact-moments", body)
    assert response.status_code == 201, response.get_json()  # type: ignore[attr-defined]


def test_times_are_dutch_local_time_and_long_texts_are_shortened(
    sign_in: Callable[..., Browser],
) -> None:
    browser = sign_in("agent")
    party = _resident(browser)
    _moment(browser, party, "phone", "2026-07-01T10:00:00Z", "Zomer")
    _moment(browser, party, "counter", "2026-01-15T10:00:00Z", "Winter")
    html = browser.client.get(f"/parties/{party}").get_data(as_text=True)
    assert '<time datetime="2026-07-01T10:00:00+00:00">2026-07-01 12:00</time>' in html
    assert '<time datetime="2026-01-15T10:00:00+00:00">2026-01-15 11:00</time>' in html
    assert "Uitleg " * 60 not in html and "Uitleg Uitleg…" in html
    # Each channel's icon is drawn once and referenced from every row.
    assert html.count('<symbol id="icon-phone"') == 1 and '<use href="#icon-counter"/>' in html
    assert "<dd>Nederlands</dd>" in html
    assert "<dd>Dutch</dd>" in browser.client.get(f"/parties/{party}?lang=en").get_data(
        as_text=True
    )


def test_page_queries_do_not_grow_with_the_timeline(
    app: Flask, sign_in: Callable[..., Browser]
) -> None:
    browser = sign_in("agent")
    few, many = _resident(browser), None
    for day in range(1, 4):
        _moment(browser, few, "phone", f"2026-03-{day:02d}T09:00:00Z")
    many_response = browser.api("POST", "/api/v1/parties", {"type": "person", "surname": "Smit"})
    many = str(many_response.get_json()["id"])  # type: ignore[attr-defined]
    for day in range(1, 29):
        _moment(
            browser, many, ("phone", "sms", "email", "web")[day % 4], f"2026-02-{day:02d}T09:00Z"
        )
    counts = []
    for party in (few, many):
        with counted_statements() as seen:
            response = browser.client.get(f"/parties/{party}")
        assert response.status_code == 200
        counts.append(len(seen))
    assert counts[0] == counts[1], counts
    html = browser.client.get(f"/parties/{many}").get_data(as_text=True)
    assert html.count('class="timeline__item"') == 25 and "Oudere contactmomenten" in html


def test_ask_for_consent_in_the_page_language(
    small: str,
    make_person: Callable[..., object],
    system: Caller,
    run_jobs: Callable[[], int],
    sign_in: Callable[..., Browser],
) -> None:
    person = make_person()
    start_small(system, person)  # type: ignore[arg-type]
    run_jobs()
    run_jobs()
    browser = sign_in("agent")
    path = f"/parties/{person.uuid}"  # type: ignore[attr-defined]
    dutch = browser.client.get(path).get_data(as_text=True)
    assert "Vraag om toestemming" in dutch
    assert "De reis Klein zou Afvalpas aanbieden" in dutch  # titles, not keys
    assert "Ask the resident for consent" not in dutch
    english = browser.client.get(path + "?lang=en").get_data(as_text=True)
    assert "The journey Small would offer Waste pass" in english


def test_suggestion_explained_in_plain_words_of_the_page_language(
    small: str,
    make_person: Callable[..., object],
    agent: Caller,
    system: Caller,
    fake_twilio: FakeTwilio,
    run_jobs: Callable[[], int],
    sign_in: Callable[..., Browser],
) -> None:
    person = make_person()
    consented_and_started(agent, system, person, run_jobs)  # type: ignore[arg-type]
    browser = sign_in("agent")
    path = f"/parties/{person.uuid}"  # type: ignore[attr-defined]
    dutch = browser.client.get(path).get_data(as_text=True)
    assert "Waarom deze suggestie?" in dutch and "U krijgt dit bericht omdat" in dutch
    assert "decides_nothing" not in dutch and "You get this message because" not in dutch
    english = browser.client.get(path + "?lang=en").get_data(as_text=True)
    assert "You get this message because" in english
    # Sent at once (no approval asked by the document): answer it, nothing to approve.
    assert 'data-action="accept"' in dutch and 'data-action="decline"' in dutch
    assert 'data-action="approve"' not in dutch
