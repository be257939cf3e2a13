"""Tasks finish: complete, reassign, comment, record a callback, and callback requests routed
to a colleague, a team or a department, told by e-mail over real SMTP."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from sqlalchemy import func, select

from kcc.db import db
from kcc.directory.services import create_department, create_team, update_department
from kcc.events.models import OutboxEvent
from kcc.tasks.mail import send_staff_mail
from kcc.tasks.models import StaffMail, Task
from tests.conftest import Caller
from tests.fakes.smtp_server import LocalSmtpServer


@pytest.fixture()
def smtp(monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalSmtpServer]:
    with LocalSmtpServer() as server:
        monkeypatch.setenv("KCC_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("KCC_SMTP_PORT", str(server.port))
        monkeypatch.setenv("KCC_SMTP_FROM", "kcc@gemeente.test")
        yield server


def _wait_for(predicate: Callable[[], bool], seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def _callback(caller: Caller, **fields: object) -> dict:
    response = caller.post(
        "/api/v1/tasks",
        json={"kind": "callback", "assigned_team": "KCC", "description": "Bel terug", **fields},
    )
    assert response.status_code == 201, response.json
    return response.json


def _events(app: Flask, name: str) -> list[dict]:
    with app.app_context():
        try:
            return [
                e.payload
                for e in db.session().scalars(
                    select(OutboxEvent).where(OutboxEvent.name == name).order_by(OutboxEvent.id)
                )
            ]
        finally:
            db.remove()


def _count(app: Flask, model: type) -> int:
    with app.app_context():
        try:
            return int(db.session().scalar(select(func.count()).select_from(model)) or 0)
        finally:
            db.remove()


def test_a_task_is_completed_once_with_a_closing_comment(app: Flask, agent: Caller) -> None:
    task = _callback(agent)
    done = agent.post(f"/api/v1/tasks/{task['id']}/complete", json={"note": "Afgehandeld"})
    assert done.status_code == 200, done.json
    assert done.json["status"] == "done" and done.json["completed_at"]
    again = agent.post(f"/api/v1/tasks/{task['id']}/complete", json={})
    assert again.status_code == 409
    assert "done already" in again.json["detail"]
    comments = agent.get(f"/api/v1/tasks/{task['id']}/comments").json
    assert [c["text"] for c in comments] == ["Afgehandeld"]
    assert comments[0]["author_id"] == str(agent.user_id)
    completed = _events(app, "task.completed")
    assert [e["task_id"] for e in completed] == [task["id"]]
    assert completed[0]["by_user_id"] == str(agent.user_id)


def test_reassign_to_a_colleague_or_a_team(app: Flask, agent: Caller, make_caller) -> None:
    colleague = make_caller("agent", team="Burgerzaken")
    task = _callback(agent)
    path = f"/api/v1/tasks/{task['id']}/reassign"
    to_user = agent.post(path, json={"user_id": str(colleague.user_id), "note": "Jij kent dit"})
    assert to_user.status_code == 200, to_user.json
    assert to_user.json["assigned_user_id"] == str(colleague.user_id)
    assert to_user.json["assigned_team"] == "KCC"
    to_team = agent.post(path, json={"team": "Burgerzaken"})
    assert to_team.json["assigned_user_id"] is None
    assert to_team.json["assigned_team"] == "Burgerzaken"
    moves = _events(app, "task.reassigned")
    assert [(m["to_user_id"], m["to_team"]) for m in moves] == [
        (str(colleague.user_id), "KCC"),
        (None, "Burgerzaken"),
    ]
    assert moves[1]["from_user_id"] == str(colleague.user_id)
    assert agent.post(path, json={"team": "Burgerzaken"}).status_code == 409
    both = agent.post(path, json={"team": "KCC", "user_id": str(colleague.user_id)})
    assert both.status_code == 422


def test_reassigning_to_a_disabled_user_changes_nothing(
    app: Flask, agent: Caller, make_caller
) -> None:
    admin = make_caller("admin", team=None)
    leaver = make_caller("agent", name="vertrokken")
    assert (
        admin.patch(f"/api/v1/users/{leaver.user_id}", json={"is_active": False}).status_code == 200
    )
    task = _callback(agent)
    refused = agent.post(
        f"/api/v1/tasks/{task['id']}/reassign",
        json={"user_id": str(leaver.user_id), "note": "Graag oppakken"},
    )
    assert refused.status_code == 422
    assert refused.json["invalid_params"] == [
        {"name": "user_id", "reason": "vertrokken is disabled and takes no work"}
    ]
    assert agent.get(f"/api/v1/tasks/{task['id']}").json["assigned_team"] == "KCC"
    assert agent.get(f"/api/v1/tasks/{task['id']}/comments").json == []
    assert _events(app, "task.reassigned") == []
    patched = agent.patch(
        f"/api/v1/tasks/{task['id']}", json={"assigned_user_id": str(leaver.user_id)}
    )
    assert patched.status_code == 422


def test_callback_outcomes(app: Flask, agent: Caller) -> None:
    task = _callback(agent)
    path = f"/api/v1/tasks/{task['id']}/callback-attempts"
    missed = agent.post(path, json={"result": "not_reached", "note": "Geen gehoor"})
    assert missed.status_code == 201, missed.json
    assert agent.get(f"/api/v1/tasks/{task['id']}").json["status"] == "in_progress"
    voicemail = agent.post(path, json={"result": "left_message", "note": "Ingesproken"})
    assert voicemail.status_code == 201
    reached = agent.post(path, json={"result": "reached", "note": "Vraag beantwoord"})
    assert reached.status_code == 201
    assert agent.get(f"/api/v1/tasks/{task['id']}").json["status"] == "done"
    results = [c["callback_result"] for c in agent.get(f"/api/v1/tasks/{task['id']}/comments").json]
    assert results == ["not_reached", "left_message", "reached"]
    assert agent.post(path, json={"result": "reached"}).status_code == 409
    assert agent.post(path, json={"result": "maybe"}).status_code == 422
    follow_up = agent.post("/api/v1/tasks", json={"kind": "follow_up", "assigned_team": "KCC"}).json
    wrong = agent.post(
        f"/api/v1/tasks/{follow_up['id']}/callback-attempts", json={"result": "reached"}
    )
    assert wrong.status_code == 422
    assert len(_events(app, "task.commented")) == 3


def test_comments_mask_a_bsn(agent: Caller) -> None:
    task = _callback(agent)
    made = agent.post(f"/api/v1/tasks/{task['id']}/comments", json={"text": "BSN 111222333 gebeld"})
    assert made.status_code == 201
    assert "111222333" not in made.json["text"]
    assert agent.post(f"/api/v1/tasks/{task['id']}/comments", json={"text": " "}).status_code == 422


def test_a_contact_request_to_a_department_lands_in_its_team_and_mailbox(
    app: Flask, agent: Caller, smtp: LocalSmtpServer, run_jobs
) -> None:
    with app.app_context():
        create_department("Stadsbeheer", "Stadsbeheer", email="stadsbeheer@gemeente.test")
        create_team("Parkeren", "Parkeren", department_key="Stadsbeheer")
        update_department("Stadsbeheer", {"default_team": "Parkeren"})
        db.commit()
        db.remove()
    made = agent.post(
        "/api/v1/tasks/contact-requests",
        json={"description": "Vraag over vergunning", "to_department": "Stadsbeheer"},
    )
    assert made.status_code == 201, made.json
    assert made.json["assigned_team"] == "Parkeren"
    assert made.json["kind"] == "callback"
    run_jobs()
    _wait_for(lambda: len(smtp.messages) == 1)
    mail = smtp.messages[0]
    assert mail["To"] == "stadsbeheer@gemeente.test"
    assert mail["Subject"] == "Nieuw contactverzoek voor Stadsbeheer"
    assert f"/tasks/{made.json['id']}" in mail.get_content()
    queue = agent.get("/api/v1/tasks?assigned_team=Parkeren&open=true").json["items"]
    assert [t["id"] for t in queue] == [made.json["id"]]
    requested = _events(app, "task.contact_requested")
    assert requested[0]["to_department"] == "Stadsbeheer"

    with app.app_context():  # the job is safe to run twice: nothing is sent again
        mail_id = str(db.session().scalar(select(StaffMail.uuid)))
        db.remove()
        assert send_staff_mail(mail_id) == "sent"
        db.remove()
    time.sleep(0.2)
    assert len(smtp.messages) == 1


def test_a_contact_request_to_a_colleague_or_team(
    agent: Caller, make_caller, smtp: LocalSmtpServer, run_jobs
) -> None:
    colleague = make_caller("agent", team="Burgerzaken")
    to_user = agent.post(
        "/api/v1/tasks/contact-requests",
        json={"description": "Terugbellen", "to_user_id": str(colleague.user_id)},
    )
    assert to_user.status_code == 201, to_user.json
    assert to_user.json["assigned_user_id"] == str(colleague.user_id)
    to_team = agent.post(
        "/api/v1/tasks/contact-requests", json={"description": "Terugbellen", "to_team": "KCC"}
    )
    assert to_team.json["assigned_team"] == "KCC"
    run_jobs()
    _wait_for(lambda: len(smtp.messages) == 2)
    assert sorted(m["To"] for m in smtp.messages) == [
        "burgerzaken@gemeente.test",
        "kcc@gemeente.test",
    ]


def test_a_contact_request_to_a_colleague_with_an_address_is_mailed_to_them(
    agent: Caller, make_caller, smtp: LocalSmtpServer, run_jobs
) -> None:
    admin = make_caller("admin", team=None)
    anna = make_caller("agent", name="anna", team="Burgerzaken")
    without = make_caller("agent", name="bert", team="Burgerzaken")
    changed = admin.patch(f"/api/v1/users/{anna.user_id}", json={"email": "Anna@Gemeente.test"})
    assert changed.status_code == 200, changed.json
    assert changed.json["email"] == "anna@gemeente.test"
    for colleague in (anna, without):
        sent = agent.post(
            "/api/v1/tasks/contact-requests",
            json={"description": "Terugbellen", "to_user_id": str(colleague.user_id)},
        )
        assert sent.status_code == 201, sent.json
    run_jobs()
    _wait_for(lambda: len(smtp.messages) == 2)
    # Anna's own address; Bert has none, so his team's mailbox is told.
    assert sorted(m["To"] for m in smtp.messages) == [
        "anna@gemeente.test",
        "burgerzaken@gemeente.test",
    ]
    refused = admin.patch(f"/api/v1/users/{anna.user_id}", json={"email": "anna"})
    assert refused.status_code == 422
    assert refused.json["invalid_params"] == [{"name": "email", "reason": "not an e-mail address"}]
    emptied = admin.patch(f"/api/v1/users/{anna.user_id}", json={"email": ""})
    assert emptied.json["email"] == ""


def test_a_user_is_created_with_an_own_address(make_caller) -> None:
    admin = make_caller("admin", team=None)
    created = admin.post(
        "/api/v1/users",
        json={"name": "carla", "role": "agent", "team": "KCC", "email": "Carla@Gemeente.test"},
    )
    assert created.status_code == 201, created.json
    assert created.json["user"]["email"] == "carla@gemeente.test"
    refused = admin.post("/api/v1/users", json={"name": "dirk", "role": "agent", "email": "dirk"})
    assert refused.status_code == 422
    assert refused.json["invalid_params"] == [{"name": "email", "reason": "not an e-mail address"}]


def test_the_command_creates_a_user_with_an_own_address(app: Flask) -> None:
    from click.testing import CliRunner
    from flask.cli import ScriptInfo

    from kcc.auth.models import User
    from kcc.cli import main

    runner, info = CliRunner(), ScriptInfo(create_app=lambda: app)
    args = ["users", "create", "eva", "--role", "agent", "--email", "Eva@Utrecht.nl"]
    created = runner.invoke(main, args, obj=info)
    assert created.exit_code == 0, created.output
    with app.app_context():
        assert db.session().scalar(select(User.email).where(User.name == "eva")) == (
            "eva@utrecht.nl"
        )
        db.remove()
    fred = ["users", "create", "fred", "--role", "agent", "--email", "x"]
    refused = runner.invoke(main, fred, obj=info)
    assert refused.exit_code == 2 and "email" in refused.output, refused.output


def test_a_bad_contact_request_leaves_nothing_behind(
    app: Flask, agent: Caller, make_caller, smtp: LocalSmtpServer
) -> None:
    with app.app_context():
        create_department("Leeg", "Leeg", email="leeg@gemeente.test")
        db.commit()
        db.remove()
    leaver = make_caller("agent", name="weg")
    make_caller("admin", team=None).patch(
        f"/api/v1/users/{leaver.user_id}", json={"is_active": False}
    )
    cases = [
        ({"to_department": "Nergens"}, "to_department", "no department 'Nergens' in the directory"),
        (
            {"to_department": "Leeg"},
            "to_department",
            "department 'Leeg' has no default team to take the work",
        ),
        ({"to_team": "Nergens"}, "to_team", "no team 'Nergens' in the directory"),
        ({"to_user_id": str(leaver.user_id)}, "to_user_id", "weg is disabled and takes no work"),
        ({}, "to_user_id", "send the request to exactly one colleague, team or department"),
    ]
    for target, field, reason in cases:
        refused = agent.post(
            "/api/v1/tasks/contact-requests", json={"description": "Bel terug", **target}
        )
        assert refused.status_code == 422, (target, refused.json)
        assert refused.json["invalid_params"] == [{"name": field, "reason": reason}]
    assert _count(app, Task) == 0
    assert _count(app, StaffMail) == 0
    assert _events(app, "task.contact_requested") == []
    assert smtp.messages == []


def test_an_unreachable_mail_server_keeps_the_mail_queued(
    app: Flask, agent: Caller, monkeypatch: pytest.MonkeyPatch, run_jobs
) -> None:
    from tests.fakes.smtp_server import free_port

    monkeypatch.setenv("KCC_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("KCC_SMTP_PORT", str(free_port()))
    made = agent.post(
        "/api/v1/tasks/contact-requests", json={"description": "Bel terug", "to_team": "KCC"}
    )
    assert made.status_code == 201  # the request is stored even when the mail cannot go yet
    run_jobs()
    with app.app_context():
        mail = db.session().scalar(select(StaffMail))
        assert mail is not None
        assert (mail.status, mail.attempts) == ("queued", 1)
        assert "ConnectionRefusedError" in mail.last_error
        db.remove()


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("post", "/complete", {}),
        ("post", "/reassign", {"team": "KCC"}),
        ("post", "/comments", {"text": "x"}),
        ("get", "/comments", None),
        ("post", "/callback-attempts", {"result": "reached"}),
    ],
)
def test_task_handling_is_for_staff(
    agent: Caller, make_caller, method: str, suffix: str, body: dict | None
) -> None:
    task = _callback(agent)
    for role in ("system", "process_owner"):
        caller = make_caller(role)
        call = getattr(caller, method)
        path = f"/api/v1/tasks/{task['id']}{suffix}"
        response = call(path, json=body) if body is not None else call(path)
        assert response.status_code == 403, role
    system = make_caller("system")
    assert (
        system.post(
            "/api/v1/tasks/contact-requests", json={"description": "x", "to_team": "KCC"}
        ).status_code
        == 403
    )


def test_comments_are_exported_and_erased_with_the_residents_task(
    agent: Caller, supervisor: Caller
) -> None:
    party = agent.post("/api/v1/parties", json={"type": "person", "surname": "Bos"}).json
    task = _callback(agent, party_id=party["id"])
    agent.post(
        f"/api/v1/tasks/{task['id']}/callback-attempts",
        json={"result": "reached", "note": "Mevrouw Bos gesproken"},
    )
    exported = agent.get(f"/api/v1/parties/{party['id']}/export").json
    comments = exported["tasks"][0]["comments"]
    assert [(c["text"], c["callback_result"]) for c in comments] == [
        ("Mevrouw Bos gesproken", "reached")
    ]
    erased = supervisor.post(
        f"/api/v1/parties/{party['id']}/erasure", json={"reason": "verzoek van de inwoner"}
    )
    assert erased.status_code == 200, erased.json
    assert agent.get(f"/api/v1/tasks/{task['id']}/comments").status_code == 404


def test_a_callback_to_an_unknown_department_is_refused_in_the_callers_language(
    app: Flask, agent: Caller
) -> None:
    body = {"description": "Bel terug", "to_department": "Nergens"}
    dutch = agent.post(
        "/api/v1/tasks/contact-requests", json=body, headers={"Accept-Language": "nl"}
    )
    assert dutch.status_code == 422
    assert dutch.json["title"] == "Controle mislukt"
    assert dutch.json["invalid_params"] == [
        {"name": "to_department", "reason": "geen afdeling 'Nergens' in de gids"}
    ]
    assert dutch.json["detail"] == "to_department: geen afdeling 'Nergens' in de gids"
    english = agent.post("/api/v1/tasks/contact-requests", json=body)
    assert english.json["detail"] == "to_department: no department 'Nergens' in the directory"
    assert _count(app, Task) == 0
