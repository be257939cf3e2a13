"""Consent per purpose: declared with titles, agreed to in words, never reaching later purposes."""

from __future__ import annotations

import time
from typing import Any

from flask import Flask

from tests.conftest import Caller
from tests.fakes.twilio_server import FakeTwilio
from tests.journeys.conftest import load, small_doc, to_yaml
from tests.suggestions.conftest import grant, start_small


def _upload(process_owner: Caller, doc: dict[str, Any]) -> Any:
    return process_owner.post("/api/v1/journeys", json={"document": to_yaml(doc)})


def test_a_purpose_without_a_title_is_refused_naming_the_place(process_owner: Caller) -> None:
    doc = small_doc()
    del doc["purposes"]["proactive-test"]["title"]
    response = _upload(process_owner, doc)
    assert response.status_code == 422, response.get_json()
    names = [p["name"] for p in response.get_json()["invalid_params"]]
    assert any(name.startswith("purposes.proactive-test") for name in names), names
    assert process_owner.get("/api/v1/journeys/small").status_code == 404


def test_a_suggestion_naming_an_undeclared_purpose_is_refused(process_owner: Caller) -> None:
    doc = small_doc()
    doc["purposes"] = {
        "something-else": {
            "title": {"nl": "Iets anders", "en": "Something else"},
            "description": {"nl": "Iets.", "en": "Something."},
        }
    }
    response = _upload(process_owner, doc)
    assert response.status_code == 422, response.get_json()
    params = response.get_json()["invalid_params"]
    assert params[0]["name"] == "states.waiting.suggestions[0].consent_purpose"
    assert "not declared" in params[0]["reason"]


def test_the_consent_text_is_built_from_titles_never_keys(small: str, agent: Caller) -> None:
    body = {"type": "person", "given_names": "Eva", "surname": "Smit", "preferred_language": "nl"}
    party = agent.post("/api/v1/parties", json=body).get_json()["id"]
    specific = agent.post(
        f"/api/v1/parties/{party}/consents", json={"purpose": "proactive-test", "channel": "sms"}
    ).get_json()
    assert (
        "Diensten om te testen" in specific["text"]
        and "Berichten om te testen." in specific["text"]
    )
    assert "proactive-test" not in specific["text"] and "small" not in specific["text"]
    general = agent.post(
        f"/api/v1/parties/{party}/consents",
        json={"purpose": "proactive", "channel": "email", "language": "en"},
    ).get_json()
    assert (
        "Services to test" in general["text"]
        and "asks me first about new subjects" in general["text"]
    )
    unknown = agent.post(
        f"/api/v1/parties/{party}/consents", json={"purpose": "proactive-later", "channel": "sms"}
    )
    assert unknown.status_code == 422
    assert unknown.get_json()["invalid_params"][0]["name"] == "purpose"


def test_a_general_consent_does_not_cover_a_purpose_published_later(
    app: Flask, make_person, agent: Caller, system: Caller, fake_twilio: FakeTwilio, run_jobs
) -> None:  # type: ignore[no-untyped-def]
    person = make_person()
    grant(agent, person, purpose="proactive")
    time.sleep(0.01)
    load(app, to_yaml(small_doc()))
    start_small(system, person)
    run_jobs()
    run_jobs()
    assert fake_twilio.sent() == []
    view = agent.get(f"/api/v1/parties/{person.uuid}/view").get_json()
    asks = [s for s in view["suggestions"] if s["type"] == "ask_for_consent"]
    assert len(asks) == 1 and "Services to test" in asks[0]["text"]
    # Agreeing to the purpose itself makes the offer after all.
    grant(agent, person, purpose="proactive-test")
    run_jobs()
    run_jobs()
    assert len(fake_twilio.sent()) == 1


def test_sms_stop_ends_a_consent_for_every_channel(
    small: str, make_person, agent: Caller, text_in, run_jobs
) -> None:  # type: ignore[no-untyped-def]
    person = make_person()
    grant(agent, person, purpose="proactive-test", channel="any")
    text_in(person.phone, "stop suggesties")
    run_jobs()
    listed = agent.get(f"/api/v1/parties/{person.uuid}/consents").get_json()
    assert listed["current"] == []
    assert any(i["action"] == "withdrawn" and i["channel"] == "any" for i in listed["items"])
