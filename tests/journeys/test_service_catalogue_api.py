"""The service catalogue over HTTP: who may read and keep it, and what it stores."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from journeys.catalogue import service
from journeys.suggestions.handover import team_for
from kcc.db import db
from kcc.events.models import OutboxEvent
from tests.conftest import Caller

PATH = "/api/v1/journey-services"


def new_service(**changes: Any) -> dict[str, Any]:
    body = {
        "key": "rent-allowance-advice",
        "title_nl": "Advies over huurtoeslag",
        "title_en": "Advice on rent allowance",
        "description_nl": "Wij kijken met u of u huurtoeslag kunt krijgen.",
        "description_en": "We check with you whether you can get rent allowance.",
        "link": "https://www.nijmegen.nl/diensten/huurtoeslag/",
        "department": "Inkomen en Schulden",
        "team": "Belastingen",
    }
    return {**body, **changes}


@pytest.fixture()
def admin(make_caller: Callable[..., Caller]) -> Caller:
    return make_caller("admin")


def test_a_process_owner_adds_a_service_that_journeys_and_handover_then_use(
    process_owner: Caller, agent: Caller
) -> None:
    created = process_owner.post(PATH, json=new_service())
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["key"] == "rent-allowance-advice" and body["version"] == 1
    assert body["is_active"] is True and body["updated_by"].startswith("process_owner-")
    assert agent.get(f"{PATH}/rent-allowance-advice").get_json()["team"] == "Belastingen"
    entry = service("rent-allowance-advice")
    assert entry is not None
    assert entry["title"] == {"nl": "Advies over huurtoeslag", "en": "Advice on rent allowance"}
    assert entry["description"]["en"].startswith("We check")
    assert (entry["link"], entry["department"]) == (body["link"], "Inkomen en Schulden")
    assert team_for("rent-allowance-advice") == ("Belastingen", "")
    events = db.session().scalars(
        select(OutboxEvent.payload).where(OutboxEvent.name == "journey_service.changed")
    )
    assert [(e["key"], e["change"]) for e in events] == [("rent-allowance-advice", "added")]


def test_the_seeded_services_are_listed_by_key_a_page_at_a_time(agent: Caller) -> None:
    first = agent.get(f"{PATH}?limit=5").get_json()
    keys = [s["key"] for s in first["items"]]
    assert keys == sorted(keys) and len(keys) == 5
    second = agent.get(f"{PATH}?limit=100&cursor={first['next_cursor']}").get_json()
    assert second["next_cursor"] is None
    assert keys[-1] < second["items"][0]["key"]
    assert "waste-pass" in keys + [s["key"] for s in second["items"]]


def test_a_change_shows_at_once_in_what_journeys_read(process_owner: Caller) -> None:
    assert service("waste-pass")["title"]["nl"] == "Afvalpas"  # type: ignore[index]
    changed = process_owner.patch(
        f"{PATH}/waste-pass", json={"title_nl": "Afvalpas (digitaal)", "team": "Burgerzaken"}
    )
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["version"] == 2
    entry = service("waste-pass")
    assert entry is not None and entry["title"]["nl"] == "Afvalpas (digitaal)"
    assert entry["title"]["en"] == "Waste pass"  # left out, so kept
    assert team_for("waste-pass") == ("Burgerzaken", "")


def test_an_unused_service_is_removed(process_owner: Caller) -> None:
    assert process_owner.post(PATH, json=new_service()).status_code == 201
    assert process_owner.delete(f"{PATH}/rent-allowance-advice").status_code == 204
    assert process_owner.get(f"{PATH}/rent-allowance-advice").status_code == 404
    assert service("rent-allowance-advice") is None


@pytest.mark.parametrize("role", ["agent", "supervisor", "process_owner", "admin"])
def test_staff_read_the_catalogue(make_caller: Callable[..., Caller], role: str) -> None:
    caller = make_caller(role)
    assert caller.get(PATH).status_code == 200
    assert caller.get(f"{PATH}/waste-pass").status_code == 200


@pytest.mark.parametrize("role", ["agent", "supervisor", "system"])
def test_only_process_owners_and_administrators_keep_it(
    make_caller: Callable[..., Caller], role: str
) -> None:
    caller = make_caller(role)
    assert caller.post(PATH, json=new_service()).status_code == 403
    assert caller.patch(f"{PATH}/waste-pass", json={"title_nl": "X"}).status_code == 403
    assert caller.delete(f"{PATH}/digid").status_code == 403
    assert service("rent-allowance-advice") is None
    assert service("waste-pass")["title"]["nl"] == "Afvalpas"  # type: ignore[index]
    assert service("digid") is not None


def test_system_callers_do_not_read_it(system: Caller) -> None:
    assert system.get(PATH).status_code == 403
    assert system.get(f"{PATH}/waste-pass").status_code == 403


def test_administrators_keep_it_too(admin: Caller) -> None:
    assert admin.post(PATH, json=new_service()).status_code == 201
    assert admin.patch(f"{PATH}/rent-allowance-advice", json={"link": ""}).status_code == 200
    assert admin.delete(f"{PATH}/rent-allowance-advice").status_code == 204


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", PATH),
        ("post", PATH),
        ("get", f"{PATH}/waste-pass"),
        ("patch", f"{PATH}/waste-pass"),
        ("delete", f"{PATH}/waste-pass"),
    ],
)
def test_every_endpoint_needs_a_signed_in_caller(
    app: Flask, client: FlaskClient, method: str, path: str
) -> None:
    response = getattr(client, method)(path, json={} if method in ("post", "patch") else None)
    assert response.status_code == 401
    assert response.headers["Content-Type"] == "application/problem+json"


def test_a_change_that_changes_nothing_keeps_the_version(process_owner: Caller) -> None:
    same = process_owner.patch(f"{PATH}/digid", json={"team": "Burgerzaken", "key": "digid"})
    assert same.status_code == 200 and same.get_json()["version"] == 1
    events = db.session().scalars(
        select(OutboxEvent.id).where(OutboxEvent.name == "journey_service.changed")
    )
    assert list(events) == []
