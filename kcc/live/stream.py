"""``GET /live/stream``: one server-sent event stream per open page, for the topics it follows.

The stream is a background request: opening it and its heartbeats do not keep the web
session alive, and it ends (telling the page) when the session does. Each event delivered
with a party's data in it is a processing-log record naming the user and the party; a stream
that only waits writes nothing.
"""

from __future__ import annotations

import queue
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from flask import Blueprint, Flask, Response, current_app, jsonify, request
from flask_babel import lazy_gettext as _l

from kcc.auth import sessions
from kcc.auth.access import bearer_token
from kcc.auth.models import Caller
from kcc.auth.services import authenticate_token
from kcc.constants import Action
from kcc.db import unit_of_work
from kcc.errors import Forbidden, Unauthorized, ValidationFailed
from kcc.live.broker import Broker, LiveEvent
from kcc.live.publish import EXTENSION
from kcc.live.topics import MAX_TOPIC_LENGTH, rule_for
from kcc.privacy.activities import Activity
from kcc.privacy.context import ProcessingContext, new_trace, processing
from kcc.privacy.services import log_processing

bp = Blueprint("live", __name__, url_prefix="/live")

MAX_TOPICS = 50
# The browser waits this long before reconnecting a dropped stream.
RETRY_MS = 3000
OPERATION = "GET /live/stream"


@dataclass(frozen=True)
class StreamTiming:
    """How often a stream sends a heartbeat (and rechecks its session) and how long it lasts."""

    heartbeat_seconds: float = 15.0
    max_seconds: float = 600.0


def timing(app: Flask) -> StreamTiming:
    found: StreamTiming = app.config.get("KCC_LIVE_TIMING") or StreamTiming()
    return found


def requested_topics() -> frozenset[str]:
    """The topics asked for: ``?topic=a&topic=b`` or ``?topics=a b``."""
    names = [t for value in request.args.getlist("topics") for t in value.split()]
    names += [t.strip() for t in request.args.getlist("topic") if t.strip()]
    if not names:
        raise ValidationFailed(
            _l("name the topics to follow: ?topic=party:<id> (once per topic)"),
            invalid_params=[{"name": "topic", "reason": _l("at least one topic is required")}],
        )
    if len(set(names)) > MAX_TOPICS:
        raise ValidationFailed(
            _l("a stream follows at most %(count)s topics", count=MAX_TOPICS),
            invalid_params=[
                {
                    "name": "topic",
                    "reason": _l("more than %(count)s topics", count=MAX_TOPICS),
                }
            ],
        )
    for name in names:
        if len(name) > MAX_TOPIC_LENGTH or rule_for(name) is None:
            raise ValidationFailed(
                _l("'%(name)s' is not a topic pages can follow", name=name[:MAX_TOPIC_LENGTH]),
                invalid_params=[{"name": "topic", "reason": _l("unknown topic")}],
            )
    return frozenset(names)


def _caller() -> tuple[Caller, Callable[[], float | None]]:
    """Who opens the stream, and how to tell later (outside the request) whether they still may.

    The check answers the seconds left of the web session (a large number for a token), or
    None once the session or token is no longer valid.
    """
    token = bearer_token()
    if token is not None:
        found = authenticate_token(token)
        if found is None:
            raise Unauthorized(_l("the token is unknown, revoked, or its user is inactive"))
        return found, lambda: None if authenticate_token(token) is None else float("inf")
    sessions.mark_background()
    user = sessions.signed_in_user()
    key = sessions.current_key()
    if user is None or key is None:
        raise Unauthorized(
            _l("sign in to follow live updates; the session has ended or is missing")
        )
    idle = sessions.idle_timeout()
    return Caller.of(user), lambda: sessions.remaining(key, idle)


@bp.get("/stream")
def stream() -> Response:
    """Server-sent events on the topics the caller may follow."""
    topics = requested_topics()
    caller, still_valid = _caller()
    refused = sorted(t for t in topics if not _may_follow(caller, t))
    if refused:
        raise Forbidden(
            _l(
                "the role '%(role)s' may not follow %(topics)s",
                role=caller.role,
                topics=", ".join(refused),
            ),
        )
    last_id = request.headers.get("Last-Event-ID") or request.args.get("last_event_id")
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    broker: Broker = app.extensions[EXTENSION]
    left = still_valid()
    body = _events(app, broker, caller, topics, last_id, still_valid, left)
    response = Response(body, mimetype="text/event-stream")
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Accel-Buffering"] = "no"  # proxies pass each event on at once
    return response


def _may_follow(caller: Caller, topic: str) -> bool:
    rule = rule_for(topic)
    return rule is not None and bool(rule(caller, topic))


def _events(
    app: Flask,
    broker: Broker,
    caller: Caller,
    topics: frozenset[str],
    last_id: str | None,
    still_valid: Callable[[], float | None],
    left: float | None,
) -> Iterator[str]:
    subscription = broker.subscribe(topics)
    try:
        yield f"retry: {RETRY_MS}\n\n"
        yield _session_event(left)
        if last_id:
            missed = broker.missed(last_id, topics)
            if missed is None:
                yield "event: resync\ndata: {}\n\n"
            else:
                for event in missed:
                    yield _deliver(app, caller, event)
        plan = timing(app)
        ends_at = time.monotonic() + plan.max_seconds
        next_beat = time.monotonic() + plan.heartbeat_seconds
        while time.monotonic() < ends_at:
            try:
                event = subscription.events.get(timeout=max(next_beat - time.monotonic(), 0))
            except queue.Empty:
                with app.app_context(), unit_of_work():
                    left = still_valid()
                yield _session_event(left)
                if left is None:
                    return
                next_beat = time.monotonic() + plan.heartbeat_seconds
                continue
            yield _deliver(app, caller, event)
    finally:
        broker.unsubscribe(subscription)


def _session_event(left: float | None) -> str:
    if left is None:
        return 'event: session\ndata: {"ended":true}\n\n'
    seconds = "null" if left == float("inf") else str(int(left))
    return f'event: session\ndata: {{"ended":false,"seconds_left":{seconds}}}\n\n'


def _deliver(app: Flask, caller: Caller, event: LiveEvent) -> str:
    party = event.data.get("party_id")
    if party:
        _log_delivery(app, caller, uuid.UUID(str(party)))
    return f"id: {event.id}\ndata: {event.to_json()}\n\n"


def _log_delivery(app: Flask, caller: Caller, party: uuid.UUID) -> None:
    """One processing-log record: this user was shown this party's data on their screen."""
    trace_id, span_id = new_trace()
    context = ProcessingContext(
        actor_type=caller.role,
        actor_id=str(caller.uuid),
        activity=Activity.CUSTOMER_CONTACT,
        operation=OPERATION,
        trace_id=trace_id,
        span_id=span_id,
        user_id=caller.id,
    )
    with app.app_context(), processing(context), unit_of_work():
        log_processing([party], Action.READ)


@bp.get("/session")
def session_left() -> Response:
    """How long this browser's session has left; asking does not extend it."""
    sessions.mark_background()
    if sessions.signed_in_user() is None:
        raise Unauthorized(_l("the session has ended; sign in again"))
    return jsonify(seconds_left=int(sessions.seconds_left() or 0))


@bp.post("/session")
def stay_signed_in() -> Response:
    """The person chose to stay signed in: the idle time starts again (needs the CSRF token)."""
    if sessions.signed_in_user() is None:
        raise Unauthorized(_l("the session has ended; sign in again"))
    if not sessions.csrf_valid():
        raise Forbidden(
            _l(
                "staying signed in needs the %(header)s header",
                header=sessions.CSRF_HEADER,
            )
        )
    left = sessions.keep_alive()
    return jsonify(seconds_left=int(left or 0))
