"""A yes reaches a person: a task for the catalogue's team and a confirmation to the resident;
several open offers are numbered and a bare JA is asked about, never guessed."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import select

from kcc.db import db, unit_of_work
from tests.conftest import Caller
from tests.fakes.twilio_server import FakeTwilio
from tests.suggestions.conftest import consented_and_started, offer_waste_passes


def _teams(app: Flask, *keys: str) -> None:
    from kcc.directory.services import create_team, find_team

    with app.app_context(), unit_of_work():
        for key in keys:
            if find_team(key) is None:  # the suite's own teams are there already
                create_team(key, f"Team {key}")
    with app.app_context():
        db.remove()


def _tasks(agent: Caller, person: Any) -> list[dict[str, Any]]:
    response = agent.get(f"/api/v1/tasks?party={person.uuid}")
    assert response.status_code == 200, response.get_json()
    return response.get_json()["items"]  # type: ignore[no-any-return]


def _items(agent: Caller, person: Any) -> list[dict[str, Any]]:
    return agent.get(f"/api/v1/parties/{person.uuid}/suggestions").get_json()["items"]  # type: ignore[no-any-return]


def test_an_agents_accept_makes_a_task_for_the_team_and_confirms(
    app: Flask,
    small: str,
    make_person,
    agent: Caller,
    system: Caller,
    fake_twilio: FakeTwilio,
    run_jobs,
) -> None:  # type: ignore[no-untyped-def]
    _teams(app, "Afval", "KCC")
    person = make_person()
    consented_and_started(agent, system, person, run_jobs)
    suggestion = _items(agent, person)[0]
    accepted = agent.post(f"/api/v1/suggestions/{suggestion['id']}/accept")
    assert accepted.status_code == 200, accepted.get_json()
    for _ in range(3):
        run_jobs()
    tasks = _tasks(agent, person)
    assert len(tasks) == 1 and tasks[0]["kind"] == "follow_up"
    assert tasks[0]["assigned_team"] == "Afval" and "Afvalpas" in tasks[0]["description"]
    confirmation = fake_twilio.sent()[-1]
    assert confirmation.to == person.phone
    assert "U zei ja tegen: Afvalpas" in confirmation.body and "Team Afval" in confirmation.body
    assert "5 werkdagen" in confirmation.body
    # Running the subscriber again makes no second task.
    with app.app_context(), unit_of_work():
        from journeys.suggestions.handover import hand_over
        from journeys.suggestions.models import Suggestion
        from kcc.parties.models import Party

        row = db.session().scalars(select(Suggestion)).one()
        hand_over(row, db.session().get(Party, row.party_id))
    assert len(_tasks(agent, person)) == 1


def test_a_team_the_directory_does_not_know_sends_the_yes_to_the_contact_centre(
    app: Flask, small: str, make_person, agent: Caller, system: Caller, fake_twilio, run_jobs
) -> None:  # type: ignore[no-untyped-def]
    _teams(app, "KCC")
    person = make_person()
    consented_and_started(agent, system, person, run_jobs)
    agent.post(f"/api/v1/suggestions/{_items(agent, person)[0]['id']}/accept")
    for _ in range(3):
        run_jobs()
    tasks = _tasks(agent, person)
    assert [t["assigned_team"] for t in tasks] == ["KCC"]
    assert "names team 'Afval'" in tasks[0]["note"]


def test_several_open_offers_are_numbered_and_a_bare_yes_is_asked_about(
    app: Flask,
    small: str,
    make_person,
    agent: Caller,
    system: Caller,
    fake_twilio: FakeTwilio,
    text_in,
    run_jobs,
) -> None:  # type: ignore[no-untyped-def]
    _teams(app, "Afval", "KCC")
    person = make_person()
    consented_and_started(agent, system, person, run_jobs)
    with app.app_context(), unit_of_work() as session:
        offer_waste_passes(session, person, 1)
    with app.app_context():
        db.remove()
    run_jobs()
    second = fake_twilio.sent()[-1].body
    assert "JA 2 of NEE 2" in second
    sent_before = len(fake_twilio.sent())
    text_in(person.phone, "Ja graag!")
    for _ in range(3):
        run_jobs()
    assert {i["status"] for i in _items(agent, person)} == {"sent"}
    which = fake_twilio.sent()[sent_before].body
    assert "meer dan één aanbod open" in which and "1 Afvalpas" in which and "2 Afvalpas" in which
    text_in(person.phone, "ja 7")
    for _ in range(3):
        run_jobs()
    assert "geen aanbod met nummer 7" in fake_twilio.sent()[-1].body
    assert {i["status"] for i in _items(agent, person)} == {"sent"}
    text_in(person.phone, "JA 2")
    for _ in range(3):
        run_jobs()
    by_number = {i["texts"]["nl"]: i["status"] for i in _items(agent, person)}
    assert by_number == {"Afvalpas 0": "accepted", "Afvalpas": "sent"}
    assert "U zei ja tegen" in fake_twilio.sent()[-1].body
    text_in(person.phone, "NEE, bedankt")
    for _ in range(3):
        run_jobs()
    assert {i["status"] for i in _items(agent, person)} == {"accepted", "declined"}
    assert "geen bericht meer" in fake_twilio.sent()[-1].body


def test_suggestions_awaiting_approval_form_one_queue_across_residents(
    app: Flask, small: str, make_person, agent: Caller, system: Caller, run_jobs, make_caller
) -> None:  # type: ignore[no-untyped-def]
    from tests.suggestions.conftest import offer_for_approval

    first, second = make_person(), make_person()
    for person in (first, second):
        consented_and_started(agent, system, person, run_jobs)
    ids = [*offer_for_approval(app, first, 1), *offer_for_approval(app, second, 2)]
    page = agent.get("/api/v1/suggestions/awaiting-approval?limit=2")
    assert page.status_code == 200, page.get_json()
    body = page.get_json()
    rest = agent.get(f"/api/v1/suggestions/awaiting-approval?limit=2&cursor={body['next_cursor']}")
    items = body["items"] + rest.get_json()["items"]
    assert [i["id"] for i in items] == [str(i) for i in ids]
    assert [i["party_id"] for i in items] == [str(first.uuid), str(second.uuid), str(second.uuid)]
    assert all(i["actions"][0] == "approve" for i in items)
    agent.post(f"/api/v1/suggestions/{ids[0]}/approve")
    left = agent.get("/api/v1/suggestions/awaiting-approval").get_json()["items"]
    assert [i["id"] for i in left] == [str(i) for i in ids[1:]]
    process_owner = make_caller("process_owner")
    assert process_owner.get("/api/v1/suggestions/awaiting-approval").status_code == 403
