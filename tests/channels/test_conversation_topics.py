"""A conversation's topics: suggested from the resident's words, confirmed by the agent in one
click on the conversation's contact moment, where a journey listening for the topic hears it."""

from __future__ import annotations

from typing import Any

from flask import Flask

from tests.channels.test_conversation_subjects import (
    PHONE,
    _journeys,
    _only_conversation,
    _publish,
    _resident,
)
from tests.conftest import Caller


def test_an_sms_about_a_move_is_suggested_its_topic_and_one_click_starts_the_journey(
    app: Flask, agent: Caller, text_in: Any, run_jobs: Any
) -> None:
    _publish(app, "moving")
    party = _resident(agent)
    assert text_in(PHONE, "Ik ben verhuisd, nieuwe adres Dorpsstraat 3").status_code == 200
    for _ in range(3):
        run_jobs()
    assert _journeys(agent, party) == []  # free text does not start a journey by itself

    conversation = _only_conversation(agent)
    path = f"/api/v1/conversations/{conversation['id']}/topics"
    shown = agent.get(path)
    assert shown.status_code == 200, shown.get_json()
    [best, *_] = shown.get_json()["suggestions"]
    assert best["key"] == "verhuizen"
    assert "'verhuisd'" in best["reason"]
    assert shown.get_json()["topics"] == []

    confirmed = agent.put(path, json={"topics": [best["topic_id"]], "source": "suggestion"})
    assert confirmed.status_code == 200, confirmed.get_json()
    assert [t["key"] for t in confirmed.get_json()["topics"]] == ["verhuizen"]
    for _ in range(3):
        run_jobs()
    assert _journeys(agent, party) == ["moving"]
    moment = confirmed.get_json()["contact_moment_id"]
    on_moment = agent.get(f"/api/v1/contact-moments/{moment}/topics").get_json()["topics"]
    assert [t["key"] for t in on_moment] == ["verhuizen"]


def test_conversation_topics_need_staff_and_known_topics(
    agent: Caller, system: Caller, text_in: Any, run_jobs: Any
) -> None:
    text_in(PHONE, "vraag over mijn paspoort")
    run_jobs()
    path = f"/api/v1/conversations/{_only_conversation(agent)['id']}/topics"
    assert system.get(path).status_code == 403
    unknown = agent.put(path, json={"topics": ["00000000-0000-4000-8000-000000000000"]})
    assert unknown.status_code == 422
    assert agent.get(path).get_json()["topics"] == []
    missing = "/api/v1/conversations/00000000-0000-4000-8000-000000000000/topics"
    assert agent.get(missing).status_code == 404


def test_topics_chosen_at_the_wrap_up_land_on_the_contact_moment_with_the_close(
    app: Flask, agent: Caller, text_in: Any, run_jobs: Any
) -> None:
    _publish(app, "moving")
    party = _resident(agent)
    text_in(PHONE, "Ik ben verhuisd, nieuwe adres Dorpsstraat 3")
    for _ in range(3):
        run_jobs()
    conversation = _only_conversation(agent)
    path = f"/api/v1/conversations/{conversation['id']}"
    [best, *_] = agent.get(f"{path}/topics").get_json()["suggestions"]

    unknown = "00000000-0000-4000-8000-000000000000"
    refused = agent.post(f"{path}/close", json={"subject": "Verhuizing", "topics": [unknown]})
    assert refused.status_code == 422 and refused.mimetype == "application/problem+json"
    assert unknown in refused.get_json()["detail"] + str(refused.get_json()["invalid_params"])
    assert agent.get(path).get_json()["status"] != "closed"  # nothing of the wrap-up was kept

    closed = agent.post(
        f"{path}/close",
        json={"subject": "Verhuizing", "outcome": "answered", "topics": [best["topic_id"]]},
    )
    assert closed.status_code == 200, closed.get_json()
    moment = agent.get(path).get_json()["contact_moment_id"]
    on_moment = agent.get(f"/api/v1/contact-moments/{moment}/topics").get_json()["topics"]
    assert [t["key"] for t in on_moment] == ["verhuizen"]
    assert [t["key"] for t in agent.get(f"{path}/topics").get_json()["topics"]] == ["verhuizen"]
    for _ in range(3):
        run_jobs()
    assert _journeys(agent, party) == ["moving"]
