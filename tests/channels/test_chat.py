"""Web chat: a resident chats without an account, the agent answers, the long poll shows it."""

from __future__ import annotations

import threading
import time
import uuid

import pytest
from sqlalchemy import select

from channels.chat.limits import limiter
from channels.models import ChannelMessage, Conversation
from kcc.contacts.models import ContactMoment, Involvement
from kcc.db import db
from kcc.parties.models import Party
from tests.channels.conftest import count


@pytest.fixture(autouse=True)
def fresh_limits(app):
    with app.app_context():
        limiter.reset()
    yield


def _start(client, **body):
    response = client.post("/api/v1/chat/sessions", json=body or {"display_name": "Anna"})
    assert response.status_code == 201, response.json
    return response.json


def _say(client, chat, body):
    return client.post(
        f"/api/v1/chat/sessions/{chat['id']}/messages",
        json={"body": body},
        headers={"X-Chat-Token": chat["token"]},
    )


def test_chat_round_trip_with_long_poll(app, client, agent):
    chat = _start(client)
    first = _say(client, chat, "Hoe vraag ik een parkeervergunning aan?")
    assert first.status_code == 201
    conversation = agent.get("/api/v1/conversations?channel=chat").json["items"][0]
    assert conversation["party_id"] is None

    result: dict = {}

    def poll():
        started = time.monotonic()
        response = app.test_client().get(
            f"/api/v1/chat/sessions/{chat['id']}/messages?after={first.json['id']}&wait=10",
            headers={"X-Chat-Token": chat["token"]},
        )
        result["elapsed"] = time.monotonic() - started
        result["response"] = response

    poller = threading.Thread(target=poll)
    poller.start()
    time.sleep(0.6)
    reply = agent.post(
        f"/api/v1/conversations/{conversation['id']}/messages", json={"body": "Via Mijn Gemeente."}
    )
    assert reply.status_code == 201
    poller.join(timeout=15)
    response = result["response"]
    assert response.status_code == 200
    assert [m["body"] for m in response.json["items"]] == ["Via Mijn Gemeente."]
    assert 0.5 < result["elapsed"] < 8
    detail = agent.get(f"/api/v1/conversations/{conversation['id']}").json
    assert detail["messages"][-1]["status"] == "delivered"


def test_long_poll_wait_is_bounded_and_empty(client):
    chat = _start(client)
    started = time.monotonic()
    response = client.get(
        f"/api/v1/chat/sessions/{chat['id']}/messages?wait=1",
        headers={"X-Chat-Token": chat["token"]},
    )
    assert response.status_code == 200 and response.json["items"] == []
    assert 0.9 < time.monotonic() - started < 5
    too_long = client.get(
        f"/api/v1/chat/sessions/{chat['id']}/messages?wait=60",
        headers={"X-Chat-Token": chat["token"]},
    )
    assert too_long.status_code == 422


def test_agent_links_anonymous_chat_to_party(client, agent):
    chat = _start(client)
    _say(client, chat, "Ik ben Piet de Vries")
    party = agent.post(
        "/api/v1/parties", json={"type": "person", "surname": "Vries", "surname_prefix": "de"}
    ).json
    conversation = agent.get("/api/v1/conversations?channel=chat").json["items"][0]
    linked = agent.patch(
        f"/api/v1/conversations/{conversation['id']}", json={"party_id": party["id"]}
    )
    assert linked.status_code == 200 and linked.json["party_id"] == party["id"]
    view = agent.get(f"/api/v1/parties/{party['id']}/view").json
    assert view["conversations"][0]["id"] == conversation["id"]
    assert view["contact_moments"]["items"][0]["channel"] == "chat"


def test_linking_keeps_the_other_betrokkenen_and_the_residents_identity(app, client, agent):
    chat = _start(client)
    _say(client, chat, "Ik bel namens mijn moeder")
    mother, son = (
        agent.post("/api/v1/parties", json={"type": "person", "surname": name}).json
        for name in ("Vries", "Jansen")
    )
    conversation = agent.get("/api/v1/conversations?channel=chat").json["items"][0]
    with app.app_context():
        session = db.session()
        moment = session.scalar(
            select(ContactMoment)
            .join(Conversation, Conversation.contact_moment_id == ContactMoment.id)
            .where(Conversation.uuid == uuid.UUID(conversation["id"]))
        )
        son_id = session.scalar(select(Party.id).where(Party.uuid == uuid.UUID(son["id"])))
        # As the Klantinteracties API records them: an anonymous resident with a name, and
        # the son as representative.
        anonymous = Involvement(
            party_id=None,
            role="resident",
            occurred_at=moment.occurred_at,
            details={"contactnaam": {"achternaam": "de Vries"}},
        )
        moment.involvements.extend(
            [
                anonymous,
                Involvement(party_id=son_id, role="representative", occurred_at=moment.occurred_at),
            ]
        )
        session.flush()
        resident_uuid = anonymous.uuid
        db.commit()
        db.remove()

    linked = agent.patch(
        f"/api/v1/conversations/{conversation['id']}", json={"party_id": mother["id"]}
    )
    assert linked.status_code == 200, linked.json
    with app.app_context():
        rows = db.session().execute(
            select(Involvement.uuid, Involvement.role, Party.uuid, Involvement.details)
            .join(Party, Party.id == Involvement.party_id, isouter=True)
            .where(Involvement.contact_moment_id == moment.id)
            .order_by(Involvement.id)
        )
        found = [(u, role, str(p), d) for u, role, p, d in rows]
        db.remove()
    assert [(u, role, p) for u, role, p, _ in found] == [
        (resident_uuid, "resident", mother["id"]),
        (found[1][0], "representative", son["id"]),
    ]
    assert found[0][3]["contactnaam"] == {"achternaam": "de Vries"}


def test_bad_chat_input_changes_nothing(app, client):
    chat = _start(client)
    too_long = _say(client, chat, "x" * 2001)
    control = _say(client, chat, "hallo\x07")
    empty = _say(client, chat, "   ")
    no_token = client.post(f"/api/v1/chat/sessions/{chat['id']}/messages", json={"body": "hoi"})
    wrong = client.post(
        f"/api/v1/chat/sessions/{chat['id']}/messages",
        json={"body": "hoi"},
        headers={"X-Chat-Token": "nope"},
    )
    unknown = client.post(
        "/api/v1/chat/sessions/7d5f3b1e-0000-4000-8000-000000000000/messages",
        json={"body": "hoi"},
        headers={"X-Chat-Token": chat["token"]},
    )
    assert [r.status_code for r in (too_long, control, empty, no_token, wrong, unknown)] == [
        422,
        422,
        422,
        401,
        401,
        404,
    ]
    assert all(
        r.mimetype == "application/problem+json" for r in (too_long, control, no_token, unknown)
    )
    assert count(app, ChannelMessage) == 0


def test_rate_limited_per_session(app, client, channel_settings):
    channel_settings(chat_session_limit="3/minute")
    chat = _start(client)
    statuses = [_say(client, chat, f"bericht {i}").status_code for i in range(4)]
    assert statuses == [201, 201, 201, 429]
    limited = _say(client, chat, "nog een")
    assert limited.mimetype == "application/problem+json"
    assert limited.json["status"] == 429
    other = _start(client)
    assert _say(client, other, "andere sessie").status_code == 201


def test_rate_limited_per_address(client, channel_settings):
    channel_settings(chat_address_limit="2/minute")
    assert [client.post("/api/v1/chat/sessions", json={}).status_code for _ in range(3)] == [
        201,
        201,
        429,
    ]


def test_only_the_chat_runs_the_rate_limiter(app, client, agent, channel_settings):
    """The chat's answers carry the limit's headers; the API, which has no limits, neither
    runs the limiter's hooks nor gets its headers."""
    channel_settings(chat_address_limit="5/minute")
    started = client.post("/api/v1/chat/sessions", json={})
    assert started.status_code == 201
    assert started.headers["X-RateLimit-Limit"] == "5"
    assert started.headers["X-RateLimit-Remaining"] == "4"
    api = agent.get("/api/v1/parties?limit=1")
    assert api.status_code == 200
    assert "X-RateLimit-Limit" not in api.headers
    app_wide = [
        *app.before_request_funcs.get(None, []),
        *app.after_request_funcs.get(None, []),
        *app.teardown_request_funcs.get(None, []),
    ]
    assert not any(
        getattr(hook, "__self__", None) is limiter or limiter in getattr(hook, "args", ())
        for hook in app_wide
    )
