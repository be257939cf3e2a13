"""Journeys in people's words: titles and state labels from the document, services from the
catalogue, in the page's language."""

from __future__ import annotations

import copy

from flask import Flask

from journeys.web.labels import journey_title, journey_words, service_title
from kcc.db import db
from tests.journeys.conftest import SMALL, load, small_doc, to_yaml


def test_states_show_their_labels_and_leave_unlabelled_parents_out(app: Flask) -> None:
    states = copy.deepcopy(SMALL["states"])
    states["waiting"]["label"] = {"nl": "Wacht op de inwoner", "en": "Waiting for the resident"}
    load(app, to_yaml(small_doc(key="labelled", states=states)))
    with app.app_context():
        try:
            dutch = journey_words("labelled", 1, ["active", "waiting"], "nl")
            english = journey_words("labelled", 1, ["active", "waiting"], "en")
            bare = journey_words("labelled", 1, ["working"], "nl")
            assert dutch == {"title": "Klein", "states": ["Wacht op de inwoner"]}
            assert english == {"title": "Small", "states": ["Waiting for the resident"]}
            assert bare["states"] == ["working"]
            assert journey_title("labelled", "en") == "Small"
            assert journey_title("unknown", "nl") == "unknown"
        finally:
            db.remove()


def test_services_take_their_title_from_the_catalogue() -> None:
    assert service_title("waste-pass", "nl") == "Afvalpas"
    assert service_title("parking-permit", "en") == "Residents' parking permit"
    assert service_title("not-in-catalogue", "nl") == "not-in-catalogue"
