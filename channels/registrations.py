"""Phone calls and counter visits, registered by agents as contact moments with their own fields."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from channels.parties import party_by_address
from kcc.constants import AddressKind, Channel
from kcc.contacts.models import ContactMoment
from kcc.contacts.services import ContactInput, InvolvementInput, record_contact
from kcc.parties.identifiers import normalise_phone


@dataclass
class PhoneCall:
    caller_number: str | None = None
    party_id: uuid.UUID | None = None
    direction: str = "inbound"
    started_at: datetime | None = None
    duration_seconds: int | None = None
    outcome: str | None = None
    subject: str = ""
    text: str = ""
    language: str = "nl"
    agent_id: uuid.UUID | None = None


@dataclass
class CounterVisit:
    location: str
    party_id: uuid.UUID | None = None
    appointment_reference: str | None = None
    visited_at: datetime | None = None
    duration_minutes: int | None = None
    outcome: str | None = None
    subject: str = ""
    text: str = ""
    language: str = "nl"
    agent_id: uuid.UUID | None = None


def _caller(number: str) -> uuid.UUID | None:
    party = party_by_address(AddressKind.PHONE, number)
    return party.uuid if party is not None else None


def register_call(call: PhoneCall, recorded_by: int | None) -> ContactMoment:
    """A call as a contact moment; without a party the caller's number finds one."""
    number = normalise_phone(call.caller_number, "caller_number") if call.caller_number else None
    party = call.party_id or (_caller(number) if number else None)
    details = {"caller_number": number, "duration_seconds": call.duration_seconds}
    return record_contact(
        ContactInput(
            channel=Channel.PHONE,
            direction=call.direction,
            subject=call.subject or "Telefoongesprek",
            text=call.text,
            outcome=call.outcome,
            language=call.language,
            occurred_at=call.started_at,
            parties=[InvolvementInput(party)] if party else [],
            agent_id=call.agent_id,
            details={k: v for k, v in details.items() if v is not None},
        ),
        recorded_by=recorded_by,
    ).contact_moment


def register_visit(visit: CounterVisit, recorded_by: int | None) -> ContactMoment:
    """A visit to a counter (e.g. the Stadswinkel) as a contact moment."""
    details = {
        "location": visit.location,
        "appointment_reference": visit.appointment_reference,
        "duration_minutes": visit.duration_minutes,
    }
    return record_contact(
        ContactInput(
            channel=Channel.COUNTER,
            direction="inbound",
            subject=visit.subject or f"Bezoek {visit.location}",
            text=visit.text,
            outcome=visit.outcome,
            language=visit.language,
            occurred_at=visit.visited_at,
            parties=[InvolvementInput(visit.party_id)] if visit.party_id else [],
            agent_id=visit.agent_id,
            details={k: v for k, v in details.items() if v is not None},
        ),
        recorded_by=recorded_by,
    ).contact_moment
