"""Partij-identificatoren: BSN, KvK number, RSIN and branch number as the standard writes them."""

from __future__ import annotations

from contextlib import suppress
from typing import Any

from flask import current_app
from sqlalchemy import ColumnElement, Select, or_

from kcc.constants import IdentifierKind
from kcc.errors import KccError, ValidationFailed
from kcc.parties import identifier_services
from kcc.parties import identifiers as ids
from kcc.parties.identifier_services import IdentifierInput
from kcc.parties.models import Party, PartyIdentifier
from kcc.parties.services import BSN_CONTEXT, bsn_lookup
from kcc.privacy.activities import Activity
from klantinteracties.batch import prime
from klantinteracties.http import Invalid, Listing, ref, renamed, resolve, url
from klantinteracties.mapping import IDENTIFIER_CODES, IDENTIFIER_CODES_BACK
from klantinteracties.resources import Resource, register

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
        "identificeerdePartij": ref("partijen", identifier.party.uuid)
        if identifier.party is not None
        else None,
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


# The core's names for what the standard calls these fields.
NAMES = {
    "value": OBJECT_ID,
    "kind": "partijIdentificator.codeSoortObjectId",
    "parent_id": "subIdentificatorVan",
    "party_id": "identificeerdePartij",
}


def _input(data: dict[str, Any]) -> IdentifierInput:
    """The core's identifier for the standard's group; its codes must agree with each other."""
    group = data["partijIdentificator"]
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
    parent = resolve(PartyIdentifier, data.get("subIdentificatorVan"), "subIdentificatorVan")
    return IdentifierInput(
        kind=kind, value=group["objectId"], parent_id=parent.uuid if parent else None
    )


def save_identifier(
    party: Party | None, data: dict[str, Any], own: PartyIdentifier | None = None
) -> PartyIdentifier:
    """Add (or, with ``own``, replace) one identifier of ``party`` through the core; without a
    party (``identificeerdePartij: null``) a business identifier waits for its party."""
    wanted = _input(data)
    try:
        if own is None and party is None:
            return identifier_services.add_unheld_identifier(wanted)
        if own is None:
            assert party is not None
            return identifier_services.add_identifier(party.uuid, wanted)
        return identifier_services.change_identifier(
            own.uuid, party.uuid if party is not None else None, wanted
        )
    except KccError as error:
        raise renamed(error, NAMES) from None


def _party(data: dict[str, Any]) -> Party | None:
    party: Party | None = resolve(Party, data.get("identificeerdePartij"), "identificeerdePartij")
    return party


def _create(data: dict[str, Any]) -> PartyIdentifier:
    return save_identifier(_party(data), data)


def _update(identifier: PartyIdentifier, data: dict[str, Any]) -> PartyIdentifier:
    return save_identifier(_party(data), data, own=identifier)


def delete_identifier(identifier: PartyIdentifier) -> None:
    identifier_services.remove_identifier(identifier.uuid)


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
    parties=lambda rows: [row.party.uuid for row in rows if row.party is not None],
    prefetch=lambda rows, _expand: prime("party", [row.party_id for row in rows]),
    read_activity=Activity.CUSTOMER_CONTACT,
    write_activity=Activity.PARTY_REGISTRATION,
)
register(RESOURCE)
