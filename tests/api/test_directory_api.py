"""The directory over the API: administrators keep departments, teams and who is in them;
everyone on staff may read it to route work."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.conftest import Caller


@pytest.fixture()
def admin(make_caller: Callable[..., Caller]) -> Caller:
    return make_caller("admin", team=None)


def test_an_admin_keeps_departments_and_teams(admin: Caller, agent: Caller) -> None:
    made = admin.post(
        "/api/v1/departments",
        json={"key": "Stadsbeheer", "name": "Stadsbeheer", "email": "sb@gemeente.test"},
    )
    assert made.status_code == 201, made.json
    team = admin.post(
        "/api/v1/teams",
        json={"key": "Parkeren", "name": "Parkeren", "department": "Stadsbeheer", "email": ""},
    )
    assert team.status_code == 201, team.json
    assert team.json["department"] == "Stadsbeheer"
    default = admin.patch("/api/v1/departments/Stadsbeheer", json={"default_team": "Parkeren"})
    assert default.status_code == 200
    assert default.json["default_team"] == "Parkeren"

    teams = agent.get("/api/v1/teams").json
    assert "Parkeren" in [t["key"] for t in teams]
    assert agent.get("/api/v1/departments/Stadsbeheer").json["default_team"] == "Parkeren"
    assert agent.get("/api/v1/teams/Parkeren").json["name"] == "Parkeren"

    closed = admin.patch("/api/v1/teams/Parkeren", json={"is_active": False})
    assert closed.json["is_active"] is False
    active = [t["key"] for t in agent.get("/api/v1/teams?active=true").json]
    assert "Parkeren" not in active and "KCC" in active


def test_employees_are_users_with_their_team(admin: Caller, make_caller) -> None:
    colleague = make_caller("agent", name="j.jansen", team="KCC")
    members = admin.get("/api/v1/teams/KCC/members").json
    assert "j.jansen" in [m["name"] for m in members]
    moved = admin.patch(f"/api/v1/employees/{colleague.user_id}", json={"team": "Burgerzaken"})
    assert moved.status_code == 200
    assert moved.json["team"] == "Burgerzaken"
    assert "j.jansen" not in [m["name"] for m in admin.get("/api/v1/teams/KCC/members").json]
    listed = admin.get("/api/v1/employees?team=Burgerzaken").json
    assert [e["name"] for e in listed] == ["j.jansen"]


def test_bad_input_is_refused_and_changes_nothing(admin: Caller, make_caller) -> None:
    colleague = make_caller("agent", team="KCC")
    unknown = admin.patch(f"/api/v1/employees/{colleague.user_id}", json={"team": "Nergens"})
    assert unknown.status_code == 422
    assert unknown.json["invalid_params"] == [
        {"name": "team", "reason": "no team 'Nergens' in the directory"}
    ]
    assert admin.get("/api/v1/employees?team=KCC").json[-1]["team"] == "KCC"
    assert admin.post("/api/v1/teams", json={"key": "KCC", "name": "x"}).status_code == 409
    bad_mail = admin.post("/api/v1/departments", json={"key": "X", "name": "X", "email": "nope"})
    assert bad_mail.status_code == 422
    elsewhere = admin.post("/api/v1/departments", json={"key": "Y", "name": "Y"})
    assert elsewhere.status_code == 201
    wrong = admin.patch("/api/v1/departments/Y", json={"default_team": "KCC"})
    assert wrong.status_code == 422  # KCC is not part of department Y
    assert admin.get("/api/v1/departments/Y").json["default_team"] is None
    assert admin.get("/api/v1/teams/Nergens").status_code == 404
    no_department = admin.post(
        "/api/v1/teams", json={"key": "Z", "name": "Z", "department": "Nowhere"}
    )
    assert no_department.status_code == 422


@pytest.mark.parametrize("role", ["agent", "supervisor", "process_owner", "system"])
def test_staff_read_but_only_admins_keep_the_directory(make_caller, role: str) -> None:
    caller = make_caller(role)
    assert caller.get("/api/v1/teams").status_code == 200
    assert caller.get("/api/v1/departments").status_code == 200
    assert caller.get("/api/v1/teams/KCC/members").status_code == 200
    assert caller.post("/api/v1/teams", json={"key": "A", "name": "A"}).status_code == 403
    assert caller.patch("/api/v1/teams/KCC", json={"name": "A"}).status_code == 403
    assert caller.post("/api/v1/departments", json={"key": "A", "name": "A"}).status_code == 403
    assert (
        caller.patch(f"/api/v1/employees/{caller.user_id}", json={"team": None}).status_code == 403
    )


def test_the_directory_needs_a_token(client) -> None:
    assert client.get("/api/v1/teams").status_code == 401
