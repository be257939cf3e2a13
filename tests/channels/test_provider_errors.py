"""A bad day at Twilio: 429s and 5xx on sends and on the message list stay per message."""

from __future__ import annotations

from datetime import timedelta

import pytest

from channels.outbound.delivery import sweep_due
from kcc.db import db, utcnow


@pytest.fixture()
def two_conversations(agent, text_in, run_jobs):
    text_in("+31612345678", "Is mijn paspoort klaar?")
    text_in("+31612345679", "Wanneer wordt het grofvuil opgehaald?")
    run_jobs()
    items = agent.get("/api/v1/conversations").json["items"]
    assert len(items) == 2
    return items


def _reply(agent, conversation, body, run_jobs):
    response = agent.post(
        f"/api/v1/conversations/{conversation['id']}/messages", json={"body": body}
    )
    assert response.status_code == 201, response.json
    run_jobs()
    return response.json


def _message(agent, conversation, message_id):
    messages = agent.get(f"/api/v1/conversations/{conversation['id']}").json["messages"]
    return next(m for m in messages if m["id"] == message_id)


def _sweep_at(app, minutes):
    with app.app_context():
        done = sweep_due(utcnow() + timedelta(minutes=minutes))
        db.remove()
        return done


def test_a_failing_message_list_holds_up_only_its_own_message(
    app, agent, two_conversations, fake_twilio, run_jobs
):
    first, second = two_conversations
    # Both first sends answer 500: their outcome is unknown, so each retry looks in the list.
    fake_twilio.fail_next("500", times=2)
    one = _reply(agent, first, "Ja, u kunt het ophalen.", run_jobs)
    two = _reply(agent, second, "Dinsdag.", run_jobs)
    assert fake_twilio.sent() == []
    # The SDK raises a bare TwilioException ("Unable to fetch page") on a non-200 page.
    fake_twilio.fail_next_list("501")

    assert _sweep_at(app, 10) == 2
    assert [m.body for m in fake_twilio.sent()] == ["Dinsdag."]
    waiting = _message(agent, first, one["id"])
    assert waiting["status"] == "sending"
    assert waiting["error_code"] == "501"
    assert "message list" in waiting["error_message"]
    assert _message(agent, second, two["id"])["error_code"] is None

    assert _sweep_at(app, 20) == 1
    assert sorted(m.body for m in fake_twilio.sent()) == ["Dinsdag.", "Ja, u kunt het ophalen."]
    assert _message(agent, first, one["id"])["error_code"] is None
    assert _sweep_at(app, 30) == 0


@pytest.mark.parametrize("status", ["429", "503"])
def test_a_send_refused_again_and_again_fails_with_its_reason(
    app, agent, two_conversations, fake_twilio, run_jobs, status
):
    first, second = two_conversations
    limit = app.extensions["kcc.channels.settings"].max_send_attempts
    fake_twilio.fail_next(status, times=1000)
    fake_twilio.fail_next_list(status, times=1000)
    reply = _reply(agent, first, "Ja, u kunt het ophalen.", run_jobs)

    minutes = 10
    while _message(agent, first, reply["id"])["status"] != "failed" and minutes < 1000:
        _sweep_at(app, minutes)
        minutes += 10
    failed = _message(agent, first, reply["id"])
    assert failed["status"] == "failed"
    # Each retry first looks for the unknown first attempt in the list, which keeps failing.
    assert failed["error_code"] == status
    assert f"gave up after {limit} attempts" in failed["error_message"]
    assert f"answered {status}" in failed["error_message"]
    assert len(fake_twilio.create_calls()) == 1
    assert len(fake_twilio.list_calls()) == limit - 1
    assert fake_twilio.sent() == []
    assert _sweep_at(app, minutes + 10) == 0

    # Twilio is well again: the other conversation's reply goes out at once.
    fake_twilio.faults.clear()
    fake_twilio.list_faults.clear()
    other = _reply(agent, second, "Dinsdag.", run_jobs)
    assert [m.body for m in fake_twilio.sent()] == ["Dinsdag."]
    assert _message(agent, second, other["id"])["status"] == "sending"
