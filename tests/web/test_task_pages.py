"""The task pages: my tasks and my team's, and one task finished with its controls."""

from __future__ import annotations

from collections.abc import Callable

from tests.conftest import Caller
from tests.web.conftest import Browser


def _callback(agent: Caller, **fields: object) -> dict:
    made = agent.post(
        "/api/v1/tasks",
        json={
            "kind": "callback",
            "assigned_team": "KCC",
            "description": "Bel mevrouw terug",
            **fields,
        },
    )
    assert made.status_code == 201, made.json
    return made.json


def test_team_tasks_and_a_callback_recorded_from_the_page(
    sign_in: Callable[..., Browser], agent: Caller
) -> None:
    browser = sign_in("agent")
    task = _callback(agent)
    team = browser.client.get("/tasks?scope=team").get_data(as_text=True)
    assert "Teamtaken" in team and "Bel mevrouw terug" in team
    mine = browser.client.get("/tasks").get_data(as_text=True)
    assert "Geen open taken." in mine

    page = browser.client.get(f"/tasks/{task['id']}").get_data(as_text=True)
    assert "Terugbelpoging vastleggen" in page and "Overdragen" in page
    missed = browser.client.post(
        f"/tasks/{task['id']}/callback",
        data={"result": "not_reached", "note": "Geen gehoor", "csrf_token": browser.csrf},
    )
    assert missed.status_code == 303
    after = browser.client.get(missed.headers["Location"]).get_data(as_text=True)
    assert "Het gesprek is vastgelegd." in after
    assert "niet bereikt" in after and "Geen gehoor" in after
    assert agent.get(f"/api/v1/tasks/{task['id']}").json["status"] == "in_progress"

    done = browser.client.post(
        f"/tasks/{task['id']}/complete", data={"note": "Gelukt", "csrf_token": browser.csrf}
    )
    assert done.status_code == 303
    assert agent.get(f"/api/v1/tasks/{task['id']}").json["status"] == "done"
    closed = browser.client.get(f"/tasks/{task['id']}").get_data(as_text=True)
    assert "Afsluitende opmerking" not in closed  # no controls on a finished task


def test_handing_a_task_on_from_the_page(
    sign_in: Callable[..., Browser], agent: Caller, make_caller
) -> None:
    browser = sign_in("agent")
    colleague = make_caller("agent", name="collega", team="KCC")
    task = _callback(agent)
    page = browser.client.get(f"/tasks/{task['id']}").get_data(as_text=True)
    assert f"user:{colleague.user_id}" in page and "team:Burgerzaken" in page
    moved = browser.client.post(
        f"/tasks/{task['id']}/reassign",
        data={"to": f"user:{colleague.user_id}", "note": "", "csrf_token": browser.csrf},
    )
    assert moved.status_code == 303
    assert agent.get(f"/api/v1/tasks/{task['id']}").json["assigned_user_id"] == str(
        colleague.user_id
    )
    refused = browser.client.post(
        f"/tasks/{task['id']}/reassign", data={"to": "team:Nergens", "csrf_token": browser.csrf}
    )
    assert refused.status_code == 422
    unsafe = browser.client.post(f"/tasks/{task['id']}/complete", data={"note": "x"})
    assert unsafe.status_code == 400  # no CSRF token
    assert agent.get(f"/api/v1/tasks/{task['id']}").json["status"] == "open"


def test_task_pages_are_for_staff(sign_in: Callable[..., Browser], agent: Caller) -> None:
    task = _callback(agent)
    owner = sign_in("process_owner")
    assert owner.client.get("/tasks").status_code == 403
    assert owner.client.get(f"/tasks/{task['id']}").status_code == 403
