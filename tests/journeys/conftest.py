"""Fixtures for the journeys tests: documents, built-in journeys, residents, process owners."""

from __future__ import annotations

import copy
import itertools
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from flask import Flask

from kcc.db import db, unit_of_work
from tests.conftest import Caller, valid_bsn

DEFINITIONS = Path(__file__).resolve().parents[2] / "journeys" / "definitions"

SMALL: dict[str, Any] = {
    "key": "small",
    "version": 1,
    "title": {"nl": "Klein", "en": "Small"},
    "description": {"nl": "Een kleine reis", "en": "A small journey"},
    "processing": {"activity": "kcc.proactive-service", "legal_basis": "art. 6(1)(e) AVG"},
    "purposes": {
        "proactive-test": {
            "title": {"nl": "Diensten om te testen", "en": "Services to test"},
            "description": {"nl": "Berichten om te testen.", "en": "Messages to test."},
        }
    },
    "triggers": [
        {"on": "nl.test.started", "start": True},
        {"on": "nl.test.progress", "event": "progress"},
    ],
    "statechart": {
        "datamodel": {"nudges": "0"},
        "states": {
            "waiting": {
                "initial": True,
                "transitions": [
                    {"event": "progress", "target": "working"},
                    {
                        "event": "nudge",
                        "target": "waiting",
                        "on": [{"assign": {"location": "nudges", "expr": "nudges + 1"}}],
                    },
                ],
            },
            "working": {
                "transitions": [
                    {"event": "finish", "target": "done"},
                    {"event": "reminder_due", "target": "done"},
                ]
            },
            "done": {"final": True},
        },
    },
    "states": {
        "waiting": {
            "suggestions": [
                {
                    "service": "waste-pass",
                    "text": {"nl": "Afvalpas", "en": "Waste pass"},
                    "consent_purpose": "proactive-test",
                    "expires": "P30D",
                }
            ]
        },
        "working": {"timers": [{"after": "P14D", "event": "reminder_due"}]},
    },
    "algorithm_register": {
        "purpose_and_impact": {"nl": "Doel", "en": "Purpose"},
        "human_intervention": {"nl": "Mens", "en": "Human"},
        "data_used": ["BSN"],
        "risk_management": {"nl": "Risico", "en": "Risk"},
    },
}


def small_doc(**changes: Any) -> dict[str, Any]:
    """A copy of the small valid document with top-level changes."""
    doc = copy.deepcopy(SMALL)
    doc.update(changes)
    return doc


def to_yaml(doc: dict[str, Any]) -> str:
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)


@pytest.fixture()
def process_owner(make_caller: Callable[..., Caller]) -> Caller:
    return make_caller("process_owner")


def load(app: Flask, source: str, publish: bool = True) -> None:
    from journeys.versions import load_source

    with app.app_context(), unit_of_work():
        load_source(source, "test", publish)
    with app.app_context():
        db.remove()


@pytest.fixture()
def builtins(app: Flask) -> list[str]:
    """Every built-in journey, published."""
    keys = []
    for path in sorted(DEFINITIONS.glob("*.yaml")):
        load(app, path.read_text(encoding="utf-8"))
        keys.append(yaml.safe_load(path.read_text(encoding="utf-8"))["key"])
    return keys


@pytest.fixture()
def small(app: Flask) -> str:
    load(app, to_yaml(SMALL))
    return "small"


@dataclass
class Resident:
    uuid: uuid.UUID
    id: int
    bsn: str


_seeds = itertools.count(1000)


@pytest.fixture()
def make_resident(app: Flask) -> Callable[[], Resident]:
    def make() -> Resident:
        from kcc.parties.services import PartyInput, register_party

        bsn = valid_bsn(next(_seeds))
        with app.app_context(), unit_of_work():
            party = register_party(
                PartyInput(type="person", given_names="Sanne", surname="de Vries", bsn=bsn)
            )
            found = Resident(party.uuid, party.id, bsn)
        with app.app_context():
            db.remove()
        return found

    return make


def cloud_event(
    type_: str, bsn: str | None, event_id: str | None = None, **data: Any
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "specversion": "1.0",
        "id": event_id or str(uuid.uuid4()),
        "source": "urn:nl:brp:test",
        "type": type_,
        "time": "2026-11-23T10:00:00Z",
        "datacontenttype": "application/json",
        "data": dict(data),
    }
    if bsn is not None:
        body["data"]["bsn"] = bsn
    return body
