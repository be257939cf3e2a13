"""Register, change, find and read parties and their digital addresses."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, joinedload

from kcc.constants import Action, AddressKind, IdentifierKind, PartyType
from kcc.crypto import DataCipher
from kcc.db import db
from kcc.errors import Conflict, NotFound, ValidationFailed
from kcc.events.outbox import record
from kcc.pagination import decode_cursor, encode_cursor
from kcc.parties import identifiers as ids
from kcc.parties.events import PartyRegistered, PartyUpdated
from kcc.parties.models import DigitalAddress, Party, PartyIdentifier
from kcc.privacy.services import log_processing

BSN_CONTEXT = "party-identifier/bsn"
PERSON_FIELDS = ("given_names", "surname_prefix", "surname")


@dataclass
class AddressInput:
    kind: str
    address: str
    label: str = ""
    is_default: bool = False
    verified_at: datetime | None = None


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


def _cipher() -> DataCipher:
    return current_app.extensions["kcc.cipher"]  # type: ignore[no-any-return]


def bsn_lookup(bsn: str) -> str:
    return _cipher().lookup_hash(bsn, BSN_CONTEXT)


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
    )
    if data.organisation_id is not None:
        party.organisation_id = _organisation(data.organisation_id).id
    party.search_name = _search_name(party)
    party.identifiers = _build_identifiers(data)
    session = db.session()
    session.add(party)
    for address in data.digital_addresses:
        _attach_address(party, address)
    _flush_unique("an identifier or address of this party is registered already")
    record(PartyRegistered(party_id=str(party.uuid), type=party.type))
    log_processing([party.uuid], Action.CREATE)
    return party


def _check_type_fields(data: PartyInput) -> None:
    if data.type == PartyType.ORGANISATION:
        if not data.name and data.names_required:
            raise ValidationFailed.field("name", "an organisation needs its name")
        for name in (*PERSON_FIELDS, "bsn"):
            if getattr(data, name):
                raise ValidationFailed.field(
                    name, "only persons and contact persons have this field"
                )
    else:
        if not data.surname and data.names_required:
            raise ValidationFailed.field("surname", "a person needs a surname")
        for name in ("name", "kvk", "rsin", "branch_number"):
            if getattr(data, name):
                raise ValidationFailed.field(name, "only organisations have this field")
    if data.type == PartyType.CONTACT_PERSON and data.organisation_id is None:
        raise ValidationFailed.field(
            "organisation_id", "a contact person works for an organisation"
        )
    if data.type != PartyType.CONTACT_PERSON and data.organisation_id is not None:
        raise ValidationFailed.field(
            "organisation_id", "only contact persons work for an organisation"
        )
    if data.branch_number and not data.kvk:
        raise ValidationFailed.field(
            "branch_number", "a branch number needs the KvK number it belongs to"
        )


def _organisation(party_uuid: uuid.UUID) -> Party:
    org = db.session().scalar(select(Party).where(Party.uuid == party_uuid))
    if org is None or org.type != PartyType.ORGANISATION:
        raise ValidationFailed.field("organisation_id", "no organisation with this id")
    return org


def _search_name(party: Party) -> str:
    if party.type == PartyType.ORGANISATION:
        return ids.search_key(party.name)
    return ids.search_key(party.given_names, party.surname_prefix, party.surname)


def _build_identifiers(data: PartyInput) -> list[PartyIdentifier]:
    found: list[PartyIdentifier] = []
    if data.bsn:
        bsn = ids.validate_bsn(data.bsn)
        _ensure_free(IdentifierKind.BSN, bsn_lookup(bsn), "a party with this BSN exists already")
        found.append(
            PartyIdentifier(
                kind=IdentifierKind.BSN,
                lookup=bsn_lookup(bsn),
                display=ids.mask_bsn(bsn),
                value_encrypted=_cipher().encrypt(bsn, BSN_CONTEXT),
            )
        )
    kvk: PartyIdentifier | None = None
    if data.kvk:
        value = ids.validate_kvk(data.kvk)
        branch = ids.validate_branch_number(data.branch_number) if data.branch_number else None
        kvk = _registered(IdentifierKind.KVK, value)
        if kvk is not None and branch is None:
            raise Conflict("an organisation with this KvK number exists already")
        if kvk is None:
            kvk = PartyIdentifier(kind=IdentifierKind.KVK, lookup=value, display=value)
            found.append(kvk)
    if data.rsin:
        value = ids.validate_rsin(data.rsin)
        _ensure_free(IdentifierKind.RSIN, value, "an organisation with this RSIN exists already")
        found.append(PartyIdentifier(kind=IdentifierKind.RSIN, lookup=value, display=value))
    if data.branch_number:
        value = ids.validate_branch_number(data.branch_number)
        _ensure_free(
            IdentifierKind.BRANCH_NUMBER, value, "a party with this branch number exists already"
        )
        # Branches of one business are parties of their own under the business's KvK number.
        found.append(
            PartyIdentifier(
                kind=IdentifierKind.BRANCH_NUMBER, lookup=value, display=value, parent=kvk
            )
        )
    return found


def _registered(kind: str, lookup: str) -> PartyIdentifier | None:
    return db.session().scalar(
        select(PartyIdentifier).where(
            PartyIdentifier.kind == kind, PartyIdentifier.lookup == lookup
        )
    )


def _ensure_free(kind: str, lookup: str, message: str) -> None:
    taken = db.session().scalar(
        select(PartyIdentifier.id).where(
            PartyIdentifier.kind == kind, PartyIdentifier.lookup == lookup
        )
    )
    if taken is not None:
        raise Conflict(message)


def _flush_unique(message: str) -> None:
    try:
        db.session().flush()
    except IntegrityError:
        raise Conflict(message) from None


def _attach_address(party: Party, data: AddressInput) -> DigitalAddress:
    normalised = ids.normalise_address(data.kind, data.address)
    if any(a.kind == data.kind and a.address == normalised for a in party.addresses):
        raise Conflict(f"the party has this {data.kind} address already")
    if data.is_default or not any(a.kind == data.kind for a in party.addresses):
        for other in party.addresses:
            if other.kind == data.kind:
                other.is_default = False
        is_default = True
    else:
        is_default = False
    address = DigitalAddress(
        kind=data.kind,
        address=normalised,
        label=data.label,
        is_default=is_default,
        verified_at=data.verified_at,
    )
    party.addresses.append(address)
    return address


def get_party(party_uuid: uuid.UUID, log: bool = True) -> Party:
    """One party with identifiers and addresses; the read is logged."""
    party = (
        db.session()
        .scalars(
            select(Party)
            .where(Party.uuid == party_uuid)
            .options(joinedload(Party.identifiers), joinedload(Party.addresses))
        )
        .unique()
        .one_or_none()
    )
    if party is None:
        raise NotFound(f"no party with id {party_uuid}")
    if log:
        log_processing([party.uuid], Action.READ)
    return party


def party_id_for(party_uuid: uuid.UUID, field_name: str = "party_id") -> int:
    """The internal key of a party; a missing party is a validation error on ``field_name``."""
    found = db.session().scalar(select(Party.id).where(Party.uuid == party_uuid))
    if found is None:
        raise ValidationFailed.field(field_name, f"no party with id {party_uuid}")
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
    party = get_party(party_uuid, log=False)
    unknown = set(changes) - UPDATABLE
    if unknown:
        name = sorted(unknown)[0]
        raise ValidationFailed.field(name, "cannot be changed with PATCH")
    for name, value in changes.items():
        if party.type == PartyType.ORGANISATION and name in PERSON_FIELDS and value:
            raise ValidationFailed.field(name, "only persons and contact persons have this field")
        if party.type != PartyType.ORGANISATION and name == "name" and value:
            raise ValidationFailed.field(name, "only organisations have this field")
        required = "name" if party.type == PartyType.ORGANISATION else "surname"
        if name == required and not value:
            raise ValidationFailed.field(name, "may not be emptied")
        setattr(party, name, value)
    party.search_name = _search_name(party)
    db.session().flush()
    record(PartyUpdated(party_id=str(party.uuid), fields=sorted(changes)))
    log_processing([party.uuid], Action.UPDATE)
    return party


def add_digital_address(party_uuid: uuid.UUID, data: AddressInput) -> DigitalAddress:
    party = get_party(party_uuid, log=False)
    address = _attach_address(party, data)
    _flush_unique("the party has this address already")
    record(PartyUpdated(party_id=str(party.uuid), fields=["digital_addresses"]))
    log_processing([party.uuid], Action.UPDATE)
    return address


def remove_digital_address(party_uuid: uuid.UUID, address_uuid: uuid.UUID) -> None:
    party = get_party(party_uuid, log=False)
    address = next((a for a in party.addresses if a.uuid == address_uuid), None)
    if address is None:
        raise NotFound(f"party {party_uuid} has no digital address {address_uuid}")
    party.addresses.remove(address)
    db.session().flush()
    if address.is_default:
        successor = next((a for a in party.addresses if a.kind == address.kind), None)
        if successor is not None:
            successor.is_default = True
    record(PartyUpdated(party_id=str(party.uuid), fields=["digital_addresses"]))
    log_processing([party.uuid], Action.UPDATE)


@dataclass
class PartyQuery:
    bsn: str | None = None
    phone: str | None = None
    email: str | None = None
    kvk: str | None = None
    q: str | None = None
    type: str | None = None


def search_parties(
    query: PartyQuery, limit: int, cursor: str | None
) -> tuple[list[Party], str | None]:
    """Find parties by one identifier, address or name, newest key first, keyset-paginated."""
    stmt = _search_statement(query)
    after = decode_cursor(cursor, {"id": int})
    if after is not None:
        stmt = stmt.where(Party.id < after["id"])
    stmt = (
        stmt.order_by(Party.id.desc())
        .limit(limit + 1)
        .options(joinedload(Party.identifiers), joinedload(Party.addresses))
    )
    # One round trip: a search usually finds one party with one or two of each.
    rows = list(db.session().scalars(stmt).unique())
    next_cursor = encode_cursor({"id": rows[limit - 1].id}) if len(rows) > limit else None
    rows = rows[:limit]
    log_processing([p.uuid for p in rows], Action.SEARCH)
    return rows, next_cursor


def _search_statement(query: PartyQuery) -> Select[Party]:
    stmt = select(Party)
    if query.bsn:
        stmt = stmt.where(
            Party.id.in_(
                _identifier_owner(IdentifierKind.BSN, bsn_lookup(ids.validate_bsn(query.bsn)))
            )
        )
    if query.kvk:
        stmt = stmt.where(Party.id.in_(_kvk_owners(ids.validate_kvk(query.kvk))))
    if query.phone:
        stmt = stmt.where(
            Party.id.in_(_address_owner(AddressKind.PHONE, ids.normalise_phone(query.phone)))
        )
    if query.email:
        stmt = stmt.where(
            Party.id.in_(_address_owner(AddressKind.EMAIL, ids.normalise_email(query.email)))
        )
    if query.q:
        key = ids.search_key(query.q)
        if len(key) < 2:
            raise ValidationFailed.field("q", "search for at least 2 characters")
        escaped = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(Party.search_name.like(f"%{escaped}%", escape="\\"))
    if query.type:
        stmt = stmt.where(Party.type == query.type)
    return stmt


def _identifier_owner(kind: str, lookup: str) -> Select[int]:
    return select(PartyIdentifier.party_id).where(
        PartyIdentifier.kind == kind, PartyIdentifier.lookup == lookup
    )


def _kvk_owners(kvk: str) -> Select[int]:
    """The business holding a KvK number and the parties registered as its branches."""
    parent = aliased(PartyIdentifier)
    branches = (
        select(PartyIdentifier.party_id)
        .join(parent, PartyIdentifier.parent_id == parent.id)
        .where(parent.kind == IdentifierKind.KVK, parent.lookup == kvk)
    )
    return _identifier_owner(IdentifierKind.KVK, kvk).union(branches)  # type: ignore[return-value]


def _address_owner(kind: str, address: str) -> Select[int | None]:
    return select(DigitalAddress.party_id).where(
        DigitalAddress.kind == kind, DigitalAddress.address == address
    )


def reveal_bsn(party: Party) -> str | None:
    """The full BSN, for the subject access export only."""
    for identifier in party.identifiers:
        if identifier.kind == IdentifierKind.BSN and identifier.value_encrypted:
            return _cipher().decrypt(identifier.value_encrypted, BSN_CONTEXT)
    return None
