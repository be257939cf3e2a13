"""The rq job the journey benchmark enqueues: one engine step in its own transaction."""

from __future__ import annotations

from journeys.constants import CauseType
from journeys.engine import Cause, advance
from kcc.db import unit_of_work


def advance_one(instance_id: int, event: str, event_id: str) -> None:
    with unit_of_work():
        advance(instance_id, event, event_id, Cause(CauseType.EVENT, "bench-rq"))
