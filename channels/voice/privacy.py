"""The phone calls' privacy section: calls matched to a party, exported and erased with it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, select

from channels.voice.models import PhoneCall
from kcc.db import db
from kcc.parties.models import Party
from kcc.rights.sections import PrivacySection


def _of(parties: list[Party]) -> Any:
    return PhoneCall.party_id.in_([p.id for p in parties])


def calls_export(parties: list[Party]) -> list[dict[str, Any]]:
    """Each call from the parties' numbers: when, from which number, how long, how it ended."""
    calls = db.session().scalars(select(PhoneCall).where(_of(parties)).order_by(PhoneCall.id))
    return [
        {
            "at": c.created_at.isoformat(),
            "caller_number": c.caller_number,
            "status": c.status,
            "duration_seconds": c.duration_seconds,
        }
        for c in calls
    ]


def count_calls(parties: list[Party]) -> int:
    query = select(func.count()).select_from(PhoneCall).where(_of(parties))
    return int(db.session().scalar(query) or 0)


def erase_calls(parties: list[Party]) -> int:
    """Remove the parties' call rows (the contact moments go with their own section)."""
    result = db.session().execute(delete(PhoneCall).where(_of(parties)))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def calls_section() -> PrivacySection:
    return PrivacySection(
        "phone_calls",
        ("phone_calls",),
        export=calls_export,
        erase=erase_calls,
        count=count_calls,
        order=15,
    )
