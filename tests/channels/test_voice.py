"""The phone rings into the console: Twilio Voice and other exchanges, signed, once per call.

Requests are signed by the twilio SDK's own RequestValidator (through the fake Twilio
server's signer) and the answers read as TwiML.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from flask import Flask

from channels.voice.models import PhoneCall
from kcc.contacts.models import ContactMoment
from tests.channels.conftest import PUBLIC, count
from tests.conftest import Caller
from tests.fakes.twilio_server import FakeTwilio, deliver_signed, flask_poster

VOICE = "/channels/twilio/voice"
STATUS = "/channels/twilio/voice/status"
TELEPHONY = "/channels/telephony/calls"
SECRET = "telephony-test-secret-0123456789"


def call_form(fake: FakeTwilio, caller: str, sid: str | None = None) -> dict[str, str]:
    return {
        "CallSid": sid or "CA" + secrets.token_hex(16),
        "AccountSid": fake.account_sid,
        "From": caller,
        "To": "+3114024",
        "CallStatus": "ringing",
        "Direction": "inbound",
    }


def status_form(ring: dict[str, str], status: str, duration: int | None = None) -> dict[str, str]:
    form = {**ring, "CallStatus": status}
    if duration is not None:
        form["CallDuration"] = str(duration)
    return form


@pytest.fixture()
def ring(client: Any, fake_twilio: FakeTwilio) -> Any:
    def send(path: str, form: dict[str, str]) -> Any:
        return deliver_signed(fake_twilio, flask_poster(client), PUBLIC, path, form)

    return send


def _resident(agent: Caller) -> dict:
    made = agent.post(
        "/api/v1/parties",
        json={
            "type": "person",
            "given_names": "Fatima",
            "surname": "El Amrani",
            "digital_addresses": [{"kind": "phone", "address": "06 12345678"}],
        },
    )
    assert made.status_code == 201, made.json
    return made.json


def test_a_known_caller_rings_is_taken_and_recorded(
    app: Flask, agent: Caller, fake_twilio: FakeTwilio, ring: Any
) -> None:
    party = _resident(agent)
    form = call_form(fake_twilio, "+31612345678")
    answer = ring(VOICE, form)
    assert answer.status_code == 200
    assert answer.mimetype == "text/xml"
    twiml = ET.fromstring(answer.data)  # noqa: S314  (our own answer, in a test)
    assert twiml.tag == "Response"
    assert [child.tag for child in twiml] == ["Say", "Enqueue"]
    assert twiml.find("Enqueue").text == "KCC"
    assert twiml.find("Say").get("language") == "nl-NL"

    ringing = agent.get("/api/v1/calls").json
    assert len(ringing) == 1
    assert ringing[0]["party_id"] == party["id"]
    assert ringing[0]["caller_number"] == "+31612345678"

    taken = agent.post(f"/api/v1/calls/{ringing[0]['id']}/take")
    assert taken.status_code == 200, taken.json
    assert taken.json["view_url"] == f"/parties/{party['id']}"
    assert agent.get("/api/v1/calls").json == []

    assert ring(STATUS, status_form(form, "in-progress")).status_code == 204
    assert count(app, ContactMoment) == 0
    ended = ring(STATUS, status_form(form, "completed", 187))
    assert ended.status_code == 204
    assert ring(STATUS, status_form(form, "completed", 187)).status_code == 204  # a retry
    moments = agent.get(f"/api/v1/contact-moments?party={party['id']}").json["items"]
    assert len(moments) == 1
    moment = moments[0]
    assert (moment["channel"], moment["direction"], moment["outcome"]) == (
        "phone",
        "inbound",
        "answered",
    )
    assert moment["agent"] == str(agent.user_id) or moment.get("agent_id") == str(agent.user_id)
    assert count(app, ContactMoment) == 1


def test_a_replayed_call_sid_answers_as_the_first_time(
    app: Flask, fake_twilio: FakeTwilio, ring: Any
) -> None:
    form = call_form(fake_twilio, "+31687654321")
    first = ring(VOICE, form)
    again = ring(VOICE, form)
    assert first.status_code == again.status_code == 200
    assert first.data == again.data
    assert count(app, PhoneCall) == 1


def test_a_forged_signature_is_refused_and_stores_nothing(
    app: Flask, client: Any, fake_twilio: FakeTwilio
) -> None:
    form = call_form(fake_twilio, "+31612345678")
    signature = fake_twilio.sign(PUBLIC + VOICE, {**form, "From": "+31600000000"})
    forged = client.post(VOICE, data=form, headers={"X-Twilio-Signature": signature})
    assert forged.status_code == 403
    assert forged.mimetype == "application/problem+json"
    unsigned = client.post(STATUS, data=status_form(form, "completed", 3))
    assert unsigned.status_code == 403
    assert count(app, PhoneCall) == 0
    assert count(app, ContactMoment) == 0


def test_an_unknown_caller_opens_a_search_for_the_number(
    agent: Caller, fake_twilio: FakeTwilio, ring: Any
) -> None:
    ring(VOICE, call_form(fake_twilio, "0031 6 11122233"))
    call = agent.get("/api/v1/calls").json[0]
    assert call["party_id"] is None
    taken = agent.post(f"/api/v1/calls/{call['id']}/take").json
    assert taken["view_url"] == "/agent?q=%2B31611122233"


def test_a_second_agent_cannot_take_a_taken_call(
    agent: Caller, make_caller, fake_twilio: FakeTwilio, ring: Any
) -> None:
    ring(VOICE, call_form(fake_twilio, "+31612345678"))
    call = agent.get("/api/v1/calls").json[0]
    assert agent.post(f"/api/v1/calls/{call['id']}/take").status_code == 200
    other = make_caller("agent", name="tweede")
    refused = other.post(f"/api/v1/calls/{call['id']}/take")
    assert refused.status_code == 409
    assert agent.get("/api/v1/me").json["display_name"] in refused.json["detail"]


def test_a_call_nobody_took_is_a_missed_phone_contact(
    app: Flask, agent: Caller, fake_twilio: FakeTwilio, ring: Any
) -> None:
    party = _resident(agent)
    form = call_form(fake_twilio, "+31612345678")
    ring(VOICE, form)
    ring(STATUS, status_form(form, "no-answer", 0))
    moment = agent.get(f"/api/v1/contact-moments?party={party['id']}").json["items"][0]
    assert (moment["channel"], moment["outcome"]) == ("phone", "not_reached")
    assert agent.get("/api/v1/calls").json == []


def _signed(secret: str, payload: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(payload).encode()
    stamp = str(int(time.time()))
    digest = hmac.new(secret.encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return body, {
        "X-KCC-Timestamp": stamp,
        "X-KCC-Signature": f"sha256={digest}",
        "Content-Type": "application/json",
    }


def test_another_exchange_signs_its_call_events(
    app: Flask, client: Any, agent: Caller, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KCC_TELEPHONY_SECRET", SECRET)
    party = _resident(agent)
    event = {"exchange": "mitel", "call_id": "c-1", "event": "ringing", "caller": "0612345678"}
    body, headers = _signed(SECRET, event)
    answer = client.post(TELEPHONY, data=body, headers=headers)
    assert answer.status_code == 200, answer.json
    assert answer.json["matched"] is True
    replay = client.post(TELEPHONY, data=body, headers=headers)
    assert replay.status_code == 409
    forged_body, forged_headers = _signed("wrong-secret", event)
    assert client.post(TELEPHONY, data=forged_body, headers=forged_headers).status_code == 403

    call = agent.get("/api/v1/calls").json[0]
    agent.post(f"/api/v1/calls/{call['id']}/take")
    ended, headers = _signed(
        SECRET, {**event, "event": "ended", "status": "completed", "duration_seconds": 61}
    )
    assert client.post(TELEPHONY, data=ended, headers=headers).json["status"] == "completed"
    moment = agent.get(f"/api/v1/contact-moments?party={party['id']}").json["items"][0]
    assert moment["outcome"] == "answered"
    bad, headers = _signed(SECRET, {"exchange": "mitel", "call_id": "c-2", "event": "hold"})
    refused = client.post(TELEPHONY, data=bad, headers=headers)
    assert refused.status_code == 422
    assert refused.json["invalid_params"][0]["name"] == "event"


@pytest.mark.parametrize("role", ["system", "process_owner"])
def test_calls_are_for_staff(make_caller, role: str) -> None:
    caller = make_caller(role)
    assert caller.get("/api/v1/calls").status_code == 403
    missing = "00000000-0000-4000-8000-000000000000"
    assert caller.post(f"/api/v1/calls/{missing}/take").status_code == 403
