"""A service the catalogue no longer offers is not suggested, even by an instance that is
still on an older version naming it."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from flask import Flask
from sqlalchemy import select

from journeys.suggestions.handlers import on_state_entered
from kcc.db import db, unit_of_work
from kcc.events.base import EventEnvelope
from kcc.events.models import OutboxEvent
from tests.conftest import Caller
from tests.suggestions.conftest import consented_and_started, load, small_doc, to_yaml

PATH = "/api/v1/journey-services/waste-pass"


def _enter_waiting_again(app: Flask, event_id: str) -> list[str]:
    """Hand the instance's first ``journey.state_entered`` to the offer handler once more,
    as a new event; the services of the suggestions it makes."""
    from journeys.suggestions.models import Suggestion

    with app.app_context():
        row = (
            db.session()
            .scalars(select(OutboxEvent).where(OutboxEvent.name == "journey.state_entered"))
            .first()
        )
        assert row is not None
        envelope = EventEnvelope(
            uuid.uuid5(row.event_id, event_id), row.name, row.occurred_at, dict(row.payload)
        )
        db.remove()
    with app.app_context(), unit_of_work():
        on_state_entered(envelope)
    with app.app_context():
        made = db.session().scalars(
            select(Suggestion.service).where(Suggestion.source_event_id == str(envelope.event_id))
        )
        services = list(made)
        db.remove()
    return services


def test_a_deactivated_service_is_left_out_of_an_older_versions_offer(
    app: Flask,
    small: str,
    make_person: Callable[..., Any],
    agent: Caller,
    system: Caller,
    process_owner: Caller,
    run_jobs: Callable[[], int],
) -> None:
    person = make_person()
    consented_and_started(agent, system, person, run_jobs)
    states = small_doc()["states"]
    states["waiting"]["suggestions"][0]["service"] = "digid"
    load(app, to_yaml(small_doc(version=2, states=states)))  # v1 retires; the instance stays on it

    assert process_owner.patch(PATH, json={"is_active": False}).status_code == 200
    assert _enter_waiting_again(app, "while-inactive") == []

    assert process_owner.patch(PATH, json={"is_active": True}).status_code == 200
    assert _enter_waiting_again(app, "offered-again") == ["waste-pass"]
