"""GET /live/stream: who may follow what, events as they happen, replay, and the session."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import timedelta

from flask import Flask
from sqlalchemy import func, select

from kcc.db import db
from kcc.live import notify
from kcc.privacy.models import ProcessingRecord
from kcc.privacy.services import subject_lookup
from tests.conftest import Caller
from tests.live.conftest import OpenStream
from tests.web.conftest import Browser, age_session, session_row

Opener = Callable[..., OpenStream]


def _party(agent: Caller) -> str:
    response = agent.post(
        "/api/v1/parties", json={"type": "person", "given_names": "Anna", "surname": "Jansen"}
    )
    assert response.status_code == 201, response.get_json()
    return str(response.get_json()["id"])


def _record_contact(agent: Caller, party: str) -> str:
    response = agent.post(
        "/api/v1/contact-moments",
        json={
            "channel": "phone",
            "direction": "inbound",
            "subject": "Afvalpas",
            "text": "Vraag over de afvalpas",
            "parties": [{"party_id": party, "role": "resident"}],
        },
    )
    assert response.status_code == 201, response.get_json()
    return str(response.get_json()["id"])


def _log_rows(app: Flask) -> int:
    with app.app_context():
        count = db.session().scalar(select(func.count()).select_from(ProcessingRecord))
        db.remove()
    return int(count or 0)


def test_a_signed_out_browser_gets_a_401_problem(client, open_stream: Opener) -> None:
    stream = open_stream(client, "topic=supervision")
    assert stream.status == 401
    assert stream.headers["Content-Type"] == "application/problem+json"
    problem = stream.next()
    assert problem is not None and "sign in" in problem.data["detail"]


def test_an_agent_may_not_follow_supervision_and_is_told_so(
    sign_in: Callable[..., Browser], open_stream: Opener
) -> None:
    browser = sign_in("agent")
    stream = open_stream(browser.client, "topic=supervision")
    assert stream.status == 403
    problem = stream.next()
    assert problem is not None
    assert problem.data["detail"] == "the role 'agent' may not follow supervision"


def test_nobody_follows_another_users_topic_or_an_unknown_one(
    sign_in: Callable[..., Browser], open_stream: Opener
) -> None:
    browser = sign_in("supervisor")
    other = open_stream(browser.client, f"topic=user:{uuid.uuid4()}")
    assert other.status == 403
    unknown = open_stream(browser.client, "topic=everything")
    assert unknown.status == 422
    problem = unknown.next()
    assert problem is not None and "'everything' is not a topic" in problem.data["detail"]
    none = open_stream(browser.client, "")
    assert none.status == 422


def test_a_new_contact_moment_reaches_the_customer_view_stream_at_once(
    sign_in: Callable[..., Browser], agent: Caller, open_stream: Opener, quick_streams: object
) -> None:
    party = _party(agent)
    browser = sign_in("agent")
    stream = open_stream(browser.client, f"topic=party:{party}&topic=user:{browser.user_id}")
    assert stream.status == 200
    assert stream.headers["Content-Type"].startswith("text/event-stream")
    moment = _record_contact(agent, party)
    event = stream.next()
    assert event is not None and event.id
    assert event.data["topic"] == f"party:{party}"
    assert event.data["kind"] == "contact_moment.recorded"
    assert event.data["data"]["contact_moment_id"] == moment
    # ids and labels only: what the page shows it fetches (and logs) itself
    assert "text" not in event.data["data"] and "subject" not in event.data["data"]


def test_a_reconnecting_stream_gets_what_it_missed(
    app: Flask, sign_in: Callable[..., Browser], open_stream: Opener, quick_streams: object
) -> None:
    browser = sign_in("supervisor")
    first = open_stream(browser.client, "topic=supervision")
    with app.app_context():
        notify("supervision", "waiting", {"count": 1})
        db.commit()
        db.remove()
    seen = first.next()
    assert seen is not None and seen.data["kind"] == "waiting"
    with app.app_context():
        notify("supervision", "waiting", {"count": 2})
        notify("supervision", "waiting", {"count": 3})
        db.commit()
        db.remove()
    again = open_stream(
        browser.client, "topic=supervision", headers={"Last-Event-ID": seen.id or ""}
    )
    replayed = [again.next(), again.next()]
    assert [e.data["data"]["count"] for e in replayed if e] == [2, 3]
    lost = open_stream(browser.client, "topic=supervision", headers={"Last-Event-ID": "old-7"})
    resync = lost.next()
    assert resync is not None and resync.event == "resync"


def test_a_page_starts_its_stream_from_what_it_showed_so_nothing_between_is_lost(
    app: Flask, sign_in: Callable[..., Browser], open_stream: Opener, quick_streams: object
) -> None:
    browser = sign_in("supervisor")
    html = browser.client.get("/", follow_redirects=True).get_data(as_text=True)
    since = re.search(r'data-live-since="([^"]*)"', html)
    assert since is not None and since.group(1), "the page names the newest event it saw"
    # An event after the page was drawn but before its stream is open...
    with app.app_context():
        notify("supervision", "waiting", {"count": 4})
        db.commit()
        db.remove()
    stream = open_stream(browser.client, f"topic=supervision&last_event_id={since.group(1)}")
    # ...is replayed when the stream opens from the page's mark, and nothing older is.
    replayed = stream.next()
    assert replayed is not None and replayed.event != "resync"
    assert replayed.data["kind"] == "waiting" and replayed.data["data"]["count"] == 4


def test_an_open_stream_does_not_keep_the_session_alive_and_ends_with_it(
    app: Flask, sign_in: Callable[..., Browser], open_stream: Opener, quick_streams: object
) -> None:
    browser = sign_in("supervisor")
    age_session(app, browser, idle=timedelta(minutes=10))
    before = session_row(app, browser).last_seen_at
    stream = open_stream(browser.client, "topic=supervision")
    assert stream.status == 200
    hello = stream.next(skip_session=False)
    assert hello is not None and hello.event == "session"
    assert 19 * 60 < hello.data["seconds_left"] <= 20 * 60
    assert stream.collect(0.7)  # heartbeats arrive
    assert session_row(app, browser).last_seen_at == before
    # a fragment refresh by the page itself does not count as activity either
    page = browser.client.get("/account/password", headers={"X-KCC-Background": "1"})
    assert page.status_code == 200
    assert session_row(app, browser).last_seen_at == before
    # the person's idle time runs out while the page stays open: the stream says so and ends
    age_session(app, browser, idle=timedelta(minutes=31))
    tail = stream.collect(2.0)
    assert tail and tail[-1].event == "session" and tail[-1].data == {"ended": True}
    assert stream.closed.wait(2.0)
    assert browser.client.get("/live/stream?topic=supervision").status_code == 401


def test_staying_signed_in_starts_the_idle_time_again(
    app: Flask, sign_in: Callable[..., Browser]
) -> None:
    browser = sign_in("agent")
    age_session(app, browser, idle=timedelta(minutes=25))
    refused = browser.client.post("/live/session")
    assert refused.status_code == 403
    kept = browser.api("POST", "/live/session")
    assert kept.status_code == 200  # type: ignore[attr-defined]
    assert kept.get_json()["seconds_left"] > 29 * 60  # type: ignore[attr-defined]


def test_deliveries_with_a_partys_data_are_logged_and_idle_streams_log_nothing(
    app: Flask,
    sign_in: Callable[..., Browser],
    agent: Caller,
    open_stream: Opener,
    quick_streams: object,
) -> None:
    party = _party(agent)
    browser = sign_in("agent")
    stream = open_stream(browser.client, f"topic=party:{party}")
    assert stream.status == 200
    before = _log_rows(app)
    stream.collect(1.0)  # five heartbeats
    assert _log_rows(app) == before
    with app.app_context():
        notify(f"party:{party}", "message.new", {"party_id": party, "text": "Hallo"})
        db.commit()
        db.remove()
    delivered = stream.next()
    assert delivered is not None and delivered.data["data"]["text"] == "Hallo"
    with app.app_context():
        rows = list(
            db.session().scalars(select(ProcessingRecord).order_by(ProcessingRecord.id.desc()))
        )
        db.remove()
    assert len(rows) == before + 1
    newest = rows[0]
    assert newest.actor_id == str(browser.user_id)
    assert newest.operation == "GET /live/stream"
    assert newest.action == "read"
    with app.app_context():
        assert newest.subject_lookup == subject_lookup(uuid.UUID(party))
