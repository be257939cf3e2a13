"""Topics in a real Chromium: the question patterns, the answers agents search with the topic
picker, and the catalogue, each passing axe."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask
from playwright.sync_api import expect

from kcc.db import db, unit_of_work
from tests.e2e.conftest import check_page, sign_in
from tests.e2e.test_web import _api


def _catalogue_and_answers(app: Flask) -> dict[str, str]:
    from datetime import date, timedelta

    from sqlalchemy import select

    from kcc.demo import DEPARTMENTS, TEAMS
    from kcc.demo.topics import load_topics
    from kcc.directory.services import create_department, create_team, find_team
    from kcc.knowledge.services import AnswerInput, create_answer
    from kcc.topics.models import Topic

    with app.app_context(), unit_of_work():
        for key, name, email in DEPARTMENTS:
            create_department(key, name, email=email)
        for key, name, department, email in TEAMS:
            if find_team(key) is not None:  # one of the suite's own teams
                continue
            create_team(key, name, department_key=department, email=email)
        load_topics()
        ids = {k: u for k, u in db.session().execute(select(Topic.key, Topic.uuid))}
        create_answer(
            AnswerInput(
                owner_team="KCC",
                review_on=date.today() - timedelta(days=2),
                question_nl="Hoe geef ik mijn verhuizing door?",
                answer_nl="Geef uw verhuizing online door met DigiD.",
                topics=[ids["verhuizen"]],
                status="published",
            )
        )
    with app.app_context():
        db.remove()
    return {k: str(v) for k, v in ids.items()}


def test_an_agent_picks_a_topic_as_they_type_and_finds_its_answer(
    app: Flask, new_page: Callable[..., Any], user: Callable[[str], str]
) -> None:
    _catalogue_and_answers(app)
    page = new_page()
    sign_in(page, user("agent"))
    page.get_by_role("link", name="Antwoorden").click()
    page.wait_for_load_state()
    picker = page.get_by_role("combobox")
    picker.fill("verhuiz")
    option = page.get_by_role("option", name="Verhuizen")
    expect(option).to_be_visible()
    picker.press("ArrowDown")
    picker.press("Enter")
    expect(page.locator(".topic-picker__chosen")).to_contain_text("Verhuizen")
    page.get_by_role("button", name="Zoeken").click()
    expect(page.locator(".answer h3")).to_have_text(["Hoe geef ik mijn verhuizing door?"])
    expect(page.locator(".answer")).to_contain_text("Over een van de gekozen onderwerpen.")
    expect(page.locator("#reviews-title")).to_be_visible()
    expect(page.locator("table")).to_contain_text("Hoe geef ik mijn verhuizing door?")
    check_page(page, "answers")


def test_a_supervisor_sees_question_patterns_and_an_admin_the_catalogue(
    app: Flask, new_page: Callable[..., Any], user: Callable[[str], str]
) -> None:
    ids = _catalogue_and_answers(app)
    page = new_page()
    sign_in(page, user("supervisor"))
    from kcc.parties.services import PartyInput, register_party

    with app.app_context(), unit_of_work():
        address = {"adresregel1": "Dorpsstraat 3", "adresregel2": "6511 AB Nijmegen"}
        party = {
            "id": str(
                register_party(
                    PartyInput(type="person", surname="Visser", postal_address=address)
                ).uuid
            )
        }
    with app.app_context():
        db.remove()
    for channel in ("phone", "sms", "phone"):
        _api(
            page,
            "POST",
            "/api/v1/contact-moments",
            {
                "channel": channel,
                "outcome": "answered",
                "topics": [ids["grofvuil"]],
                "parties": [{"party_id": party["id"], "role": "resident"}],
            },
        )
    page.get_by_role("link", name="Vraagpatronen").click()
    weekly = page.locator("#chart-topics-weekly")
    expect(weekly.locator("rect.chart__bar:not([height='0.0'])").first).to_be_visible()
    expect(page.locator("#chart-topics-repeats")).to_contain_text("Grofvuil")
    expect(page.locator("#chart-topics-districts")).to_contain_text("6511")
    expect(page.locator("#trends-title + table")).to_contain_text("Grofvuil")
    check_page(page, "question-patterns")

    admin = new_page()
    sign_in(admin, user("admin"))
    admin.get_by_role("link", name="Onderwerpen").click()
    expect(admin.locator(".topic-tree").first).to_contain_text("Burgerzaken")
    check_page(admin, "topics")
