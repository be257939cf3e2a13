"""Queue live events on the current transaction and hand them to the broker after commit."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from flask import current_app, has_app_context

from kcc.db import db
from kcc.live.broker import Broker

log = logging.getLogger(__name__)

EXTENSION = "kcc.live"
_PENDING = "live_pending"


def broker() -> Broker | None:
    """This app's broker, or None in an app without live updates."""
    if not has_app_context():
        return None
    found: Broker | None = current_app.extensions.get(EXTENSION)
    return found


def notify(topic: str, kind: str, data: Mapping[str, Any]) -> None:
    """Tell the pages following ``topic`` that something of ``kind`` happened.

    The event is queued on the current database transaction and published after it commits;
    a rollback drops it. ``data`` is small and JSON-able: ids, counts, short labels. Pages
    fetch what they show from their own fragments, which log their reads; an event whose
    ``data`` carries a ``party_id`` holds that party's data itself and is written to the
    processing log each time a stream delivers it to a screen.
    """
    session = db.session()
    pending: list[tuple[str, str, dict[str, Any]]] | None = session.info.get(_PENDING)
    callbacks = session.info.get("after_commit") or {}
    if pending is None or "live" not in callbacks:
        # A rollback clears the after-commit callbacks: what was queued before it is dropped.
        pending = session.info[_PENDING] = []
        db.after_commit(_publish_pending, key="live")
    pending.append((topic, kind, dict(data)))


def _publish_pending() -> None:
    items: list[tuple[str, str, dict[str, Any]]] = db.session().info.pop(_PENDING, [])
    target = broker()
    if not items or target is None:
        return
    try:
        target.publish(items)
    except Exception as exc:  # a page missing an update must never fail the committed work
        log.warning("%d live events not published (%s)", len(items), type(exc).__name__)
