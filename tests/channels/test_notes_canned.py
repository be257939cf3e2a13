"""Internal notes, canned replies, identifying a chat's resident, the supervisors' live view
and who may call what."""

from __future__ import annotations

import pytest
from flask import Flask

from channels.chat.limits import limiter
from tests.channels.queue_helpers import make_teams, newest_conversation, say, start_chat

PROBLEM = "application/problem+json"


@pytest.fixture(autouse=True)
def teams(app: Flask) -> None:
    with app.app_context():
        limiter.reset()
    make_teams(app, "KCC", "Parkeren")


def test_notes_never_reach_the_resident_but_are_in_the_export(client, agent, supervisor):
    chat = start_chat(client)
    conversation = newest_conversation(agent)
    path = f"/api/v1/conversations/{conversation['id']}"
    note = agent.post(f"{path}/notes", json={"body": "Mevrouw belt morgen terug; let op"})
    assert note.status_code == 201, note.json
    assert note.json["body"] == "Mevrouw belt morgen terug; let op"
    assert [n["body"] for n in agent.get(f"{path}/notes").json] == [note.json["body"]]
    assert agent.post(f"{path}/notes", json={"body": "  "}).status_code == 422
    transcript = client.get(
        f"/api/v1/chat/sessions/{chat['id']}/messages?wait=0",
        headers={"X-Chat-Token": chat["token"]},
    ).json
    assert "let op" not in str(transcript)
    assert "let op" not in str(agent.get(path).json["messages"])
    linked = agent.post(f"{path}/identify", json={"surname": "Jansen", "given_names": "Els"}).json
    export = supervisor.get(f"/api/v1/parties/{linked['party_id']}/export")
    assert export.status_code == 200, export.json
    [exported] = export.json["conversations"]
    assert [n["note"] for n in exported["notes"]] == [note.json["body"]]


def test_canned_replies_are_kept_by_supervisors_and_filled_in_safely(client, agent, supervisor):
    body = "Beste {name}, {agent} helpt u graag. {name.__class__} {onbekend"
    refused = supervisor.post(
        "/api/v1/canned-replies", json={"team": "KCC", "title": "Groet", "body": "Dag {wie}"}
    )
    assert refused.status_code == 422 and "unknown placeholder {wie}" in refused.json["detail"]
    no_team = supervisor.post(
        "/api/v1/canned-replies", json={"team": "Nergens", "title": "Groet", "body": "Dag"}
    )
    assert no_team.status_code == 422 and no_team.json["invalid_params"][0]["name"] == "team"
    made = supervisor.post(
        "/api/v1/canned-replies", json={"team": "KCC", "title": "Groet", "body": body}
    )
    assert made.status_code == 201, made.json
    again = supervisor.post(
        "/api/v1/canned-replies", json={"team": "KCC", "title": "Groet", "body": "Dag"}
    )
    assert again.status_code == 409
    other = supervisor.post(
        "/api/v1/canned-replies", json={"team": "Parkeren", "title": "Vergunning", "body": "Ja"}
    )
    assert other.status_code == 201
    assert (
        agent.post(
            "/api/v1/canned-replies", json={"team": "KCC", "title": "Mag niet", "body": "x"}
        ).status_code
        == 403
    )
    start_chat(client, name="Anna")
    conversation = newest_conversation(agent)
    filled = agent.get(f"/api/v1/conversations/{conversation['id']}/canned-replies").json
    assert [c["title"] for c in filled] == ["Groet"]  # the agent's team and the queue's
    text = filled[0]["text"]
    assert text.startswith("Beste Anna, agent-") and "{name.__class__} {onbekend" in text
    agent.post(
        f"/api/v1/conversations/{conversation['id']}/identify",
        json={"surname": "Jansen", "given_names": "Els"},
    )
    refilled = agent.get(f"/api/v1/conversations/{conversation['id']}/canned-replies").json
    assert refilled[0]["text"].startswith("Beste Els Jansen,")
    changed = supervisor.put(
        f"/api/v1/canned-replies/{made.json['id']}",
        json={"team": "KCC", "title": "Groet", "body": "Hallo {given_names}"},
    )
    assert changed.status_code == 200 and changed.json["body"] == "Hallo {given_names}"
    assert supervisor.delete(f"/api/v1/canned-replies/{other.json['id']}").status_code == 204
    assert [c["title"] for c in agent.get("/api/v1/canned-replies").json] == ["Groet"]


def test_an_anonymous_chat_is_identified_without_losing_a_message(client, agent, supervisor):
    chat = start_chat(client, text="Mijn adres is veranderd")
    say(client, chat, "Ik woon nu aan de Markt 1")
    conversation = newest_conversation(agent)
    assert conversation["party_id"] is None
    path = f"/api/v1/conversations/{conversation['id']}"
    agent.post(f"{path}/messages", json={"body": "Wat is uw naam?"})
    neither = agent.post(f"{path}/identify", json={})
    assert neither.status_code == 422 and neither.mimetype == PROBLEM
    registered = agent.post(
        f"{path}/identify",
        json={"given_names": "Piet", "surname_prefix": "de", "surname": "Boer"},
    )
    assert registered.status_code == 200, registered.json
    party_id = registered.json["party_id"]
    view = agent.get(f"/api/v1/parties/{party_id}/view").json
    assert view["party"]["display_name"].endswith("de Boer")
    [open_conversation] = view["conversations"]
    bodies = [m["body"] for m in open_conversation["messages"]]
    assert bodies == ["Mijn adres is veranderd", "Ik woon nu aan de Markt 1", "Wat is uw naam?"]
    [moment] = view["contact_moments"]["items"]
    assert moment["id"] == agent.get(path).json["contact_moment_id"]
    known = supervisor.post(
        "/api/v1/parties", json={"type": "person", "given_names": "Kees", "surname": "Smit"}
    ).json
    relinked = agent.post(f"{path}/identify", json={"party_id": known["id"]})
    assert relinked.status_code == 200 and relinked.json["party_id"] == known["id"]


NEW_ENDPOINTS = [
    ("post", "/api/v1/conversations/{id}/take"),
    ("post", "/api/v1/conversations/{id}/assign"),
    ("post", "/api/v1/conversations/{id}/release"),
    ("post", "/api/v1/conversations/{id}/snooze"),
    ("post", "/api/v1/conversations/{id}/read"),
    ("get", "/api/v1/conversations/{id}/notes"),
    ("post", "/api/v1/conversations/{id}/notes"),
    ("get", "/api/v1/conversations/{id}/canned-replies"),
    ("post", "/api/v1/conversations/{id}/identify"),
    ("get", "/api/v1/queues"),
    ("get", "/api/v1/queues/KCC"),
    ("put", "/api/v1/queues/presence"),
    ("get", "/api/v1/queues/supervision"),
    ("get", "/api/v1/canned-replies"),
    ("post", "/api/v1/canned-replies"),
]


@pytest.mark.parametrize(("method", "template"), NEW_ENDPOINTS)
def test_who_may_call_each_endpoint(client, make_caller, method, template) -> None:
    start_chat(client)
    agent = make_caller("agent")
    path = template.replace("{id}", newest_conversation(agent)["id"])
    for role, allowed in [
        ("process_owner", False),
        ("system", False),
        (
            "agent",
            "supervision" not in path
            and not (method == "post" and "canned" in path and "{id}" not in template),
        ),
        ("supervisor", True),
    ]:
        caller = make_caller(role)
        response = getattr(caller, method)(path, json={})
        if allowed:
            assert response.status_code not in (401, 403), (role, path, response.json)
        else:
            assert response.status_code == 403, (role, path, response.status_code)
            assert response.mimetype == PROBLEM
    anonymous = getattr(client, method)(path, json={})
    assert anonymous.status_code == 401
