"""The topic pages' roles, and answers beside the customer view for the resident's topics."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, timedelta

from flask import Flask

from kcc.db import db, unit_of_work
from tests.conftest import Caller
from tests.web.conftest import Browser, make_user, sign_in  # noqa: F401


def test_each_role_opens_only_its_topic_pages(
    sign_in: Callable[..., Browser],  # noqa: F811
    catalogue: dict[str, str],
) -> None:
    agent, supervisor, admin = sign_in("agent"), sign_in("supervisor"), sign_in("admin")
    assert agent.client.get("/answers").status_code == 200
    assert agent.client.get("/dashboard/topics").status_code == 403
    assert agent.client.get("/topics").status_code == 403
    assert supervisor.client.get("/dashboard/topics").status_code == 200
    assert supervisor.client.get("/topics").status_code == 403
    assert admin.client.get("/topics").status_code == 200
    page = agent.client.get("/answers?q=%25%24%23").get_data(as_text=True)
    assert 'role="alert"' in page  # a query without words is explained, not a 500


def test_the_customer_page_shows_answers_for_the_residents_topics(
    app: Flask,
    agent: Caller,
    sign_in: Callable[..., Browser],  # noqa: F811
    catalogue: dict[str, str],
) -> None:
    from kcc.knowledge.services import AnswerInput, create_answer

    with app.app_context(), unit_of_work():
        create_answer(
            AnswerInput(
                owner_team="Afval",
                review_on=date.today() + timedelta(days=30),
                question_nl="Hoe laat ik grofvuil ophalen?",
                answer_nl="Maak online een afspraak voor grofvuil.",
                topics=[uuid.UUID(catalogue["grofvuil"])],
                status="published",
            )
        )
    with app.app_context():
        db.remove()
    party = agent.post("/api/v1/parties", json={"type": "person", "surname": "Bakker"}).get_json()
    moment = {
        "channel": "phone",
        "topics": [catalogue["grofvuil"]],
        "parties": [{"party_id": party["id"], "role": "resident"}],
    }
    assert agent.post("/api/v1/contact-moments", json=moment).status_code == 201
    html = sign_in("agent").client.get(f"/parties/{party['id']}").get_data(as_text=True)
    assert "Hoe laat ik grofvuil ophalen?" in html
    assert "data-insert-answer" in html
