"""Fixtures for the suggestion tests: the journeys' and channels' fixtures, and a resident with a phone."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from kcc.db import db, unit_of_work
from tests.channels.conftest import channel_settings, fake_twilio, text_in  # noqa: F401  (fixtures)
from tests.conftest import Caller, valid_bsn
from tests.journeys.conftest import (  # noqa: F401
    SMALL,
    cloud_event,
    load,
    process_owner,
    small,
    small_doc,
    to_yaml,
)

_seeds = itertools.count(5000)
_phones = itertools.count(10000000)


@dataclass
class Person:
    uuid: uuid.UUID
    id: int
    bsn: str
    phone: str


@pytest.fixture()
def make_person(app: Flask) -> Callable[..., Person]:
    def make(language: str = "nl", channel: str | None = "sms", email: str | None = None) -> Person:
        from kcc.parties.services import AddressInput, PartyInput, register_party

        bsn = valid_bsn(next(_seeds))
        phone = f"+316{next(_phones):08d}"
        with app.app_context(), unit_of_work():
            party = register_party(
                PartyInput(
                    type="person",
                    given_names="Sanne",
                    surname="de Vries",
                    bsn=bsn,
                    preferred_language=language,
                    preferred_channel=channel,
                    digital_addresses=[
                        AddressInput(kind="phone", address=phone, is_default=True),
                        *(
                            [AddressInput(kind="email", address=email, is_default=True)]
                            if email
                            else []
                        ),
                    ],
                )
            )
            found = Person(party.uuid, party.id, bsn, phone)
        with app.app_context():
            db.remove()
        return found

    return make


def approve_doc() -> dict[str, Any]:
    """The small journey whose suggestions need an agent's approval."""
    doc = small_doc()
    doc["states"]["waiting"]["suggestions"][0]["approval"] = "agent"
    return doc


def start_small(system: Caller, person: Person, event_id: str | None = None) -> Any:
    response = system.post(
        "/api/v1/events", json=cloud_event("nl.test.started", person.bsn, event_id)
    )
    assert response.status_code in (200, 201, 202), response.get_json()
    return response


def grant(
    agent: Caller, person: Person, purpose: str = "proactive", channel: str = "sms"
) -> dict[str, Any]:
    response = agent.post(
        f"/api/v1/parties/{person.uuid}/consents",
        json={"purpose": purpose, "channel": channel, "method": "counter"},
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()  # type: ignore[no-any-return]


@pytest.fixture()
def roomy_cap(app: Flask) -> Iterator[None]:
    """A cap on proactive messages high enough for tests that queue many."""
    from journeys.suggestions.delivery import Cap

    before = app.config.get("KCC_SUGGESTION_CAP")
    app.config["KCC_SUGGESTION_CAP"] = Cap(messages=100, days=30)
    yield
    app.config["KCC_SUGGESTION_CAP"] = before


@pytest.fixture()
def builtins_moving(app: Flask) -> str:
    from tests.journeys.conftest import DEFINITIONS

    load(app, (DEFINITIONS / "moving.yaml").read_text(encoding="utf-8"))
    return "moving"


def consented_and_started(
    agent: Caller, system: Caller, person: Person, run_jobs: Callable[[], int]
) -> dict[str, Any]:
    """Grant ``person`` consent, start the small journey and run the jobs that offer its first
    suggestion (the journey's event, then the suggestion's). Returns the consent."""
    consent = grant(agent, person)
    start_small(system, person)
    run_jobs()
    run_jobs()
    return consent


def offer_waste_passes(session: Session, person: Person, count: int, **extra: str) -> list[Any]:
    """Offer ``count`` numbered waste-pass suggestions on the person's active small journey, in
    the caller's unit of work; ``extra`` goes into every suggestion (``approval="agent"``)."""
    from journeys.models import JourneyInstance
    from journeys.suggestions.services import offer

    instance = session.scalars(
        select(JourneyInstance).where(JourneyInstance.party_id == person.id)
    ).one()
    return offer(
        str(uuid.uuid4()),
        {
            "party_id": str(person.uuid),
            "instance_id": str(instance.uuid),
            "journey": "small",
            "version": 1,
            "state": "waiting",
            "suggestions": [
                {
                    "service": "waste-pass",
                    "text": {"nl": f"Afvalpas {i}", "en": f"Waste pass {i}"},
                    "consent_purpose": "proactive-test",
                    **extra,
                }
                for i in range(count)
            ],
        },
    )


def offer_for_approval(app: Flask, person: Person, count: int) -> list[uuid.UUID]:
    """``count`` suggestions needing an agent's approval, on the person's active small journey."""
    with app.app_context(), unit_of_work() as session:
        ids = [s.uuid for s in offer_waste_passes(session, person, count, approval="agent")]
    with app.app_context():
        db.remove()
    return ids
