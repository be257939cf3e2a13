"""The answer link in every proactive message: the resident says yes (or no) on a page in one
click. Opening it changes nothing; the yes takes the same path as JA by SMS (task,
confirmation, CloudEvent); pressing again changes nothing; a stop link cannot answer, an
answer link cannot stop, and a forged or old link changes nothing."""

from __future__ import annotations

import json
import os
import re
import threading
import time
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from tests.conftest import Caller
from tests.fakes.twilio_server import FakeTwilio
from tests.fakes.webhook_receiver import WebhookReceiver
from tests.suggestions.conftest import consented_and_started
from tests.suggestions.test_handover import _items, _tasks, _teams

ANSWER = re.compile(r"https?://[^\s]+/offer/([A-Za-z0-9_.\-]+)")
STOP = re.compile(r"https?://[^\s]+/stop/([A-Za-z0-9_.\-]+)")
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
SECRET = "a-long-shared-secret-0123"


def _links(fake_twilio: FakeTwilio) -> tuple[str, str]:
    body = fake_twilio.sent()[-1].body
    answer, stop = ANSWER.search(body), STOP.search(body)
    assert answer is not None and stop is not None, body
    return answer.group(1), stop.group(1)


def _open(client: FlaskClient, path: str) -> tuple[int, str, str]:
    page = client.get(path)
    html = page.get_data(as_text=True)
    found = CSRF.search(html)
    return page.status_code, html, found.group(1) if found else ""


def _csrf(client: FlaskClient) -> str:
    """A form token for this browser session, as any page of the app would give."""
    with client.session_transaction() as session:
        token = session.get("csrf") or "t-" + str(time.time_ns())
        session["csrf"] = token
    return str(token)


def _started(app: Flask, make_person, agent: Caller, system: Caller, run_jobs) -> Any:  # type: ignore[no-untyped-def]
    _teams(app, "Afval", "KCC")
    person = make_person()
    consented_and_started(agent, system, person, run_jobs)
    return person


def test_the_message_carries_an_answer_link_next_to_the_stop_link(
    app: Flask, small: str, make_person, agent: Caller, system: Caller, fake_twilio, run_jobs
) -> None:  # type: ignore[no-untyped-def]
    _started(app, make_person, agent, system, run_jobs)
    body = fake_twilio.sent()[-1].body
    assert "of kies hier: http://kcc.test/offer/" in body
    assert "Stuur STOP of ga naar: http://kcc.test/stop/" in body
    answer, stop = _links(fake_twilio)
    assert answer != stop


def test_a_yes_on_the_page_hands_over_once_and_opening_it_changes_nothing(
    app: Flask,
    client: FlaskClient,
    small: str,
    make_person,
    agent: Caller,
    system: Caller,
    make_caller,
    fake_twilio: FakeTwilio,
    run_jobs,
) -> None:  # type: ignore[no-untyped-def]
    person = _started(app, make_person, agent, system, run_jobs)
    owner = make_caller("process_owner")
    token, _ = _links(fake_twilio)
    with WebhookReceiver([200]) as hook:
        subscribed = owner.post(
            "/api/v1/service-subscribers",
            json={"service": "waste-pass", "url": hook.url, "secret": SECRET},
        )
        assert subscribed.status_code == 201, subscribed.get_json()
        # A link previewer (or the resident) opens the page twice: nothing is answered.
        for _ in range(2):
            status, html, csrf = _open(client, f"/offer/{token}")
            assert status == 200
        assert 'lang="nl"' in html and "Een aanbod van de gemeente" in html
        assert "Afvalpas" in html and "Team Afval neemt binnen 5 werkdagen contact" in html
        assert "Ja, ik wil hier hulp bij" in html and "Nee, dank u" in html
        assert "noindex" in html and "/stop/" in html
        run_jobs()
        assert [i["status"] for i in _items(agent, person)] == ["sent"]
        assert _tasks(agent, person) == [] and hook.received == []
        sent_before = len(fake_twilio.sent())

        done = client.post(f"/offer/{token}", data={"choice": "accept", "csrf_token": csrf})
        assert done.status_code == 200
        assert "Dank u wel. U zei ja." in done.get_data(as_text=True)
        for _ in range(3):
            run_jobs()
        item = _items(agent, person)[0]
        assert item["status"] == "accepted" and item["answered_by"] == "resident:web"
        tasks = _tasks(agent, person)
        assert len(tasks) == 1 and tasks[0]["assigned_team"] == "Afval"
        assert "Antwoord via resident:web" in tasks[0]["note"]
        confirmations = fake_twilio.sent()[sent_before:]
        assert len(confirmations) == 1 and "U zei ja tegen: Afvalpas" in confirmations[0].body
        assert len(hook.received) == 1
        event = json.loads(hook.received[0].body)
        assert event["subject"] == item["id"] and event["data"]["task_id"] == tasks[0]["id"]

        # The second click (or a double click) arranges nothing more and says so.
        again = client.post(f"/offer/{token}", data={"choice": "accept", "csrf_token": csrf})
        assert again.status_code == 200
        assert "Dit is al geregeld. U zei eerder ja." in again.get_data(as_text=True)
        status, html, _ = _open(client, f"/offer/{token}")
        assert status == 200 and "Dit is al geregeld" in html and "Ja, ik wil" not in html
        # A no after the yes cannot undo it here.
        late_no = client.post(f"/offer/{token}", data={"choice": "decline", "csrf_token": csrf})
        assert late_no.status_code == 409
        for _ in range(3):
            run_jobs()
        assert len(_tasks(agent, person)) == 1 and len(hook.received) == 1
        assert len(fake_twilio.sent()) == sent_before + 1
        assert _items(agent, person)[0]["status"] == "accepted"


def test_a_no_on_the_page_closes_the_offer_in_english(
    app: Flask,
    client: FlaskClient,
    small: str,
    make_person,
    agent: Caller,
    system: Caller,
    fake_twilio,
    run_jobs,
) -> None:  # type: ignore[no-untyped-def]
    person = _started(app, make_person, agent, system, run_jobs)
    token, _ = _links(fake_twilio)
    status, html, csrf = _open(client, f"/offer/{token}?lang=en")
    assert status == 200 and 'lang="en"' in html and "An offer from the municipality" in html
    done = client.post(f"/offer/{token}?lang=en", data={"choice": "decline", "csrf_token": csrf})
    assert done.status_code == 200
    assert "You will get no more messages about this offer" in done.get_data(as_text=True)
    for _ in range(3):
        run_jobs()
    assert [i["status"] for i in _items(agent, person)] == ["declined"]
    assert _tasks(agent, person) == []
    yes_after_no = client.post(f"/offer/{token}", data={"choice": "accept", "csrf_token": csrf})
    assert yes_after_no.status_code == 409
    assert "U zei eerder nee" in yes_after_no.get_data(as_text=True)
    assert [i["status"] for i in _items(agent, person)] == ["declined"]


def test_a_stop_link_cannot_answer_and_an_answer_link_cannot_stop(
    app: Flask,
    client: FlaskClient,
    small: str,
    make_person,
    agent: Caller,
    system: Caller,
    fake_twilio,
    run_jobs,
) -> None:  # type: ignore[no-untyped-def]
    person = _started(app, make_person, agent, system, run_jobs)
    answer, stop = _links(fake_twilio)
    csrf = _csrf(client)
    assert client.get(f"/offer/{stop}").status_code == 400
    posted = client.post(f"/offer/{stop}", data={"choice": "accept", "csrf_token": csrf})
    assert posted.status_code == 400 and "Deze link werkt niet" in posted.get_data(as_text=True)
    assert client.get(f"/stop/{answer}").status_code == 400
    stopped = client.post(f"/stop/{answer}", data={"choice": "all", "csrf_token": csrf})
    assert stopped.status_code == 400
    run_jobs()
    assert [i["status"] for i in _items(agent, person)] == ["sent"]
    consents = agent.get(f"/api/v1/parties/{person.uuid}/consents").get_json()["current"]
    assert len(consents) == 1


def test_a_forged_or_expired_answer_link_or_a_post_without_form_token_changes_nothing(
    app: Flask,
    client: FlaskClient,
    small: str,
    make_person,
    agent: Caller,
    system: Caller,
    fake_twilio,
    run_jobs,
) -> None:  # type: ignore[no-untyped-def]
    person = _started(app, make_person, agent, system, run_jobs)
    token, _ = _links(fake_twilio)
    forged = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")

    class LongAgo(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - 91 * 24 * 3600

    salt = "kcc.suggestion-answer"
    payload = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=salt).loads(token)
    expired = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=salt, signer=LongAgo).dumps(
        payload
    )
    csrf = _csrf(client)
    for bad, reason in ((forged, "not valid"), (expired, "expired")):
        page = client.get(f"/offer/{bad}")
        text = page.get_data(as_text=True)
        assert page.status_code == 400
        assert "Deze link werkt niet" in text and "Er is niets veranderd" in text and reason in text
        posted = client.post(f"/offer/{bad}", data={"choice": "accept", "csrf_token": csrf})
        assert posted.status_code == 400
    unknown = client.post(f"/offer/{token}", data={"choice": "maybe", "csrf_token": csrf})
    assert unknown.status_code == 400
    no_form_token = client.post(f"/offer/{token}", data={"choice": "accept"})
    assert no_form_token.status_code in (400, 403)
    for _ in range(2):
        run_jobs()
    assert [i["status"] for i in _items(agent, person)] == ["sent"]
    assert _tasks(agent, person) == []


def test_an_offer_that_is_no_longer_open_says_so_and_cannot_be_answered(
    app: Flask,
    client: FlaskClient,
    small: str,
    make_person,
    agent: Caller,
    system: Caller,
    fake_twilio,
    run_jobs,
) -> None:  # type: ignore[no-untyped-def]
    person = _started(app, make_person, agent, system, run_jobs)
    token, stop = _links(fake_twilio)
    status, html, csrf = _open(client, f"/stop/{stop}")
    assert (
        client.post(f"/stop/{stop}", data={"choice": "purpose", "csrf_token": csrf}).status_code
        == 200
    )
    for _ in range(2):
        run_jobs()
    assert [i["status"] for i in _items(agent, person)] == ["withdrawn"]
    status, html, _ = _open(client, f"/offer/{token}")
    assert status == 200 and "Dit aanbod is niet meer open" in html and "Ja, ik wil" not in html
    posted = client.post(f"/offer/{token}", data={"choice": "accept", "csrf_token": csrf})
    assert posted.status_code == 409 and "niet meer open" in posted.get_data(as_text=True)
    assert [i["status"] for i in _items(agent, person)] == ["withdrawn"]
    assert _tasks(agent, person) == []


@pytest.mark.postgres
@pytest.mark.skipif(
    not os.environ.get("KCC_TEST_DATABASE_URL"), reason="needs PostgreSQL (KCC_TEST_DATABASE_URL)"
)
def test_presses_at_the_same_moment_accept_once(
    app: Flask, small: str, make_person, agent: Caller, system: Caller, fake_twilio, run_jobs
) -> None:  # type: ignore[no-untyped-def]
    """Six presses of yes at once (a double click, a second tab): one yes, one hand-over."""
    person = _started(app, make_person, agent, system, run_jobs)
    token, _ = _links(fake_twilio)
    clients = [app.test_client() for _ in range(6)]
    forms = [_csrf(c) for c in clients]
    start = threading.Barrier(len(clients))
    answers: list[tuple[int, str]] = []

    def press(client: FlaskClient, csrf: str) -> None:
        start.wait()
        response = client.post(f"/offer/{token}", data={"choice": "accept", "csrf_token": csrf})
        html = response.get_data(as_text=True)
        kind = (
            "yes"
            if "Dank u wel. U zei ja." in html
            else "already"
            if "al geregeld" in html
            else html
        )
        answers.append((response.status_code, kind))

    threads = [
        threading.Thread(target=press, args=pair) for pair in zip(clients, forms, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(answers) == [(200, "already")] * (len(clients) - 1) + [(200, "yes")], answers
    for _ in range(3):
        run_jobs()
    assert [i["status"] for i in _items(agent, person)] == ["accepted"]
    assert len(_tasks(agent, person)) == 1
