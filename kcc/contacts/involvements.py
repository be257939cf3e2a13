"""Change a recorded contact moment: its fields, who took part (betrokkenen), what it was
about (subject objects), and delete it. Each change records its event and is logged."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from kcc.constants import Action, InvolvementRole
from kcc.contacts.events import (
    ContactMomentChanged,
    ContactMomentDeleted,
    InvolvementChanged,
    SubjectObjectChanged,
)
from kcc.contacts.models import ContactMoment, Involvement, SubjectObject
from kcc.db import db
from kcc.errors import Conflict, NotFound, ValidationFailed
from kcc.events.outbox import record
from kcc.parties.models import Party
from kcc.parties.records import live_party
from kcc.privacy.bsn import protect
from kcc.privacy.services import log_processing

# Fields a correction may change; ``occurred_at`` moves the involvements' copy along;
# ``agent_id`` is the user's key (an agent found later, e.g. through the standard's actor).
CHANGEABLE = {
    "agent_id",
    "channel",
    "subject",
    "text",
    "language",
    "confidential",
    "occurred_at",
    "details",
    "number",
    "reference",
    "response",
    "contact_succeeded",
    "main_subject_type",
    "further_action",
}


@dataclass
class InvolvementChange:
    """A party's (or, without ``party_id``, someone unnamed's) part in a contact moment."""

    contact_moment_id: uuid.UUID
    role: str = InvolvementRole.RESIDENT
    party_id: uuid.UUID | None = None
    initiator: bool = False
    details: dict[str, Any] = field(default_factory=dict)


@dataclass
class SubjectObjectInput:
    """``contact_moment_id`` None: the object is registered before (or without) its contact."""

    contact_moment_id: uuid.UUID | None
    type: str
    id: str
    register: str = ""
    id_kind: str = ""
    was_contact_moment_id: uuid.UUID | None = None


def _moment(moment_uuid: uuid.UUID) -> ContactMoment:
    moment = db.session().scalar(select(ContactMoment).where(ContactMoment.uuid == moment_uuid))
    if moment is None:
        raise NotFound(_l("no contact moment with id %(moment_uuid)s", moment_uuid=moment_uuid))
    return moment


def _parties_of(moment: ContactMoment) -> list[uuid.UUID]:
    return [i.party.uuid for i in moment.involvements if i.party is not None]


FREE_TEXT = ("subject", "text", "response", "details")


def _without_bsns(changes: dict[str, Any]) -> dict[str, Any]:
    """The changes with every BSN in their free text masked (sealed in the details when those
    change too), as ``record_contact`` stores them; numbers and references are not free text."""
    free = {name: changes[name] for name in FREE_TEXT if name in changes}
    if not free:
        return changes
    return {**changes, **protect(free, sealed_in="details" if "details" in free else None)}


def _assign(row: Any, wanted: dict[str, Any]) -> bool:
    """Set ``wanted`` columns on ``row``; whether any of them changed."""
    changed = any(getattr(row, name) != value for name, value in wanted.items())
    for name, value in wanted.items():
        setattr(row, name, value)
    return changed


def change_contact_moment(moment_uuid: uuid.UUID, changes: dict[str, Any]) -> ContactMoment:
    """Correct or complete a recorded contact moment; nothing is recorded if nothing changed."""
    unknown = set(changes) - CHANGEABLE
    if unknown:
        raise ValidationFailed.field(sorted(unknown)[0], _l("cannot be changed"))
    changes = _without_bsns(changes)
    moment = _moment(moment_uuid)
    changed = sorted(name for name, value in changes.items() if getattr(moment, name) != value)
    if not changed:
        return moment
    for name in changed:
        setattr(moment, name, changes[name])
    if "occurred_at" in changed:
        for involvement in moment.involvements:
            involvement.occurred_at = moment.occurred_at
    db.session().flush()
    record(ContactMomentChanged(contact_moment_id=str(moment.uuid), fields=changed))
    log_processing(_parties_of(moment), Action.UPDATE)
    return moment


def delete_contact_moment(moment_uuid: uuid.UUID) -> None:
    """Delete a contact moment with its involvements, subject objects and the addresses given
    only during it (for its follow-up)."""
    moment = _moment(moment_uuid)
    parties = _parties_of(moment)
    db.session().delete(moment)
    db.session().flush()
    record(
        ContactMomentDeleted(
            contact_moment_id=str(moment_uuid), party_ids=[str(p) for p in parties]
        )
    )
    log_processing(parties, Action.DELETE)


def _involvement(involvement_uuid: uuid.UUID) -> Involvement:
    found = db.session().scalar(select(Involvement).where(Involvement.uuid == involvement_uuid))
    if found is None:
        raise NotFound(
            _l("no involvement with id %(involvement_uuid)s", involvement_uuid=involvement_uuid)
        )
    return found


def _involvement_changed(involvement: Involvement, change: str, moment: ContactMoment) -> None:
    party = involvement.party
    record(
        InvolvementChanged(
            contact_moment_id=str(moment.uuid),
            involvement_id=str(involvement.uuid),
            party_id=str(party.uuid) if party is not None else None,
            role=involvement.role,
            change=change,
        )
    )
    if party is not None:
        log_processing([party.uuid], Action.UPDATE if change == "changed" else Action.CREATE)


def _apply(involvement: Involvement, data: InvolvementChange) -> bool:
    """Put ``data`` on the involvement; whether anything changed."""
    if data.role not in set(InvolvementRole):
        raise ValidationFailed.field("role", _l("unknown role %(role)r", role=data.role))
    moment = _moment(data.contact_moment_id)
    party: Party | None = live_party(data.party_id) if data.party_id is not None else None
    if party is not None:
        clash = db.session().scalar(
            select(Involvement.id).where(
                Involvement.contact_moment_id == moment.id,
                Involvement.party_id == party.id,
                Involvement.role == data.role,
            )
        )
        if clash is not None and clash != involvement.id:
            raise Conflict(
                _l("the party takes part in this contact moment in this role already"),
                invalid_params=[
                    {"name": "party_id", "reason": _l("already involved in this role")}
                ],
            )
    wanted = {
        "contact_moment_id": moment.id,
        "party_id": party.id if party is not None else None,
        "role": data.role,
        "occurred_at": moment.occurred_at,
        "initiator": data.initiator,
        "details": data.details,
    }
    changed = _assign(involvement, wanted)
    involvement.contact_moment = moment
    involvement.party = party
    return changed


def add_involvement(data: InvolvementChange) -> Involvement:
    """Someone's part in a contact moment, added after it was recorded."""
    involvement = Involvement()
    _apply(involvement, data)
    db.session().add(involvement)
    db.session().flush()
    _involvement_changed(involvement, "added", involvement.contact_moment)
    return involvement


def change_involvement(involvement_uuid: uuid.UUID, data: InvolvementChange) -> Involvement:
    """Replace someone's part in a contact moment (e.g. link the party they turned out to be)."""
    involvement = _involvement(involvement_uuid)
    if _apply(involvement, data):
        db.session().flush()
        _involvement_changed(involvement, "changed", involvement.contact_moment)
    return involvement


def remove_involvement(involvement_uuid: uuid.UUID) -> None:
    """Remove someone's part in a contact moment, with the addresses only it held."""
    involvement = _involvement(involvement_uuid)
    moment, party = involvement.contact_moment, involvement.party
    db.session().delete(involvement)
    db.session().flush()
    record(
        InvolvementChanged(
            contact_moment_id=str(moment.uuid),
            involvement_id=str(involvement_uuid),
            party_id=str(party.uuid) if party is not None else None,
            role=involvement.role,
            change="removed",
        )
    )
    if party is not None:
        log_processing([party.uuid], Action.DELETE)


def _object(object_uuid: uuid.UUID) -> SubjectObject:
    found = db.session().scalar(select(SubjectObject).where(SubjectObject.uuid == object_uuid))
    if found is None:
        raise NotFound(_l("no subject object with id %(object_uuid)s", object_uuid=object_uuid))
    return found


def _object_changed(item: SubjectObject, change: str, moment: ContactMoment | None) -> None:
    record(
        SubjectObjectChanged(
            contact_moment_id=str(moment.uuid) if moment is not None else None,
            subject_object_id=str(item.uuid),
            type=item.object_type,
            id=item.object_id,
            change=change,
        )
    )
    if moment is not None:
        action = Action.DELETE if change == "removed" else Action.UPDATE
        log_processing(_parties_of(moment), action)


def _put_object(item: SubjectObject, data: SubjectObjectInput) -> bool:
    moment = _moment(data.contact_moment_id) if data.contact_moment_id is not None else None
    was = _moment(data.was_contact_moment_id) if data.was_contact_moment_id is not None else None
    wanted = {
        "contact_moment_id": moment.id if moment is not None else None,
        "was_contact_moment_id": was.id if was is not None else None,
        "object_type": data.type,
        "object_id": data.id,
        "register": data.register,
        "id_kind": data.id_kind,
    }
    changed = _assign(item, wanted)
    item.contact_moment = moment
    return changed


def add_subject_object(data: SubjectObjectInput) -> SubjectObject:
    """Record one more thing a contact moment was about (e.g. a case), or register it before
    its contact moment (``contact_moment_id`` None)."""
    item = SubjectObject()
    _put_object(item, data)
    db.session().add(item)
    db.session().flush()
    _object_changed(item, "added", item.contact_moment)
    return item


def change_subject_object(object_uuid: uuid.UUID, data: SubjectObjectInput) -> SubjectObject:
    item = _object(object_uuid)
    before = item.contact_moment
    if _put_object(item, data):
        db.session().flush()
        # An object taken off its contact moment is still that moment's parties' change.
        _object_changed(item, "changed", item.contact_moment or before)
    return item


def remove_subject_object(object_uuid: uuid.UUID) -> None:
    item = _object(object_uuid)
    moment = item.contact_moment
    db.session().delete(item)
    db.session().flush()
    _object_changed(item, "removed", moment)
