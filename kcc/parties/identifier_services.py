"""Register, change and remove a party's identifiers: BSN, KvK number, RSIN, branch number."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from kcc.constants import IdentifierKind, PartyType
from kcc.db import db
from kcc.errors import Conflict, NotFound, Text, ValidationFailed
from kcc.parties import identifiers as ids
from kcc.parties.models import Party, PartyIdentifier
from kcc.parties.records import BSN_CONTEXT, bsn_lookup, cipher, live_party, party_changed

FIELDS = ["identifiers"]
VALIDATORS: dict[str, Callable[[str, str], str]] = {
    IdentifierKind.BSN: ids.validate_bsn,
    IdentifierKind.KVK: ids.validate_kvk,
    IdentifierKind.RSIN: ids.validate_rsin,
    IdentifierKind.BRANCH_NUMBER: ids.validate_branch_number,
}
PERSONS = (PartyType.PERSON, PartyType.CONTACT_PERSON)


@dataclass
class IdentifierInput:
    kind: str
    value: str
    parent_id: uuid.UUID | None = None  # the KvK number a branch number belongs to


def registered(kind: str, lookup: str) -> PartyIdentifier | None:
    return db.session().scalar(
        select(PartyIdentifier).where(
            PartyIdentifier.kind == kind, PartyIdentifier.lookup == lookup
        )
    )


def ensure_free(kind: str, lookup: str, message: Text) -> None:
    if registered(kind, lookup) is not None:
        raise Conflict(message)


def bsn_identifier(bsn: str) -> PartyIdentifier:
    """A BSN as stored: found by its keyed hash, shown masked, kept encrypted."""
    return PartyIdentifier(
        kind=IdentifierKind.BSN,
        lookup=bsn_lookup(bsn),
        display=ids.mask_bsn(bsn),
        value_encrypted=cipher().encrypt(bsn, BSN_CONTEXT),
    )


def build_identifiers(
    bsn: str | None, kvk: str | None, rsin: str | None, branch_number: str | None
) -> list[PartyIdentifier]:
    """The identifiers of a party being registered; raises on an invalid or taken one."""
    found: list[PartyIdentifier] = []
    if bsn:
        value = ids.validate_bsn(bsn)
        ensure_free(
            IdentifierKind.BSN, bsn_lookup(value), _l("a party with this BSN exists already")
        )
        found.append(bsn_identifier(value))
    kvk_row: PartyIdentifier | None = None
    if kvk:
        value = ids.validate_kvk(kvk)
        branch = ids.validate_branch_number(branch_number) if branch_number else None
        kvk_row = registered(IdentifierKind.KVK, value)
        if kvk_row is not None and branch is None:
            raise Conflict(_l("an organisation with this KvK number exists already"))
        if kvk_row is None:
            kvk_row = PartyIdentifier(kind=IdentifierKind.KVK, lookup=value, display=value)
            found.append(kvk_row)
    if rsin:
        value = ids.validate_rsin(rsin)
        ensure_free(IdentifierKind.RSIN, value, _l("an organisation with this RSIN exists already"))
        found.append(PartyIdentifier(kind=IdentifierKind.RSIN, lookup=value, display=value))
    if branch_number:
        value = ids.validate_branch_number(branch_number)
        ensure_free(
            IdentifierKind.BRANCH_NUMBER,
            value,
            _l("a party with this branch number exists already"),
        )
        # Branches of one business are parties of their own under the business's KvK number.
        found.append(
            PartyIdentifier(
                kind=IdentifierKind.BRANCH_NUMBER, lookup=value, display=value, parent=kvk_row
            )
        )
    return found


def _identifier(identifier_uuid: uuid.UUID) -> PartyIdentifier:
    found = db.session().scalar(
        select(PartyIdentifier).where(PartyIdentifier.uuid == identifier_uuid)
    )
    if found is None:
        raise NotFound(
            _l("no party identifier with id %(identifier_uuid)s", identifier_uuid=identifier_uuid)
        )
    return found


def _checked(party: Party | None, data: IdentifierInput) -> tuple[str, PartyIdentifier | None]:
    """The validated value (a BSN in plain digits) and the KvK identifier it hangs under."""
    if data.kind not in VALIDATORS:
        raise ValidationFailed.field(
            "kind", _l("unknown kind of identifier %(kind)r", kind=data.kind)
        )
    if party is None and data.kind == IdentifierKind.BSN:
        raise ValidationFailed.field("party_id", _l("a BSN is registered only with its person"))
    if party is not None and (data.kind == IdentifierKind.BSN) != (party.type in PERSONS):
        raise ValidationFailed.field(
            "kind",
            _l("a %(type)s cannot be identified by a %(kind)s", type=party.type, kind=data.kind),
        )
    parent = _identifier(data.parent_id) if data.parent_id is not None else None
    if data.kind == IdentifierKind.BRANCH_NUMBER:
        if parent is None or parent.kind != IdentifierKind.KVK:
            raise ValidationFailed.field(
                "parent_id", _l("a branch number belongs to a KvK number identifier")
            )
    elif parent is not None:
        raise ValidationFailed.field("parent_id", _l("only a branch number belongs to another"))
    return VALIDATORS[data.kind](data.value, "value"), parent


def _store(
    party: Party | None, data: IdentifierInput, own: PartyIdentifier | None = None
) -> PartyIdentifier:
    value, parent = _checked(party, data)
    lookup = bsn_lookup(value) if data.kind == IdentifierKind.BSN else value
    taken = registered(data.kind, lookup)
    if taken is not None and taken is not own:
        raise Conflict(
            _l("this identifier is registered already"),
            invalid_params=[
                {"name": "value", "reason": _l("this identifier is registered already")}
            ],
        )
    if party is not None and any(i.kind == data.kind and i is not own for i in party.identifiers):
        raise Conflict(
            _l("the party has a %(kind)s identifier already", kind=data.kind),
            invalid_params=[
                {"name": "kind", "reason": _l("the party has an identifier of this kind")}
            ],
        )
    fresh = bsn_identifier(value) if data.kind == IdentifierKind.BSN else None
    identifier = own or PartyIdentifier()
    identifier.kind, identifier.lookup = data.kind, lookup
    identifier.display = fresh.display if fresh is not None else value
    identifier.value_encrypted = fresh.value_encrypted if fresh is not None else None
    identifier.parent = parent
    if party is None:
        db.session().add(identifier)
        db.session().flush()
        return identifier
    if own is None:
        party.identifiers.append(identifier)
    party_changed(party, FIELDS)
    return identifier


def add_identifier(party_uuid: uuid.UUID, data: IdentifierInput) -> PartyIdentifier:
    """Identify a live party by one more base-register identifier (one of each kind)."""
    return _store(live_party(party_uuid), data)


def add_unheld_identifier(data: IdentifierInput) -> PartyIdentifier:
    """Register a business identifier before the party it identifies is known (the
    Klantinteracties standard allows this: a KvK number that a branch's number hangs under)."""
    return _store(None, data)


def change_identifier(
    identifier_uuid: uuid.UUID, party_uuid: uuid.UUID | None, data: IdentifierInput
) -> PartyIdentifier:
    """Replace an identifier's kind and value (and the party it identifies)."""
    identifier = _identifier(identifier_uuid)
    party = live_party(party_uuid) if party_uuid is not None else None
    before = identifier.party
    if before is not None and party is None:
        raise ValidationFailed.field("party_id", _l("an identifier keeps the party it identifies"))
    if before is not party:
        if before is not None:
            before.identifiers.remove(identifier)
            party_changed(before, FIELDS)
        if party is not None:
            party.identifiers.append(identifier)
    return _store(party, data, own=identifier)


def remove_identifier(identifier_uuid: uuid.UUID) -> None:
    """Remove an identifier; a KvK number that branch numbers hang under stays."""
    identifier = _identifier(identifier_uuid)
    children = db.session().scalar(
        select(PartyIdentifier.id).where(PartyIdentifier.parent_id == identifier.id).limit(1)
    )
    if children is not None:
        raise Conflict(_l("branch numbers are registered under this KvK number; remove them first"))
    party = identifier.party
    if party is None:
        db.session().delete(identifier)
        db.session().flush()
        return
    party.identifiers.remove(identifier)
    party_changed(party, FIELDS)
