"""The knowledge base: answers written, versioned, found in Dutch and ranked by topic."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import Flask
from sqlalchemy import func, select

from kcc.db import db
from kcc.knowledge.models import Answer
from tests.conftest import Caller


def answer_body(topics: list[str], **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "question_nl": "Hoe geef ik mijn verhuizing door?",
        "answer_nl": "Geef uw verhuizing online door met DigiD, tot 5 dagen na de verhuisdatum.",
        "question_en": "How do I report a move?",
        "answer_en": "Report your move online with DigiD, up to 5 days after moving.",
        "topics": topics,
        "owner_team": "Burgerzaken",
        "review_on": (date.today() + timedelta(days=90)).isoformat(),
        "status": "published",
    }
    body.update(changes)
    return body


def _answers(app: Flask) -> int:
    with app.app_context():
        found = db.session().scalar(select(func.count(Answer.id)))
        db.remove()
    return int(found or 0)


def test_an_answer_is_written_changed_and_keeps_its_versions(
    supervisor: Caller, agent: Caller, catalogue: dict[str, str]
) -> None:
    created = supervisor.post("/api/v1/answers", json=answer_body([catalogue["verhuizen"]]))
    assert created.status_code == 201, created.get_json()
    answer = created.get_json()
    assert answer["version"] == 1 and [t["key"] for t in answer["topics"]] == ["verhuizen"]
    changed = supervisor.put(
        f"/api/v1/answers/{answer['id']}",
        json=answer_body([catalogue["verhuizen"]], answer_nl="Geef het door via de website."),
    )
    assert changed.status_code == 200 and changed.get_json()["version"] == 2
    versions = agent.get(f"/api/v1/answers/{answer['id']}/versions").get_json()["items"]
    assert [v["version"] for v in versions] == [2, 1]
    assert "DigiD" in versions[1]["content"]["answer_nl"]
    assert agent.post("/api/v1/answers", json=answer_body([])).status_code == 403


def test_dutch_search_finds_inflected_words_and_ranks_the_conversations_topic_first(
    supervisor: Caller, agent: Caller, catalogue: dict[str, str]
) -> None:
    moving = supervisor.post("/api/v1/answers", json=answer_body([catalogue["verhuizen"]]))
    permit = supervisor.post(
        "/api/v1/answers",
        json=answer_body(
            [catalogue["parkeervergunning"]],
            question_nl="Wat gebeurt er met mijn parkeervergunning als ik verhuis?",
            answer_nl="Zeg de vergunning op en vraag een nieuwe aan voor uw nieuwe adres.",
            owner_team="Parkeren",
        ),
    )
    draft = supervisor.post(
        "/api/v1/answers",
        json=answer_body([catalogue["verhuizen"]], question_nl="Verhuizen concept", status="draft"),
    )
    assert {moving.status_code, permit.status_code, draft.status_code} == {201}
    found = agent.get("/api/v1/answers?q=verhuizingen doorgeven").get_json()["items"]
    assert [a["id"] for a in found][:1] == [moving.get_json()["id"]]
    assert draft.get_json()["id"] not in [a["id"] for a in found]
    by_topic = agent.get(
        f"/api/v1/answers?q=verhuis&topic={catalogue['parkeervergunning']}"
    ).get_json()["items"]
    assert by_topic[0]["id"] == permit.get_json()["id"]
    assert by_topic[0]["topic_match"] == "topic"
    beside = agent.get(f"/api/v1/answers?topic={catalogue['verhuizen']}").get_json()["items"]
    assert [a["id"] for a in beside] == [moving.get_json()["id"]]
    english = agent.get("/api/v1/answers?q=report move").get_json()["items"]
    assert english and english[0]["id"] == moving.get_json()["id"]


def test_bad_answers_and_queries_are_refused_and_nothing_changes(
    app: Flask, supervisor: Caller, agent: Caller, catalogue: dict[str, str]
) -> None:
    no_language = answer_body([], question_nl="", answer_nl="", question_en="", answer_en="")
    refused = supervisor.post("/api/v1/answers", json=no_language)
    assert refused.status_code == 422 and "language" in refused.get_json()["detail"]
    half = supervisor.post("/api/v1/answers", json=answer_body([], answer_en=""))
    assert half.status_code == 422
    unknown = answer_body(["00000000-0000-4000-8000-000000000000"])
    assert supervisor.post("/api/v1/answers", json=unknown).status_code == 422
    assert (
        supervisor.post("/api/v1/answers", json=answer_body([], owner_team="X")).status_code == 422
    )
    assert _answers(app) == 0
    # 10,000 characters do not even fit the URL limit; past 500 the search refuses them.
    for q, status in (("paspoort " * 1112, 414), ("paspoort " * 60, 422)):
        long_query = agent.get("/api/v1/answers", query_string={"q": q})
        assert long_query.status_code == status
        assert long_query.headers["Content-Type"] == "application/problem+json"
    topic_query = agent.get("/api/v1/topics", query_string={"q": "%$#@!"})
    assert topic_query.status_code == 422
    symbols = agent.get("/api/v1/answers", query_string={"q": "?!*&^% ''\" -- ;"})
    assert symbols.status_code == 422
    assert "no words" in symbols.get_json()["detail"]
    assert agent.get("/api/v1/answers", query_string={"q": '"paspoort" OR *'}).status_code == 200


def test_overdue_reviews_are_listed_for_their_owners(
    supervisor: Caller, make_caller: Any, catalogue: dict[str, str]
) -> None:
    past = (date.today() - timedelta(days=3)).isoformat()
    supervisor.post("/api/v1/answers", json=answer_body([], review_on=past))
    supervisor.post("/api/v1/answers", json=answer_body([], review_on=past, owner_team="Parkeren"))
    supervisor.post("/api/v1/answers", json=answer_body([]))
    clerk = make_caller("agent", team="Burgerzaken")
    mine = clerk.get("/api/v1/answers/reviews-due").get_json()["items"]
    assert [a["owner_team"] for a in mine] == ["Burgerzaken"]
    everyone = make_caller("supervisor", team=None).get("/api/v1/answers/reviews-due")
    assert sorted(a["owner_team"] for a in everyone.get_json()["items"]) == [
        "Burgerzaken",
        "Parkeren",
    ]
