"""Live notices about calls: ringing into a team's queue, taken by an agent, ended.

A notice names the call (and the party's id for the agent who took it), never the number.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from channels.voice.models import PhoneCall
from kcc.live import notify


def _notify(topic: str, kind: str, data: Mapping[str, Any]) -> None:
    notify(topic, kind, data)


def call_ringing(call: PhoneCall) -> None:
    """Agents of the call's team see it ringing."""
    _notify(f"queue:{call.team}", "call.ringing", {"call_id": str(call.uuid)})


def call_taken(call: PhoneCall, agent: uuid.UUID, party: uuid.UUID | None) -> None:
    """The queue sees the call gone; the agent's pages open the caller's view."""
    _notify(f"queue:{call.team}", "call.taken", {"call_id": str(call.uuid)})
    _notify(
        f"user:{agent}",
        "call.taken",
        {"call_id": str(call.uuid), "party_id": str(party) if party else None},
    )


def call_ended(call: PhoneCall, agent: uuid.UUID | None) -> None:
    """The queue (and the agent who had it) see the call end."""
    data = {"call_id": str(call.uuid), "status": call.status}
    _notify(f"queue:{call.team}", "call.ended", data)
    if agent is not None:
        _notify(f"user:{agent}", "call.ended", data)
