"""The directory of departments and teams that work is routed to."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from kcc.db import db
from kcc.directory.services import (
    create_department,
    create_team,
    get_team,
    list_teams,
    require_active_team,
)
from kcc.errors import Conflict, NotFound, ValidationFailed


@pytest.fixture()
def ctx(app: Flask) -> Iterator[None]:
    with app.app_context():
        yield
        db.remove()


def test_a_team_in_a_department_is_found_by_its_key(ctx: None) -> None:
    create_department("Stadsbeheer", "Stadsbeheer", email="stadsbeheer@example.org")
    create_team("Parkeren", "Parkeren", department_key="Stadsbeheer", email="p@example.org")
    db.commit()

    team = get_team("Parkeren")
    assert (team.name, team.department_name, team.email) == (
        "Parkeren",
        "Stadsbeheer",
        "p@example.org",
    )
    assert "Parkeren" in [t.key for t in list_teams()]


def test_keys_are_unique_and_departments_must_exist(ctx: None) -> None:
    # The test setup keeps the front office's team "KCC" in the directory.
    with pytest.raises(Conflict):
        create_team("KCC", "Another")
    with pytest.raises(ValidationFailed) as raised:
        create_team("Afval", "Afval", department_key="Nowhere")
    assert raised.value.invalid_params[0]["name"] == "department"


def test_work_goes_only_to_a_known_active_team(ctx: None) -> None:
    with pytest.raises(NotFound):
        get_team("Unknown")
    with pytest.raises(ValidationFailed) as raised:
        require_active_team("Unknown", field="assigned_team")
    assert raised.value.invalid_params == [
        {"name": "assigned_team", "reason": "no team 'Unknown' in the directory"}
    ]
    assert require_active_team("KCC").key == "KCC"
