"""Register, change and read parties.

Searching, digital addresses, identifiers and bank accounts have modules of their own
(``search``, ``addresses``, ``identifier_services``, ``bank_accounts``); the names most
callers use are re-exported here.
"""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import joinedload

from kcc.constants import Action, IdentifierKind, PartyType
from kcc.crypto import DataCipher
from kcc.db import db
from kcc.errors import NotFound, ValidationFailed
from kcc.events.outbox import record
from kcc.parties import identifiers as ids
from kcc.parties import records
from kcc.parties.addresses import (
    AddressInput,
    add_digital_address,
    attach_address,
    remove_digital_address,
)
from kcc.parties.events import PartyRegistered, PartyUpdated
from kcc.parties.identifier_services import build_identifiers
from kcc.parties.models import Party
from kcc.parties.records import BSN_CONTEXT, bsn_lookup, flush_unique, live_parties
from kcc.parties.search import PartyQuery, search_parties
from kcc.privacy.services import log_processing

__all__ = [
    "BSN_CONTEXT",
    "AddressInput",
    "PartyInput",
    "PartyQuery",
    "add_digital_address",
    "bsn_lookup",
    "get_party",
    "party_id_for",
    "register_party",
    "remove_digital_address",
    "reveal_bsn",
    "search_parties",
    "update_party",
]
PERSON_FIELDS = ("given_names", "surname_prefix", "surname")


@dataclass
class PartyInput:
    type: str
    given_names: str | None = None
    surname_prefix: str | None = None
    surname: str | None = None
    name: str | None = None
    bsn: str | None = None
    kvk: str | None = None
    rsin: str | None = None
    branch_number: str | None = None
    organisation_id: uuid.UUID | None = None
    preferred_language: str = "nl"
    preferred_channel: str | None = None
    digital_addresses: list[AddressInput] = field(default_factory=list)
    names_required: bool = (
        True  # the Klantinteracties standard registers parties by identifier alone
    )
    # Kept for the Klantinteracties standard (partij); our own API does not offer them.
    number: str | None = None
    initials: str | None = None
    internal_note: str = ""
    confidential: bool | None = None
    visiting_address: dict[str, Any] | None = None
    postal_address: dict[str, Any] | None = None
    is_active: bool = True


def _cipher() -> DataCipher:
    return records.cipher()


def register_party(data: PartyInput) -> Party:
    """Create a party with its identifiers and addresses; raises on invalid or taken ones."""
    _check_type_fields(data)
    party = Party(
        type=data.type,
        given_names=data.given_names,
        surname_prefix=data.surname_prefix,
        surname=data.surname,
        name=data.name,
        preferred_language=data.preferred_language,
        preferred_channel=data.preferred_channel,
        number=data.number,
        initials=data.initials,
        internal_note=data.internal_note,
        confidential=data.confidential,
        visiting_address=data.visiting_address,
        postal_address=data.postal_address,
        is_active=data.is_active,
    )
    if data.organisation_id is not None:
        party.organisation_id = _organisation(data.organisation_id).id
    party.search_name = _search_name(party)
    party.identifiers = build_identifiers(data.bsn, data.kvk, data.rsin, data.branch_number)
    session = db.session()
    session.add(party)
    for address in data.digital_addresses:
        attach_address(party, address)
    flush_unique(_l("an identifier or address of this party is registered already"))
    record(PartyRegistered(party_id=str(party.uuid), type=party.type))
    log_processing([party.uuid], Action.CREATE)
    return party


def _check_type_fields(data: PartyInput) -> None:
    if data.type == PartyType.ORGANISATION:
        if not data.name and data.names_required:
            raise ValidationFailed.field("name", _l("an organisation needs its name"))
        for name in (*PERSON_FIELDS, "bsn"):
            if getattr(data, name):
                raise ValidationFailed.field(
                    name, _l("only persons and contact persons have this field")
                )
    else:
        if not data.surname and data.names_required:
            raise ValidationFailed.field("surname", _l("a person needs a surname"))
        for name in ("name", "kvk", "rsin", "branch_number"):
            if getattr(data, name):
                raise ValidationFailed.field(name, _l("only organisations have this field"))
    if data.type == PartyType.CONTACT_PERSON and data.organisation_id is None:
        raise ValidationFailed.field(
            "organisation_id", _l("a contact person works for an organisation")
        )
    if data.type != PartyType.CONTACT_PERSON and data.organisation_id is not None:
        raise ValidationFailed.field(
            "organisation_id", _l("only contact persons work for an organisation")
        )
    if data.branch_number and not data.kvk:
        raise ValidationFailed.field(
            "branch_number", _l("a branch number needs the KvK number it belongs to")
        )


def _organisation(party_uuid: uuid.UUID) -> Party:
    org = db.session().scalar(live_parties().where(Party.uuid == party_uuid))
    if org is None or org.type != PartyType.ORGANISATION:
        raise ValidationFailed.field("organisation_id", _l("no organisation with this id"))
    return org


def _search_name(party: Party) -> str:
    if party.type == PartyType.ORGANISATION:
        return ids.search_key(party.name)
    return ids.search_key(party.given_names, party.surname_prefix, party.surname)


@functools.cache
def _party_with_details() -> Select[Party]:
    # Built once (the party's id is a parameter): an ORM statement costs CPU to build and key.
    return (
        live_parties()
        .where(Party.uuid == bindparam("party_uuid"))
        .options(joinedload(Party.identifiers), joinedload(Party.addresses))
    )


def get_party(party_uuid: uuid.UUID, log: bool = True) -> Party:
    """One party with identifiers and addresses; the read is logged."""
    party = (
        db.session()
        .scalars(_party_with_details(), {"party_uuid": party_uuid})
        .unique()
        .one_or_none()
    )
    if party is None:
        raise NotFound(_l("no party with id %(party_uuid)s", party_uuid=party_uuid))
    if log:
        log_processing([party.uuid], Action.READ)
    return party


def party_id_for(party_uuid: uuid.UUID, field_name: str = "party_id") -> int:
    """The internal key of a party; a missing party is a validation error on ``field_name``."""
    found = db.session().scalar(
        select(Party.id).where(Party.uuid == party_uuid, Party.removed_at.is_(None))
    )
    if found is None:
        raise ValidationFailed.field(
            field_name, _l("no party with id %(party_uuid)s", party_uuid=party_uuid)
        )
    return found


UPDATABLE = {
    "given_names",
    "surname_prefix",
    "surname",
    "name",
    "preferred_language",
    "preferred_channel",
}
# Kept for the Klantinteracties standard (partij); our own API does not offer them.
UPDATABLE |= {
    "number",
    "initials",
    "internal_note",
    "confidential",
    "visiting_address",
    "postal_address",
    "is_active",
}


def update_party(party_uuid: uuid.UUID, changes: dict[str, Any]) -> Party:
    """Change names, preferences (and the standard's extra fields) of a live party.

    ``organisation_id`` (a UUID) moves a contact person to another organisation.
    """
    party = get_party(party_uuid, log=False)
    unknown = set(changes) - UPDATABLE - {"organisation_id"}
    if unknown:
        name = sorted(unknown)[0]
        raise ValidationFailed.field(name, _l("cannot be changed with PATCH"))
    fields = sorted(changes)
    changes = dict(changes)
    if "organisation_id" in changes:
        _move_contact_person(party, changes.pop("organisation_id"))
    for name, value in changes.items():
        if party.type == PartyType.ORGANISATION and name in PERSON_FIELDS and value:
            raise ValidationFailed.field(
                name, _l("only persons and contact persons have this field")
            )
        if party.type != PartyType.ORGANISATION and name == "name" and value:
            raise ValidationFailed.field(name, _l("only organisations have this field"))
        required = "name" if party.type == PartyType.ORGANISATION else "surname"
        if name == required and not value:
            raise ValidationFailed.field(name, _l("may not be emptied"))
        setattr(party, name, value)
    party.search_name = _search_name(party)
    db.session().flush()
    record(PartyUpdated(party_id=str(party.uuid), fields=fields))
    log_processing([party.uuid], Action.UPDATE)
    return party


def _move_contact_person(party: Party, organisation_uuid: uuid.UUID | None) -> None:
    if party.type != PartyType.CONTACT_PERSON:
        raise ValidationFailed.field(
            "organisation_id", _l("only contact persons work for an organisation")
        )
    if organisation_uuid is None:
        raise ValidationFailed.field(
            "organisation_id", _l("a contact person works for an organisation")
        )
    party.organisation_id = _organisation(organisation_uuid).id


def reveal_bsn(party: Party) -> str | None:
    """The full BSN, for the subject access export only."""
    for identifier in party.identifiers:
        if identifier.kind == IdentifierKind.BSN and identifier.value_encrypted:
            return _cipher().decrypt(identifier.value_encrypted, BSN_CONTEXT)
    return None
