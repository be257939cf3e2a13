"""Partij-identificatoren: BSN, KvK number, RSIN and branch number as the standard writes them."""

from __future__ import annotations

from contextlib import suppress
from typing import Any

from flask import current_app
from sqlalchemy import ColumnElement, Select, delete, or_, select

from kcc.constants import IdentifierKind, PartyType
from kcc.db import db
from kcc.errors import ValidationFailed
from kcc.events.outbox import record
from kcc.parties import identifiers as ids
from kcc.parties.events import PartyUpdated
from kcc.parties.models import Party, PartyIdentifier
from kcc.parties.services import BSN_CONTEXT, bsn_lookup
from kcc.privacy.activities import Activity
from klantinteracties.batch import prime
from klantinteracties.http import Invalid, Listing, ref, resolve, url
from klantinteracties.mapping import IDENTIFIER_CODES, IDENTIFIER_CODES_BACK
from klantinteracties.resources import Resource, register

VALIDATORS = {
    IdentifierKind.BSN: ids.validate_bsn,
    IdentifierKind.KVK: ids.validate_kvk,
    IdentifierKind.RSIN: ids.validate_rsin,
    IdentifierKind.BRANCH_NUMBER: ids.validate_branch_number,
}
OBJECT_ID = "partijIdentificator.objectId"


def object_id(identifier: PartyIdentifier) -> str:
    """The identifier's value; a BSN is decrypted: the standard's clients look people up by it."""
    if identifier.kind == IdentifierKind.BSN and identifier.value_encrypted:
        return current_app.extensions["kcc.cipher"].decrypt(identifier.value_encrypted, BSN_CONTEXT)  # type: ignore[no-any-return]
    return identifier.lookup


def represent(identifier: PartyIdentifier, _expand: set[str] | None = None) -> dict[str, Any]:
    code = IDENTIFIER_CODES_BACK.get(identifier.kind, identifier.kind)
    _, object_type, register_code = IDENTIFIER_CODES.get(code, (None, "", ""))
    parent = identifier.parent
    return {
        "uuid": str(identifier.uuid),
        "url": url("partij-identificatoren", identifier.uuid),
        "identificeerdePartij": ref("partijen", identifier.party.uuid),
        "anderePartijIdentificator": "",
        "partijIdentificator": {
            "codeObjecttype": object_type,
            "codeSoortObjectId": code,
            "objectId": object_id(identifier),
            "codeRegister": register_code,
        },
        "subIdentificatorVan": ref("partij-identificatoren", parent.uuid)
        if parent is not None
        else None,
    }


def _checked(
    party: Party, group: dict[str, Any], parent: PartyIdentifier | None
) -> tuple[str, str, str, str]:
    """(kind, lookup, display, encrypted) for a valid identifier group on ``party``."""
    code = group["codeSoortObjectId"]
    kind, object_type, register_code = IDENTIFIER_CODES[code]
    if group["codeObjecttype"] != object_type:
        raise Invalid.param(
            "partijIdentificator.codeObjecttype", f"a {code} identifies a {object_type}"
        )
    if group["codeRegister"] != register_code:
        raise Invalid.param(
            "partijIdentificator.codeRegister", f"a {code} comes from the register {register_code}"
        )
    persons = (PartyType.PERSON, PartyType.CONTACT_PERSON)
    if (kind == IdentifierKind.BSN) != (party.type in persons):
        raise Invalid.param(
            "partijIdentificator.codeSoortObjectId",
            f"a {party.type} cannot be identified by a {code}",
        )
    if kind == IdentifierKind.BRANCH_NUMBER:
        if parent is None or parent.kind != IdentifierKind.KVK:
            raise Invalid.param(
                "subIdentificatorVan", "a vestigingsnummer belongs to a kvk_nummer identificator"
            )
    elif parent is not None:
        raise Invalid.param("subIdentificatorVan", "only a vestigingsnummer is a sub-identificator")
    try:
        value = VALIDATORS[kind](group["objectId"], OBJECT_ID)
    except ValidationFailed as error:
        raise Invalid(error.detail, invalid_params=error.invalid_params) from None
    if kind == IdentifierKind.BSN:
        cipher = current_app.extensions["kcc.cipher"]
        return kind, bsn_lookup(value), ids.mask_bsn(value), cipher.encrypt(value, BSN_CONTEXT)
    return kind, value, value, ""


def _ensure_free(kind: str, lookup: str, party: Party, own: PartyIdentifier | None) -> None:
    taken = db.session().scalar(
        select(PartyIdentifier).where(
            PartyIdentifier.kind == kind, PartyIdentifier.lookup == lookup
        )
    )
    if taken is not None and taken is not own:
        raise Invalid.param(OBJECT_ID, "this identificator is registered already", "unique")
    same_kind = db.session().scalar(
        select(PartyIdentifier.id).where(
            PartyIdentifier.party_id == party.id, PartyIdentifier.kind == kind
        )
    )
    if same_kind is not None and (own is None or same_kind != own.id):
        raise Invalid.param(
            "partijIdentificator.codeSoortObjectId",
            "the partij has an identificator of this kind",
            "unique",
        )


def save_identifier(
    party: Party, data: dict[str, Any], own: PartyIdentifier | None = None
) -> PartyIdentifier:
    """Add (or, with ``own``, replace) one identifier of ``party``."""
    parent = resolve(PartyIdentifier, data.get("subIdentificatorVan"), "subIdentificatorVan")
    kind, lookup, display, encrypted = _checked(party, data["partijIdentificator"], parent)
    _ensure_free(kind, lookup, party, own)
    identifier = own or PartyIdentifier()
    identifier.party_id, identifier.kind, identifier.lookup = party.id, kind, lookup
    identifier.display, identifier.value_encrypted = display, encrypted or None
    identifier.parent_id = parent.id if parent is not None else None
    if own is None:
        db.session().add(identifier)
    db.session().flush()
    record(PartyUpdated(party_id=str(party.uuid), fields=["identifiers"]))
    return identifier


def _party(data: dict[str, Any]) -> Party:
    party: Party = resolve(
        Party, data.get("identificeerdePartij"), "identificeerdePartij", required=True
    )
    return party


def _create(data: dict[str, Any]) -> PartyIdentifier:
    return save_identifier(_party(data), data)


def _update(identifier: PartyIdentifier, data: dict[str, Any]) -> PartyIdentifier:
    return save_identifier(_party(data), data, own=identifier)


def delete_identifier(identifier: PartyIdentifier) -> None:
    children = db.session().scalar(
        select(PartyIdentifier.id).where(PartyIdentifier.parent_id == identifier.id)
    )
    if children is not None:
        raise Invalid.param(
            "subIdentificatorVan", "vestigingsnummers still belong to this kvk_nummer", "protected"
        )
    db.session().execute(delete(PartyIdentifier).where(PartyIdentifier.id == identifier.id))
    record(PartyUpdated(party_id=str(identifier.party.uuid), fields=["identifiers"]))


def _delete(identifier: PartyIdentifier) -> None:
    delete_identifier(identifier)


def value_matches(value: str) -> ColumnElement[bool]:
    """Identifiers whose value is ``value``; a valid BSN is matched through its keyed hash."""
    conditions = [PartyIdentifier.lookup == value]
    with suppress(ValidationFailed):
        conditions.append(
            (PartyIdentifier.kind == IdentifierKind.BSN)
            & (PartyIdentifier.lookup == bsn_lookup(ids.validate_bsn(value)))
        )
    return or_(*conditions)


def kinds_for(field: str, value: str) -> list[str]:
    """Our identifier kinds with this codeObjecttype, codeRegister or codeSoortObjectId."""
    position = {"codeSoortObjectId": 0, "codeObjecttype": 1, "codeRegister": 2}[field]
    return [
        kind
        for code, (kind, obj, reg) in IDENTIFIER_CODES.items()
        if (code, obj, reg)[position] == value
    ]


def _by(field: str) -> Any:
    def apply(stmt: Select[Any], value: str) -> Select[Any]:
        return stmt.where(PartyIdentifier.kind.in_(kinds_for(field, value)))

    return apply


def _none(stmt: Select[Any], value: str) -> Select[Any]:
    return stmt if value == "" else stmt.where(PartyIdentifier.id.is_(None))


RESOURCE = Resource(
    path="partij-identificatoren",
    model=PartyIdentifier,
    schema="PartijIdentificator",
    represent=represent,
    create=_create,
    update=_update,
    delete=_delete,
    listing=Listing(
        filters={
            "anderePartijIdentificator": ("str", _none),
            "partijIdentificatorCodeObjecttype": ("str", _by("codeObjecttype")),
            "partijIdentificatorCodeRegister": ("str", _by("codeRegister")),
            "partijIdentificatorCodeSoortObjectId": ("str", _by("codeSoortObjectId")),
            "partijIdentificatorObjectId": ("str", lambda stmt, v: stmt.where(value_matches(v))),
        }
    ),
    parties=lambda rows: [row.party.uuid for row in rows],
    prefetch=lambda rows, _expand: prime("party", [row.party_id for row in rows]),
    read_activity=Activity.CUSTOMER_CONTACT,
    write_activity=Activity.PARTY_REGISTRATION,
)
register(RESOURCE)
