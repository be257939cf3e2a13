"""Calls ring in, are matched to a party by the caller's number, taken by an agent, and end as
a phone contact moment recorded through the core's services."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from channels.parties import party_by_address
from channels.voice import announce
from channels.voice.models import PhoneCall
from kcc.auth.models import Caller, User
from kcc.constants import Action, AddressKind, Channel, Direction, InvolvementRole, Outcome
from kcc.contacts.services import ContactInput, InvolvementInput, record_contact
from kcc.db import db, utcnow
from kcc.errors import Conflict, NotFound, ValidationFailed
from kcc.parties.identifiers import normalise_phone
from kcc.parties.models import Party
from kcc.privacy.services import log_processing

# The exchange's final statuses; "completed" after an agent took the call is an answered call.
ENDED = {"completed", "busy", "failed", "no-answer", "canceled", "missed", "abandoned"}
SUBJECT = "Telefoongesprek"


@dataclass(frozen=True)
class Ringing:
    """A call as it rang in: the stored call and whether this delivery was the first."""

    call: PhoneCall
    first: bool


def caller_number(raw: str) -> str:
    """The caller's number in E.164 where it can be read, else as the exchange sent it."""
    try:
        return normalise_phone(raw, field="From")
    except ValidationFailed:
        return raw.strip()[:40]


def _find(provider: str, call_id: str) -> PhoneCall | None:
    return db.session().scalar(
        select(PhoneCall).where(PhoneCall.provider == provider, PhoneCall.call_id == call_id)
    )


def ring(provider: str, call_id: str, caller: str, called: str, team: str) -> Ringing:
    """Store a call ringing into ``team``'s queue once; a repeat finds the first one."""
    if not call_id:
        raise ValidationFailed.field("CallSid", _l("a call needs the exchange's call id"))
    existing = _find(provider, call_id)
    if existing is not None:
        return Ringing(existing, False)
    number = caller_number(caller)
    party = party_by_address(AddressKind.PHONE, number) if number.startswith("+") else None
    call = PhoneCall(
        provider=provider,
        call_id=call_id,
        caller_number=number,
        called_number=called.strip()[:40],
        party_id=party.id if party is not None else None,
        team=team,
    )
    session = db.session()
    try:
        with session.begin_nested():
            session.add(call)
            session.flush()
    except IntegrityError:  # the same call delivered twice at once: the first one stays
        first = _find(provider, call_id)
        assert first is not None
        return Ringing(first, False)
    if party is not None:
        log_processing([party.uuid], Action.SEARCH)
    announce.call_ringing(call)
    return Ringing(call, True)


def ringing_calls(team: str | None) -> list[PhoneCall]:
    """Calls still ringing, oldest first (those of ``team`` only when given)."""
    stmt = select(PhoneCall).where(PhoneCall.status == "ringing")
    if team:
        stmt = stmt.where(PhoneCall.team == team)
    return list(db.session().scalars(stmt.order_by(PhoneCall.created_at, PhoneCall.id).limit(50)))


def party_of(call: PhoneCall) -> Party | None:
    """The party the caller's number matched, if any."""
    return db.session().get(Party, call.party_id) if call.party_id is not None else None


def get_call(call_uuid: uuid.UUID) -> PhoneCall:
    call = db.session().scalar(select(PhoneCall).where(PhoneCall.uuid == call_uuid))
    if call is None:
        raise NotFound(_l("no phone call with id %(call_uuid)s", call_uuid=call_uuid))
    return call


def take_call(call_uuid: uuid.UUID, agent: Caller | User) -> PhoneCall:
    """The agent takes a ringing call; a call taken already is a conflict naming who has it."""
    call = db.session().scalar(
        select(PhoneCall).where(PhoneCall.uuid == call_uuid).with_for_update()
    )
    if call is None:
        raise NotFound(_l("no phone call with id %(call_uuid)s", call_uuid=call_uuid))
    if call.taken_by_id is not None:
        if call.taken_by_id == agent.id:
            return call
        holder = db.session().get(User, call.taken_by_id)
        name = (holder.display_name or holder.name) if holder is not None else "someone else"
        raise Conflict(_l("the call was taken already by %(name)s", name=name), taken_by=name)
    if call.status != "ringing":
        raise Conflict(
            _l("the call is no longer ringing (%(value)s)", value=call.end_status or call.status)
        )
    call.status = "in_progress"
    call.taken_by_id = agent.id
    call.taken_at = utcnow()
    db.session().flush()
    party = party_of(call)
    if party is not None:
        log_processing([party.uuid], Action.READ)
    announce.call_taken(call, agent.uuid, party.uuid if party is not None else None)
    return call


def end_call(
    provider: str,
    call_id: str,
    end_status: str,
    duration_seconds: int | None,
    *,
    caller: str = "",
    called: str = "",
    team: str,
) -> PhoneCall:
    """The call ended: record it once as a phone contact moment (a repeat changes nothing).

    A call an agent took and that completed was answered; any other end is a missed call.
    """
    first = _find(provider, call_id) or ring(provider, call_id, caller, called, team).call
    call = db.session().scalar(select(PhoneCall).where(PhoneCall.id == first.id).with_for_update())
    assert call is not None
    if call.contact_moment_id is not None:
        return call
    answered = call.taken_by_id is not None and end_status == "completed"
    call.status = "completed" if answered else "missed"
    call.end_status = end_status
    call.ended_at = utcnow()
    call.duration_seconds = duration_seconds
    party = party_of(call)
    agent = db.session().get(User, call.taken_by_id) if call.taken_by_id is not None else None
    recorded = record_contact(
        ContactInput(
            channel=Channel.PHONE,
            direction=Direction.INBOUND,
            subject=SUBJECT,
            outcome=Outcome.ANSWERED if answered else Outcome.NOT_REACHED,
            occurred_at=call.created_at,
            parties=[InvolvementInput(party.uuid, InvolvementRole.RESIDENT)] if party else [],
            agent_id=agent.uuid if agent is not None else None,
            external_id=f"{provider}:{call_id}",
            details={
                "caller_number": call.caller_number,
                "duration_seconds": duration_seconds,
                "call_status": end_status,
            },
        )
    )
    call.contact_moment_id = recorded.contact_moment.id
    db.session().flush()
    announce.call_ended(call, agent.uuid if agent is not None else None)
    return call
