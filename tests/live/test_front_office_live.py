"""Calls and tasks reach the agents' pages live: a call ringing into the team's queue, the
call taken (the caller's view for the agent who took it), and a callback request."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from tests.channels.conftest import PUBLIC
from tests.conftest import Caller
from tests.fakes.twilio_server import FakeTwilio, deliver_signed, flask_poster
from tests.live.conftest import OpenStream
from tests.web.conftest import Browser

Opener = Callable[..., OpenStream]


def test_a_ringing_call_and_its_taking_reach_the_pages(
    client: Any,
    agent: Caller,
    sign_in: Callable[..., Browser],
    open_stream: Opener,
    quick_streams: object,
) -> None:
    party = agent.post(
        "/api/v1/parties",
        json={
            "type": "person",
            "surname": "Visser",
            "digital_addresses": [{"kind": "phone", "address": "06 12345678"}],
        },
    ).json
    browser = sign_in("agent")
    stream = open_stream(browser.client, f"topic=queue:KCC&topic=user:{browser.user_id}")
    assert stream.status == 200
    fake = FakeTwilio()  # signs as Twilio does; no server needed for inbound calls
    form = {
        "CallSid": "CA" + secrets.token_hex(16),
        "AccountSid": fake.account_sid,
        "From": "+31612345678",
        "To": "+3114024",
        "CallStatus": "ringing",
    }
    assert (
        deliver_signed(
            fake, flask_poster(client), PUBLIC, "/channels/twilio/voice", form
        ).status_code
        == 200
    )
    ringing = stream.next()
    assert ringing is not None
    assert (ringing.data["topic"], ringing.data["kind"]) == ("queue:KCC", "call.ringing")
    call_id = ringing.data["data"]["call_id"]
    assert "+316" not in str(ringing.data)  # no number on the wire

    taken = browser.api("POST", f"/api/v1/calls/{call_id}/take")
    assert taken.status_code == 200
    events = [stream.next(), stream.next()]
    mine = next(e for e in events if e is not None and e.data["topic"].startswith("user:"))
    assert mine.data["kind"] == "call.taken"
    assert mine.data["data"] == {"call_id": call_id, "party_id": party["id"]}


def test_a_callback_request_reaches_the_colleague(
    agent: Caller, sign_in: Callable[..., Browser], open_stream: Opener, quick_streams: object
) -> None:
    browser = sign_in("agent")
    stream = open_stream(browser.client, f"topic=user:{browser.user_id}")
    made = agent.post(
        "/api/v1/tasks/contact-requests",
        json={"description": "Bel terug", "to_user_id": str(browser.user_id)},
    )
    assert made.status_code == 201, made.json
    event = stream.next()
    assert event is not None
    assert event.data["kind"] == "task.assigned"
    assert event.data["data"]["task_id"] == made.json["id"]
