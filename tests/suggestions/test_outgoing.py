"""A yes reaches other services: a signed CloudEvent per subscriber of the service, through a
durable delivery row, retried with backoff, marked failed after the last attempt, never twice."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from kcc.db import db, unit_of_work, utcnow
from tests.conftest import Caller
from tests.fakes.webhook_receiver import WebhookReceiver
from tests.suggestions.conftest import consented_and_started
from tests.suggestions.test_handover import _items, _teams

SECRET = "a-long-shared-secret-0123"


@pytest.fixture
def owner(make_caller: Callable[..., Caller]) -> Caller:
    return make_caller("process_owner")


def _subscribe(owner: Caller, url: str, service: str = "waste-pass") -> dict[str, Any]:
    response = owner.post(
        "/api/v1/service-subscribers",
        json={"service": service, "url": url, "secret": SECRET, "description": "Afvalsysteem"},
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()  # type: ignore[no-any-return]


def _accept(agent: Caller, system: Caller, person: Any, run_jobs: Callable[[], int]) -> str:
    consented_and_started(agent, system, person, run_jobs)
    suggestion = _items(agent, person)[0]
    accepted = agent.post(f"/api/v1/suggestions/{suggestion['id']}/accept")
    assert accepted.status_code == 200, accepted.get_json()
    for _ in range(3):
        run_jobs()
    return str(suggestion["id"])


def _deliveries(owner: Caller, subscriber: dict[str, Any]) -> list[dict[str, Any]]:
    response = owner.get(f"/api/v1/service-subscribers/{subscriber['id']}/deliveries")
    assert response.status_code == 200, response.get_json()
    return response.get_json()["items"]  # type: ignore[no-any-return]


def _send_due(app: Flask, later: timedelta) -> int:
    from journeys.outgoing.delivery import send_due

    with app.app_context():
        try:
            return send_due(utcnow() + later)
        finally:
            db.remove()


def test_a_yes_posts_one_signed_cloudevent_to_the_services_subscriber(
    app: Flask,
    small: str,
    make_person,
    agent: Caller,
    system: Caller,
    owner: Caller,
    fake_twilio,
    run_jobs,
) -> None:  # type: ignore[no-untyped-def]
    _teams(app, "Afval", "KCC")
    person = make_person()
    with WebhookReceiver([200]) as hook, WebhookReceiver([200]) as other:
        subscriber = _subscribe(owner, hook.url)
        _subscribe(owner, other.url, service="parking-permit")
        suggestion_id = _accept(agent, system, person, run_jobs)
        assert len(hook.received) == 1 and other.received == []
        [sent] = hook.received
        assert sent.headers["Content-Type"].startswith("application/cloudevents+json")
        timestamp = sent.headers["X-KCC-Timestamp"]
        expected = hmac.new(
            SECRET.encode(), timestamp.encode() + b"." + sent.body, hashlib.sha256
        ).hexdigest()
        assert sent.headers["X-KCC-Signature"] == f"sha256={expected}"
        event = json.loads(sent.body)
        assert (
            event["specversion"] == "1.0" and event["type"] == "nl.nijmegen.kcc.service.requested"
        )
        assert event["subject"] == suggestion_id and event["source"]
        assert set(event["data"]) == {"service", "party_id", "task_id"}
        assert event["data"]["service"] == "waste-pass"
        assert event["data"]["party_id"] == str(person.uuid)
        [delivery] = _deliveries(owner, subscriber)
        assert delivery["status"] == "delivered" and delivery["attempts"] == 1
        assert delivery["event_id"] == event["id"] and "party_id" not in delivery
        # A replay of the job, the sweep and the hand-over all leave it delivered once.
        from journeys.outgoing.delivery import send
        from journeys.suggestions.handover import hand_over
        from journeys.suggestions.models import Suggestion
        from kcc.parties.models import Party

        with app.app_context():
            assert send(delivery["id"]) == "delivered"
            db.remove()
        with app.app_context(), unit_of_work():
            row = db.session().scalars(select(Suggestion)).one()
            row.task_id = None  # even a second hand-over finds the event already recorded
            from journeys.outgoing.delivery import record_requested

            party = db.session().get(Party, row.party_id)
            assert record_requested(row.uuid, row.service, party.id, party.uuid, "x") == 0
            row.task_id = "kept"
            hand_over(row, party)
        assert _send_due(app, timedelta(days=1)) == 0
        assert len(hook.received) == 1


def test_a_failing_receiver_is_retried_with_backoff_until_it_answers(
    app: Flask,
    small: str,
    make_person,
    agent: Caller,
    system: Caller,
    owner: Caller,
    fake_twilio,
    run_jobs,
) -> None:  # type: ignore[no-untyped-def]
    _teams(app, "Afval", "KCC")
    person = make_person()
    with WebhookReceiver([500, 503, 200]) as hook:
        subscriber = _subscribe(owner, hook.url)
        _accept(agent, system, person, run_jobs)
        [delivery] = _deliveries(owner, subscriber)
        assert delivery["status"] == "pending" and delivery["attempts"] == 1
        assert delivery["last_status"] == 500 and "HTTP 500" in delivery["last_error"]
        # Not yet due: the first wait is 30 s.
        assert _send_due(app, timedelta(seconds=10)) == 0
        assert _send_due(app, timedelta(seconds=31)) == 1
        [delivery] = _deliveries(owner, subscriber)
        assert delivery["attempts"] == 2 and delivery["last_status"] == 503
        # The second wait doubles: 60 s after the second failure.
        assert _send_due(app, timedelta(seconds=31 + 50)) == 0
        assert _send_due(app, timedelta(seconds=31 + 61)) == 1
        [delivery] = _deliveries(owner, subscriber)
        assert delivery["status"] == "delivered" and delivery["attempts"] == 3
        assert len(hook.received) == 3
        bodies = {r.body for r in hook.received}
        assert len({json.loads(b)["id"] for b in bodies}) == 1  # the same event each time
        assert _send_due(app, timedelta(days=1)) == 0 and len(hook.received) == 3


def test_after_the_last_attempt_the_delivery_is_failed_and_listed(
    app: Flask,
    small: str,
    make_person,
    agent: Caller,
    system: Caller,
    owner: Caller,
    fake_twilio,
    run_jobs,
) -> None:  # type: ignore[no-untyped-def]
    from journeys.outgoing import delivery as outgoing

    _teams(app, "Afval", "KCC")
    person = make_person()
    with WebhookReceiver([502]) as hook:
        subscriber = _subscribe(owner, hook.url)
        _accept(agent, system, person, run_jobs)
        later = timedelta()
        for _ in range(outgoing.MAX_ATTEMPTS - 1):
            later += timedelta(days=1)
            assert _send_due(app, later) == 1
        assert len(hook.received) == outgoing.MAX_ATTEMPTS
        failed = owner.get(
            f"/api/v1/service-subscribers/{subscriber['id']}/deliveries?status=failed"
        ).get_json()["items"]
        assert len(failed) == 1 and failed[0]["attempts"] == outgoing.MAX_ATTEMPTS
        assert failed[0]["next_attempt_at"] is None
        assert _send_due(app, later + timedelta(days=30)) == 0


def test_a_receiver_that_does_not_answer_in_time_counts_as_a_failure(
    app: Flask,
    small: str,
    make_person,
    agent: Caller,
    system: Caller,
    owner: Caller,
    fake_twilio,
    run_jobs,
    monkeypatch,
) -> None:  # type: ignore[no-untyped-def]
    from journeys.outgoing import delivery as outgoing

    monkeypatch.setattr(outgoing, "TIMEOUT_SECONDS", 0.2)
    _teams(app, "Afval", "KCC")
    person = make_person()
    with WebhookReceiver([200], delay=1.0) as hook:
        subscriber = _subscribe(owner, hook.url)
        _accept(agent, system, person, run_jobs)
        [delivery] = _deliveries(owner, subscriber)
        assert delivery["status"] == "pending" and delivery["last_status"] is None
        assert "Timeout" in delivery["last_error"]


def test_subscribers_are_managed_by_process_owners_and_secrets_are_write_only(
    app: Flask, owner: Caller, agent: Caller, supervisor: Caller, make_caller
) -> None:  # type: ignore[no-untyped-def]
    admin = make_caller("admin")
    created = _subscribe(admin, "https://afval.example.nl/hook")
    assert "secret" not in created and created["has_secret"] is True
    assert SECRET not in json.dumps(
        owner.get(f"/api/v1/service-subscribers/{created['id']}").get_json()
    )
    for caller in (agent, supervisor):
        assert caller.get("/api/v1/service-subscribers").status_code == 403
        assert (
            caller.post(
                "/api/v1/service-subscribers",
                json={"service": "waste-pass", "url": "https://x.nl", "secret": SECRET},
            ).status_code
            == 403
        )
        assert (
            caller.patch(
                f"/api/v1/service-subscribers/{created['id']}", json={"active": False}
            ).status_code
            == 403
        )
        assert (
            caller.get(f"/api/v1/service-subscribers/{created['id']}/deliveries").status_code == 403
        )
    changed = owner.patch(
        f"/api/v1/service-subscribers/{created['id']}",
        json={"active": False, "secret": "another-long-secret-456"},
    )
    assert changed.status_code == 200 and changed.get_json()["active"] is False
    listed = owner.get("/api/v1/service-subscribers?service=waste-pass").get_json()["items"]
    assert [s["id"] for s in listed] == [created["id"]]
    with app.app_context():
        from journeys.outgoing.models import ServiceSubscriber

        stored = db.session().scalars(select(ServiceSubscriber)).one()
        assert SECRET not in stored.secret_encrypted
        assert "another-long-secret-456" not in stored.secret_encrypted
        db.remove()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"service": "no-such-service", "url": "https://x.nl/h", "secret": SECRET}, "service"),
        ({"service": "waste-pass", "url": "ftp://x.nl/h", "secret": SECRET}, "url"),
        ({"service": "waste-pass", "url": "https://x.nl/h", "secret": "short"}, "secret"),
        ({"service": "waste-pass", "url": "https://x.nl/h"}, "secret"),
    ],
)
def test_bad_subscribers_are_refused_naming_the_field(
    app: Flask, owner: Caller, body: dict[str, Any], field: str
) -> None:
    response = owner.post("/api/v1/service-subscribers", json=body)
    assert response.status_code in (400, 422), response.get_json()
    assert response.content_type == "application/problem+json"
    assert field in json.dumps(response.get_json())
    assert owner.get("/api/v1/service-subscribers").get_json()["items"] == []
