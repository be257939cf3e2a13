"""A journey's publication in the Algorithm Register's publication standard 1.0, in nl and en."""

from __future__ import annotations

import re

import jsonschema
import pytest
from flask import Flask

from journeys.suggestions.algorithm_register import standard
from tests.conftest import Caller
from tests.journeys.conftest import DEFINITIONS, load

DUTCH_WORDS = re.compile(r"\b(het|een|wordt|alleen|toestemming|bewoner|gemeente|niet)\b", re.I)


def test_register_fields_of_the_moving_journey(builtins_moving: str, agent: Caller) -> None:
    response = agent.get("/api/v1/journeys/moving/algorithm-register")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["name"] == "Verhuizen naar of binnen Nijmegen" and body["status"] == "In gebruik"
    assert body["human_intervention"].startswith("Een medewerker") and body["source_data"]
    assert "Gemeentewet" in body["lawful_basis"]
    assert re.fullmatch(r"\d{4}-\d{2}", body["begin_date"]) and "end_date" not in body
    assert body["risks"].startswith("Regels") and "risk_management" not in body
    assert body["category"] == ["Wonen"]
    assert body["impacttoetsen_grouping"] == [{"title": "Data Protection Impact Assessment (DPIA)"}]
    assert body["provider"] == "Intern ontwikkeld" and body["standard_version"] == "1.0"
    assert body["source_id"] == "kcc-journey-moving" and "Klantcontactcentrum" in body["tags"]
    assert body["website"].startswith("https://") and body["lang"] == "nld"
    assert len({body["goal"], body["proportionality"], body["risks"]}) == 3  # nothing copied
    english = agent.get("/api/v1/journeys/moving/algorithm-register?lang=en").get_json()
    assert english["name"] == "Moving to or within Nijmegen"
    assert (english["status"], english["category"], english["lang"]) == (
        "In use",
        ["Housing"],
        "eng",
    )
    assert agent.get("/api/v1/journeys/nope/algorithm-register").status_code == 404
    assert agent.get("/api/v1/journeys/moving/algorithm-register?lang=de").status_code == 422


@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_builtin_journey_conforms_to_the_standard(
    app: Flask, agent: Caller, language: str
) -> None:
    validator = jsonschema.Draft202012Validator(standard())
    keys = []
    for path in sorted(DEFINITIONS.glob("*.yaml")):
        load(app, path.read_text(encoding="utf-8"))
        keys.append(path.stem)
    for key in keys:
        body = agent.get(f"/api/v1/journeys/{key}/algorithm-register?lang={language}").get_json()
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(body)]
        assert errors == [], (key, errors)
        if language == "en":
            texts = [v for k, v in body.items() if isinstance(v, str) and k != "organization"]
            dutch = [t for t in texts if DUTCH_WORDS.search(t)]
            assert dutch == [], (key, dutch)


def test_the_standard_refuses_what_the_old_export_sent() -> None:
    validator = jsonschema.Draft202012Validator(standard())
    old = {
        "name": "x",
        "description_short": "x",
        "organization": "Gemeente Nijmegen",
        "status": "In gebruik",
        "contact_email": "privacy@nijmegen.nl",
        "publication_category": "Overige algoritmes",
        "lang": "nld",
        "standard_version": "1.0",
    }
    assert list(validator.iter_errors(old)) == []
    for wrong in (
        {"begin_date": "2026-12-03"},
        {"risk_management": "x"},
        {"category": ["Dienstverlening"]},
        {"status": "Actief"},
        {"website": "http://example.org"},
    ):
        assert list(validator.iter_errors(old | wrong)), wrong
