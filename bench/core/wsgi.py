"""The WSGI app for load runs: the production app, optionally with one no-op event subscriber.

With ``KCC_BENCH_SUBSCRIBER=1`` a subscriber to ``contact_moment.recorded`` is registered, so
that every recorded contact moment is handed to rq after commit, as it is once channels or
journeys subscribe. Nothing consumes the queue during the run.
"""

from __future__ import annotations

import os

from kcc.app import create_app
from kcc.events.base import EventEnvelope, subscribe


def _noop(_envelope: EventEnvelope) -> None:
    return None


if os.environ.get("KCC_BENCH_SUBSCRIBER") == "1":
    subscribe("contact_moment.recorded", _noop, key="bench.noop")

app = create_app()
