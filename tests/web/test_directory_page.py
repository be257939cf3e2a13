"""The directory page: staff read it, administrators keep it."""

from __future__ import annotations

from collections.abc import Callable

from tests.conftest import Caller
from tests.web.conftest import Browser


def test_an_admin_adds_a_department_and_team_and_moves_an_employee(
    sign_in: Callable[..., Browser], make_caller: Callable[..., Caller]
) -> None:
    admin = sign_in("admin")
    colleague = make_caller("agent", name="w.bakker", team="KCC")
    page = admin.client.get("/directory").get_data(as_text=True)
    assert "Afdeling toevoegen" in page and "Klantcontactcentrum" in page
    form = {"csrf_token": admin.csrf}
    added = admin.client.post(
        "/directory/departments",
        data={**form, "key": "Stadsbeheer", "name": "Stadsbeheer", "email": "sb@gemeente.test"},
    )
    assert added.status_code == 303
    team = admin.client.post(
        "/directory/teams",
        data={**form, "key": "Afval", "name": "Afval", "department": "Stadsbeheer"},
    )
    assert team.status_code == 303
    default = admin.client.post(
        "/directory/departments/Stadsbeheer/default-team", data={**form, "team": "Afval"}
    )
    assert default.status_code == 303
    moved = admin.client.post(
        "/directory/employees", data={**form, "user": str(colleague.user_id), "team": "Afval"}
    )
    assert moved.status_code == 303
    assert colleague.get("/api/v1/departments/Stadsbeheer").json["default_team"] == "Afval"
    assert [m["name"] for m in colleague.get("/api/v1/teams/Afval/members").json] == ["w.bakker"]
    shown = admin.client.get(moved.headers["Location"]).get_data(as_text=True)
    assert "Opgeslagen." in shown and "w.bakker" in shown

    wrong = admin.client.post(
        "/directory/employees", data={**form, "user": str(colleague.user_id), "team": "Nergens"}
    )
    assert wrong.status_code == 422
    assert "Niet alles wat u hebt ingevuld is geldig" in wrong.get_data(as_text=True)
    assert "in the directory" not in wrong.get_data(as_text=True)  # no English API detail


def test_an_admin_gives_an_employee_their_own_address(
    sign_in: Callable[..., Browser], make_caller: Callable[..., Caller]
) -> None:
    admin = sign_in("admin")
    colleague = make_caller("agent", name="j.smit", team="KCC")
    page = admin.client.get("/directory").get_data(as_text=True)
    assert "Eigen e-mailadres van een medewerker" in page
    form = {"csrf_token": admin.csrf, "user": str(colleague.user_id)}
    saved = admin.client.post(
        "/directory/employees/email", data={**form, "email": "J.Smit@Gemeente.nl"}
    )
    assert saved.status_code == 303
    assert "j.smit@gemeente.nl" in admin.client.get(saved.headers["Location"]).get_data(
        as_text=True
    )
    wrong = admin.client.post("/directory/employees/email", data={**form, "email": "j.smit"})
    assert wrong.status_code == 422
    assert "geen e-mailadres" in wrong.get_data(as_text=True)
    emptied = admin.client.post("/directory/employees/email", data={**form, "email": ""})
    assert emptied.status_code == 303
    shown = admin.client.get("/directory").get_data(as_text=True)
    assert "j.smit@gemeente.nl" not in shown


def test_agents_read_the_directory_but_do_not_keep_it(sign_in: Callable[..., Browser]) -> None:
    agent = sign_in("agent")
    page = agent.client.get("/directory").get_data(as_text=True)
    assert "Klantcontactcentrum" in page and "Afdeling toevoegen" not in page
    refused = agent.client.post(
        "/directory/teams", data={"csrf_token": agent.csrf, "key": "X", "name": "X"}
    )
    assert refused.status_code == 403
    assert sign_in("process_owner").client.get("/directory").status_code == 403
