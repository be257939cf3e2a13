"""Agent replies by SMS: one row, one SMS through the real SDK, a status that only moves forward."""

from __future__ import annotations

from datetime import timedelta

import pytest

from channels.models import ChannelMessage, SmsOptOut
from channels.outbound.delivery import sweep_due
from kcc.db import db, utcnow
from tests.channels.conftest import PUBLIC, count
from tests.fakes.twilio_server import callback_path, deliver_signed, flask_poster


@pytest.fixture()
def conversation(agent, text_in, run_jobs):
    text_in("+31612345678", "Is mijn paspoort klaar?")
    run_jobs()
    return agent.get("/api/v1/conversations").json["items"][0]


def _reply(agent, conversation, body="Ja, u kunt het ophalen.", run_jobs=None):
    response = agent.post(
        f"/api/v1/conversations/{conversation['id']}/messages", json={"body": body}
    )
    assert response.status_code == 201, response.json
    if run_jobs is not None:
        run_jobs()
    return response.json


def _message(agent, conversation, message_id):
    messages = agent.get(f"/api/v1/conversations/{conversation['id']}").json["messages"]
    return next(m for m in messages if m["id"] == message_id)


def _sweep_later(app, minutes=10):
    with app.app_context():
        done = sweep_due(utcnow() + timedelta(minutes=minutes))
        db.remove()
        return done


def _callback(client, fake, message, status, error_code=None):
    form = fake.status_form(message, status, error_code)
    return deliver_signed(fake, flask_poster(client), PUBLIC, callback_path(message, PUBLIC), form)


def test_reply_is_sent_once_and_delivery_status_moves_forward(
    app, client, agent, conversation, fake_twilio, run_jobs
):
    reply = _reply(agent, conversation, run_jobs=run_jobs)
    assert reply["status"] == "queued"
    sent = fake_twilio.sent()
    assert len(sent) == 1
    assert sent[0].to == "+31612345678" and sent[0].from_ == "+3197010000001"
    assert sent[0].body == "Ja, u kunt het ophalen."
    assert sent[0].status_callback == f"{PUBLIC}/channels/twilio/status?m={reply['id']}"
    assert all(r.authorized for r in fake_twilio.requests)
    assert _message(agent, conversation, reply["id"])["status"] == "sending"

    assert _callback(client, fake_twilio, sent[0], "sent").status_code == 204
    assert _callback(client, fake_twilio, sent[0], "delivered").status_code == 204
    assert _message(agent, conversation, reply["id"])["status"] == "delivered"
    listed = agent.get("/api/v1/conversations").json["items"][0]
    assert listed["status"] == "pending"


def test_callbacks_out_of_order_never_move_backwards(
    app, client, agent, conversation, fake_twilio, run_jobs
):
    reply = _reply(agent, conversation, run_jobs=run_jobs)
    message = fake_twilio.sent()[0]
    for status in ("delivered", "sent", "queued", "sending", "delivered", "sent"):
        assert _callback(client, fake_twilio, message, status).status_code == 204
    assert _message(agent, conversation, reply["id"])["status"] == "delivered"
    _callback(client, fake_twilio, message, "read")
    _callback(client, fake_twilio, message, "delivered")
    assert _message(agent, conversation, reply["id"])["status"] == "read"


def test_undelivered_error_is_visible_in_customer_view(
    app, client, agent, conversation, fake_twilio, run_jobs
):
    _reply(agent, conversation, run_jobs=run_jobs)
    _callback(client, fake_twilio, fake_twilio.sent()[0], "undelivered", error_code="30005")
    view = agent.get(f"/api/v1/parties/{conversation['party_id']}/view").json
    outbound = [m for m in view["conversations"][0]["messages"] if m["direction"] == "outbound"]
    assert outbound[0]["status"] == "undelivered"
    assert outbound[0]["error_code"] == "30005"
    assert outbound[0]["error_message"]


def test_status_callback_needs_a_valid_signature(
    app, client, agent, conversation, fake_twilio, run_jobs
):
    reply = _reply(agent, conversation, run_jobs=run_jobs)
    message = fake_twilio.sent()[0]
    form = fake_twilio.status_form(message, "delivered")
    path = callback_path(message, PUBLIC)
    forged = client.post(
        path, data=form, headers={"X-Twilio-Signature": fake_twilio.sign(PUBLIC + "/x", form)}
    )
    assert forged.status_code == 403
    assert _message(agent, conversation, reply["id"])["status"] == "sending"


@pytest.mark.parametrize("fault", ["timeout", "500"])
def test_timeout_or_500_is_retried_and_sends_one_sms(
    app, agent, conversation, fake_twilio, run_jobs, fault
):
    fake_twilio.fail_next(fault)
    reply = _reply(agent, conversation, run_jobs=run_jobs)
    assert fake_twilio.sent() == []
    waiting = _message(agent, conversation, reply["id"])
    assert waiting["status"] == "sending"
    assert waiting["error_code"]
    assert _sweep_later(app) == 1
    assert len(fake_twilio.sent()) == 1
    assert len(fake_twilio.create_calls()) == 2
    assert _sweep_later(app) == 0
    assert len(fake_twilio.sent()) == 1


def test_timeout_after_twilio_accepted_is_reconciled_not_resent(
    app, agent, conversation, fake_twilio, run_jobs
):
    fake_twilio.fail_next("timeout_after_create")
    reply = _reply(agent, conversation, run_jobs=run_jobs)
    assert len(fake_twilio.sent()) == 1
    assert _sweep_later(app) == 1
    assert len(fake_twilio.create_calls()) == 1
    assert len(fake_twilio.sent()) == 1
    listed = [r for r in fake_twilio.requests if r.method == "GET"]
    assert listed and listed[0].query["To"] == "+31612345678"
    message = _message(agent, conversation, reply["id"])
    assert message["status"] == "sending"
    assert count(app, ChannelMessage, ChannelMessage.provider_sid == fake_twilio.sent()[0].sid) == 1


def test_error_21610_marks_the_number_opted_out(app, agent, conversation, fake_twilio, run_jobs):
    fake_twilio.fail_next("21610")
    reply = _reply(agent, conversation, run_jobs=run_jobs)
    message = _message(agent, conversation, reply["id"])
    assert message["status"] == "failed"
    assert message["error_code"] == "21610"
    assert count(app, SmsOptOut, SmsOptOut.opted_out_at.is_not(None)) == 1
    again = agent.post(
        f"/api/v1/conversations/{conversation['id']}/messages", json={"body": "Nog een keer"}
    )
    assert again.status_code == 409
    assert _sweep_later(app) == 0
    assert fake_twilio.sent() == []


def test_reply_on_closed_or_unknown_conversation(app, agent, conversation, fake_twilio):
    closed = agent.post(
        f"/api/v1/conversations/{conversation['id']}/close", json={"subject": "Hallo"}
    )
    assert closed.status_code == 200 and closed.json["status"] == "closed"
    refused = agent.post(
        f"/api/v1/conversations/{conversation['id']}/messages", json={"body": "Nog iets"}
    )
    assert refused.status_code == 409
    assert refused.mimetype == "application/problem+json"
    unknown = agent.post(
        "/api/v1/conversations/7d5f3b1e-0000-4000-8000-000000000000/messages", json={"body": "x"}
    )
    assert unknown.status_code == 404
    assert count(app, ChannelMessage) == 1
    assert fake_twilio.sent() == []
