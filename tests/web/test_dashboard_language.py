"""The dashboard's plots speak the page's language: titles, axes, legends, bars and tables."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from html.parser import HTMLParser

from babel.dates import format_skeleton

from tests.conftest import Caller
from tests.fakes.twilio_server import FakeTwilio
from tests.suggestions.conftest import (
    consented_and_started,
    fake_twilio,
    make_person,
    small,
)
from tests.web.conftest import Browser

__all__ = ["fake_twilio", "make_person", "small"]  # fixtures

SVG_TEXT = ("title", "desc", "text")


class ChartTexts(HTMLParser):
    """The words of each chart figure, by the part of the chart they are in."""

    def __init__(self) -> None:
        super().__init__()
        self.charts: dict[str, dict[str, list[str]]] = {}
        self._chart: str | None = None
        self._stack: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "figure" and (found.get("id") or "").startswith("chart-"):
            self._chart = str(found["id"])[len("chart-") :]
            self.charts[self._chart] = {}
        self._stack.append((tag, found.get("class") or ""))

    def handle_endtag(self, tag: str) -> None:
        while self._stack and self._stack.pop()[0] != tag:
            pass
        if tag == "figure":
            self._chart = None

    def handle_data(self, data: str) -> None:
        if self._chart is None or not data.strip() or not self._stack:
            return
        tag, css = self._stack[-1]
        parents = [t for t, _ in self._stack]
        if "svg" in parents and tag in SVG_TEXT:
            part = f"svg-{tag}" + (f".{_part(css)}" if css.startswith("chart__") else "")
        elif "table" in parents:
            part = f"table-{tag}"
        elif "ul" in parents:
            part = "legend"
        else:
            part = tag
        self.charts[self._chart].setdefault(part, []).append(data.strip())


def _part(css: str) -> str:
    """chart__axis chart__axis--y -> y; chart__category -> category."""
    name = css.split()[-1]
    return name.split("--")[-1] if "--" in name else name.split("__")[-1]


def _figures(html: str) -> dict[str, dict[str, list[str]]]:
    parser = ChartTexts()
    parser.feed(html)
    return parser.charts


def _all_words(chart: dict[str, list[str]]) -> str:
    return " | ".join(word for words in chart.values() for word in words)


def _record_contacts(browser: Browser) -> None:
    party = browser.api("POST", "/api/v1/parties", {"type": "person", "surname": "Visser"})
    party_id = party.get_json()["id"]  # type: ignore[attr-defined]
    for channel, outcome in (
        ("phone", "answered"),
        ("phone", "answered"),
        ("phone", "forwarded"),
        ("counter", "answered"),
    ):
        body = {
            "channel": channel,
            "subject": "Vraag",
            "outcome": outcome,
            "parties": [{"party_id": party_id, "role": "resident"}],
        }
        assert browser.api("POST", "/api/v1/contact-moments", body).status_code == 201  # type: ignore[attr-defined]
    task = {
        "kind": "follow_up",
        "party_id": party_id,
        "description": "Terugbellen",
        "assigned_team": "KCC",
        "due_at": "2020-01-01T09:00:00Z",
    }
    assert browser.api("POST", "/api/v1/tasks", task).status_code == 201  # type: ignore[attr-defined]


def test_dashboard_plots_are_dutch_by_default(sign_in: Callable[..., Browser]) -> None:
    browser = sign_in("supervisor")
    _record_contacts(browser)
    charts = _figures(browser.client.get("/dashboard").get_data(as_text=True))

    fcr = charts["fcr"]
    assert fcr["figcaption"] == ["Opgelost bij eerste contact per kanaal (laatste 30 dagen)"]
    assert fcr["svg-text.category"] == ["balie", "telefoon"]
    assert fcr["svg-title"][1:] == ["balie, opgelost: 100%", "telefoon, opgelost: 66,7%"]
    assert fcr["svg-text.y"] == ["Opgelost bij eerste contact"]
    assert fcr["svg-text.x"] == ["Kanaal"]
    assert "Verticale as: Opgelost bij eerste contact." in fcr["svg-desc"][0]
    assert fcr["legend"] == ["opgelost"]
    assert fcr["table-th"][:2] == ["Kanaal", "opgelost"]
    assert "66,7%" in fcr["table-td"]

    contacts = charts["contacts"]
    today = format_skeleton("MMMd", datetime.now(UTC).date(), locale="nl")
    assert contacts["svg-text.category"][-1] == today
    assert sorted(contacts["legend"]) == ["balie", "telefoon"]
    assert f"{today}, telefoon: 3" in contacts["svg-title"]
    assert contacts["svg-text.y"] == ["Contactmomenten"] and contacts["svg-text.x"] == ["Dag"]

    overdue = charts["overdue"]
    assert "vervolgactie" in overdue["svg-text.category"]
    assert "vervolgactie, te laat: 1" in overdue["svg-title"]

    complaints = charts["term-complaint"]
    assert complaints["figcaption"] == [
        "Klachten binnen de wettelijke termijn afgehandeld (dit jaar)"
    ]
    assert complaints["svg-text.target"] == ["doel 90%"]
    for name, chart in charts.items():
        words = _all_words(chart)
        assert not re.search(r"\b(phone|counter|follow_up|resolved|overdue)\b", words), (
            name,
            words,
        )


def test_dashboard_plots_follow_english_on_request(sign_in: Callable[..., Browser]) -> None:
    browser = sign_in("supervisor")
    _record_contacts(browser)
    html = browser.client.get("/dashboard?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in html
    charts = _figures(html)

    fcr = charts["fcr"]
    assert fcr["figcaption"] == ["First-contact resolution per channel (last 30 days)"]
    assert fcr["svg-text.category"] == ["counter", "phone"]
    assert fcr["svg-title"][1:] == ["counter, resolved: 100%", "phone, resolved: 66.7%"]
    assert fcr["svg-text.y"] == ["Resolved at first contact"]
    assert "Vertical axis: Resolved at first contact." in fcr["svg-desc"][0]
    assert fcr["table-th"][:2] == ["Channel", "resolved"]

    contacts = charts["contacts"]
    today = format_skeleton("MMMd", datetime.now(UTC).date(), locale="en")
    assert contacts["svg-text.category"][-1] == today
    assert f"{today}, phone: 3" in contacts["svg-title"]
    assert contacts["svg-text.x"] == ["Day"]

    overdue = charts["overdue"]
    assert "follow-up" in overdue["svg-text.category"]
    assert "follow-up, overdue: 1" in overdue["svg-title"]
    assert charts["term-objection"]["svg-text.target"] == ["target 80%"]
    for name, chart in charts.items():
        words = _all_words(chart)
        assert not re.search(r"\b(telefoon|balie|opgelost|te laat|doel)\b|_", words), (
            name,
            words,
        )
    # The language is remembered: the next page without ?lang stays English.
    assert "Contact moments per channel per day" in browser.client.get("/dashboard").get_data(
        as_text=True
    )


def test_suggestion_outcomes_are_plotted_from_the_journeys_suggestions(
    small: str,
    make_person: Callable[..., object],
    agent: Caller,
    system: Caller,
    fake_twilio: FakeTwilio,
    run_jobs: Callable[[], int],
    sign_in: Callable[..., Browser],
) -> None:
    for _ in range(2):
        person = make_person()
        consented_and_started(agent, system, person, run_jobs)  # type: ignore[arg-type]
    browser = sign_in("supervisor")
    html = browser.client.get("/dashboard").get_data(as_text=True)
    assert "De acceptatie van suggesties" not in html
    suggestions = _figures(html)["suggestions"]
    assert "verstuurd, suggesties: 2" in suggestions["svg-title"]
    assert "aangenomen, suggesties: 0" in suggestions["svg-title"]
    # Counts get whole-number ticks.
    assert suggestions["svg-text"][:5] == ["0", "1", "2", "3", "4"]
    english = _figures(browser.client.get("/dashboard?lang=en").get_data(as_text=True))
    assert "sent, suggestions: 2" in english["suggestions"]["svg-title"]
