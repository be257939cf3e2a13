"""The service catalogue's bad input, refused with a problem that names the place and nothing
stored; and the journeys that keep a service in use."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from journeys.catalogue import service
from journeys.validation import validate
from kcc.db import db, unit_of_work
from kcc.directory.services import update_team
from tests.conftest import Caller
from tests.journeys.conftest import small_doc, to_yaml
from tests.journeys.test_service_catalogue_api import PATH, new_service


def problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.get_json()
    assert response.headers["Content-Type"] == "application/problem+json"
    body: dict[str, Any] = response.get_json()
    assert body["detail"]
    return body


def field_of(body: dict[str, Any]) -> str:
    return str(body["invalid_params"][0]["name"])


def test_a_service_without_a_team_is_refused_naming_the_team(process_owner: Caller) -> None:
    body = new_service()
    del body["team"]
    refused = problem(process_owner.post(PATH, json=body), 422)
    assert field_of(refused) == "team"
    assert process_owner.get(f"{PATH}/rent-allowance-advice").status_code == 404
    assert service("rent-allowance-advice") is None


@pytest.mark.parametrize(
    ("team", "reason"),
    [
        ("", "Length"),
        ("   ", "name the directory team"),
        ("Tuinen", "no team"),
        ("Klachten", "no longer"),
    ],
)
def test_the_team_must_be_an_active_team_of_the_directory(
    app: Flask, process_owner: Caller, team: str, reason: str
) -> None:
    with app.app_context(), unit_of_work():
        update_team("Klachten", {"is_active": False})
    refused = problem(process_owner.post(PATH, json=new_service(team=team)), 422)
    assert field_of(refused) == "team"
    if reason != "Length":
        assert reason in refused["detail"]
    assert process_owner.get(f"{PATH}/rent-allowance-advice").status_code == 404


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title_en": None}, "title_en"),
        ({"title_nl": ""}, "title_nl"),
        ({"title_nl": "   "}, "title_nl"),
        ({"key": "Rent Advice"}, "key"),
        ({"key": "x"}, "key"),
        ({"link": "ftp://files.example/x"}, "link"),
        ({"link": "not a link"}, "link"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_shapes_and_names_that_do_not_fit_are_refused(
    process_owner: Caller, changes: dict[str, Any], field: str
) -> None:
    body = {k: v for k, v in new_service(**changes).items() if v is not None}
    refused = problem(process_owner.post(PATH, json=body), 422)
    assert field_of(refused) == field
    assert service(str(body["key"])) is None
    assert len(process_owner.get(f"{PATH}?limit=100").get_json()["items"]) == 17  # the seed's


def test_a_key_taken_already_is_a_conflict(process_owner: Caller) -> None:
    refused = problem(process_owner.post(PATH, json=new_service(key="waste-pass")), 409)
    assert "waste-pass" in refused["detail"]
    assert service("waste-pass")["title"]["nl"] == "Afvalpas"  # type: ignore[index]


def test_bad_changes_leave_the_service_as_it_was(process_owner: Caller) -> None:
    item = f"{PATH}/digid"
    for body, status, field in (
        ({"team": "Tuinen"}, 422, "team"),
        ({"title_en": "  "}, 422, "title_en"),
        ({"key": "digid-2"}, 422, "key"),
        ({"link": "javascript:alert(1)"}, 422, "link"),
    ):
        assert field_of(problem(process_owner.patch(item, json=body), status)) == field
    assert process_owner.get(item).get_json()["version"] == 1
    assert service("digid")["team"] == "Burgerzaken"  # type: ignore[index]
    assert problem(process_owner.patch(f"{PATH}/no-such", json={"link": ""}), 404)


def test_a_change_made_on_an_old_version_is_refused(process_owner: Caller) -> None:
    item = f"{PATH}/digid"
    assert process_owner.patch(item, json={"title_en": "DigiD", "version": 1}).status_code == 200
    stale = problem(process_owner.patch(item, json={"title_en": "Old", "version": 1}), 409)
    assert "version 2" in stale["detail"]
    assert service("digid")["title"]["en"] == "DigiD"  # type: ignore[index]


def test_a_service_a_published_journey_suggests_stays(process_owner: Caller, small: str) -> None:
    item = f"{PATH}/waste-pass"
    refused = problem(process_owner.patch(item, json={"is_active": False}), 409)
    assert "published journey 'small' v1 suggests 'waste-pass'" in refused["detail"]
    gone = problem(process_owner.delete(item), 409)
    assert "'small'" in gone["detail"]
    assert service("waste-pass")["active"] is True  # type: ignore[index]
    # Other changes stay possible.
    assert process_owner.patch(item, json={"department": "Dar"}).status_code == 200


def test_a_service_offered_or_subscribed_to_is_deactivated_not_removed(
    process_owner: Caller,
) -> None:
    subscribed = process_owner.post(
        "/api/v1/service-subscribers",
        json={"service": "digid", "url": "https://sys.example/hook", "secret": "s" * 20},
    )
    assert subscribed.status_code == 201, subscribed.get_json()
    refused = problem(process_owner.delete(f"{PATH}/digid"), 409)
    assert "deactivate it instead" in refused["detail"]
    off = process_owner.patch(f"{PATH}/digid", json={"is_active": False})
    assert off.status_code == 200 and off.get_json()["is_active"] is False
    listed = process_owner.get(f"{PATH}?include_inactive=false&limit=100").get_json()["items"]
    assert "digid" not in {s["key"] for s in listed}


def test_journey_documents_may_name_only_offered_services_of_the_catalogue(
    app: Flask, process_owner: Caller
) -> None:
    def service_problems(name: str) -> list[str]:
        states = small_doc()["states"]
        states["waiting"]["suggestions"][0]["service"] = name
        with app.app_context():
            try:
                result = validate(to_yaml(small_doc(states=states)))
            finally:
                db.remove()
        return [p["message"] for p in result.problem_dicts()]

    assert service_problems("rent-allowance-advice") == [
        "service 'rent-allowance-advice' is not in the service catalogue"
    ]
    assert process_owner.post(PATH, json=new_service()).status_code == 201
    assert service_problems("rent-allowance-advice") == []
    process_owner.patch(f"{PATH}/rent-allowance-advice", json={"is_active": False})
    assert service_problems("rent-allowance-advice") == [
        "service 'rent-allowance-advice' is not offered any more in the service catalogue"
    ]


def test_what_journeys_read_follows_changes_in_the_session_and_in_other_ones(app: Flask) -> None:
    from journeys.catalogue.keeping import update_service

    with app.app_context():
        try:
            assert service("digid")["title"]["en"] == "Applying for DigiD"  # type: ignore[index]
            update_service("digid", {"title_en": "DigiD"}, "tester")
            assert service("digid")["title"]["en"] == "DigiD"  # type: ignore[index]
            db.rollback()
            assert service("digid")["title"]["en"] == "Applying for DigiD"  # type: ignore[index]
        finally:
            db.remove()
    with app.app_context(), unit_of_work():
        update_service("digid", {"team": "KCC"}, "tester")
    with app.app_context():  # the next request or job reads what was committed
        try:
            assert service("digid")["team"] == "KCC"  # type: ignore[index]
        finally:
            db.remove()
