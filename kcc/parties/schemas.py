"""Request and response shapes for parties and digital addresses."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import marshmallow as ma
from marshmallow import validate

from kcc.constants import AddressKind, Channel, IdentifierKind, Language, PartyType
from kcc.http.schemas import StrictSchema, Timestamp
from kcc.parties.models import Party


def _choice(enum: Any) -> validate.OneOf:
    return validate.OneOf([e.value for e in enum])


class DigitalAddressInSchema(StrictSchema):
    kind = ma.fields.String(
        required=True,
        validate=_choice(AddressKind),
        metadata={"description": "phone, email or other"},
    )
    address = ma.fields.String(
        required=True,
        validate=validate.Length(1, 254),
        metadata={"description": "Phone numbers in any Dutch notation; stored as E.164."},
    )
    label = ma.fields.String(load_default="", validate=validate.Length(max=80))
    is_default = ma.fields.Boolean(
        load_default=False, metadata={"description": "The default address of its kind."}
    )
    verified_at = Timestamp(load_default=None, allow_none=True)


class DigitalAddressSchema(ma.Schema):
    id = ma.fields.UUID(attribute="uuid", dump_only=True)
    kind = ma.fields.String()
    address = ma.fields.String(metadata={"description": "Normalised: E.164 or lower-case e-mail."})
    label = ma.fields.String()
    is_default = ma.fields.Boolean()
    verified_at = Timestamp(allow_none=True)


NAME = validate.Length(max=200)


class PartyInSchema(StrictSchema):
    type = ma.fields.String(required=True, validate=_choice(PartyType))
    bsn = ma.fields.String(
        load_only=True,
        validate=validate.Length(max=20),
        metadata={"description": "Persons only; write-only, read back as bsn_masked."},
    )
    given_names = ma.fields.String(validate=NAME, allow_none=True)
    surname_prefix = ma.fields.String(
        validate=validate.Length(max=20),
        allow_none=True,
        metadata={"description": "Tussenvoegsel, e.g. 'van der'."},
    )
    surname = ma.fields.String(validate=NAME, allow_none=True)
    name = ma.fields.String(
        validate=validate.Length(max=500),
        allow_none=True,
        metadata={"description": "Organisations: the statutory name."},
    )
    kvk = ma.fields.String(validate=validate.Length(max=20), allow_none=True)
    rsin = ma.fields.String(validate=validate.Length(max=20), allow_none=True)
    branch_number = ma.fields.String(validate=validate.Length(max=20), allow_none=True)
    organisation_id = ma.fields.UUID(
        allow_none=True,
        metadata={"description": "Contact persons: the organisation they work for."},
    )
    preferred_language = ma.fields.String(load_default="nl", validate=_choice(Language))
    preferred_channel = ma.fields.String(
        allow_none=True, load_default=None, validate=_choice(Channel)
    )
    digital_addresses = ma.fields.List(
        ma.fields.Nested(DigitalAddressInSchema),
        load_default=list,
        validate=validate.Length(max=20),
    )


class PartyPatchSchema(StrictSchema):
    given_names = ma.fields.String(validate=NAME, allow_none=True)
    surname_prefix = ma.fields.String(validate=validate.Length(max=20), allow_none=True)
    surname = ma.fields.String(validate=NAME, allow_none=True)
    name = ma.fields.String(validate=validate.Length(max=500), allow_none=True)
    preferred_language = ma.fields.String(validate=_choice(Language))
    preferred_channel = ma.fields.String(allow_none=True, validate=_choice(Channel))


class PartySchema(ma.Schema):
    id = ma.fields.UUID(attribute="uuid")
    type = ma.fields.String()
    display_name = ma.fields.String()
    bsn_masked = ma.fields.Method(
        "_bsn_masked", allow_none=True, metadata={"description": "e.g. *****6789"}
    )
    given_names = ma.fields.String(allow_none=True)
    surname_prefix = ma.fields.String(allow_none=True)
    surname = ma.fields.String(allow_none=True)
    name = ma.fields.String(allow_none=True)
    kvk = ma.fields.Method("_kvk", allow_none=True)
    rsin = ma.fields.Method("_rsin", allow_none=True)
    branch_number = ma.fields.Method("_branch", allow_none=True)
    organisation_id = ma.fields.Method("_organisation", allow_none=True)
    preferred_language = ma.fields.String()
    preferred_channel = ma.fields.String(allow_none=True)
    digital_addresses = ma.fields.List(
        ma.fields.Nested(DigitalAddressSchema), attribute="addresses"
    )
    is_active = ma.fields.Boolean(
        metadata={"description": "False once the party was merged into another."}
    )
    merged_into = ma.fields.Method(
        "_merged_into",
        allow_none=True,
        metadata={"description": "The surviving party this one was merged into; follow it."},
    )
    created_at = Timestamp()
    updated_at = Timestamp()

    @staticmethod
    def _identifier(party: Party, kind: str) -> str | None:
        return next((i.display for i in party.identifiers if i.kind == kind), None)

    def _bsn_masked(self, party: Party) -> str | None:
        return self._identifier(party, IdentifierKind.BSN)

    def _kvk(self, party: Party) -> str | None:
        own = self._identifier(party, IdentifierKind.KVK)
        if own is not None:
            return own
        branch = next(
            (i for i in party.identifiers if i.kind == IdentifierKind.BRANCH_NUMBER), None
        )
        return branch.parent.display if branch is not None and branch.parent is not None else None

    def _rsin(self, party: Party) -> str | None:
        return self._identifier(party, IdentifierKind.RSIN)

    def _branch(self, party: Party) -> str | None:
        return self._identifier(party, IdentifierKind.BRANCH_NUMBER)

    def _merged_into(self, party: Party) -> str | None:
        return str(party.merged_into.uuid) if party.merged_into_id and party.merged_into else None

    def _organisation(self, party: Party) -> str | None:
        return (
            str(party.organisation.uuid) if party.organisation_id and party.organisation else None
        )


def party_item(rows: Sequence[Any]) -> dict[str, Any]:
    """What ``PartySchema`` dumps for a party, from its rows of
    ``kcc.parties.search.search_party_rows`` (its columns beside each of its identifiers and
    each of its addresses, in every combination), without marshmallow's per-field calls.
    ``tests/api/test_parties_list_body.py`` holds the two to the same bytes."""
    party = rows[0]
    shown: dict[str, Any] = {}  # the first identifier of each kind, as PartySchema shows it
    addresses: dict[Any, dict[str, Any]] = {}
    for row in rows:
        if row.identifier_kind is not None:
            shown.setdefault(row.identifier_kind, row)
        if row.address_uuid is not None and row.address_uuid not in addresses:
            addresses[row.address_uuid] = {
                "id": str(row.address_uuid),
                "kind": row.address_kind,
                "address": row.address,
                "label": row.address_label,
                "is_default": row.address_is_default,
                "verified_at": _iso(row.address_verified_at),
            }
    kvk, branch = shown.get(IdentifierKind.KVK), shown.get(IdentifierKind.BRANCH_NUMBER)
    # A branch without a KvK number of its own shows the one it belongs to.
    kvk_shown = branch.parent_display if kvk is None and branch is not None else _display(kvk)
    if party.type == PartyType.ORGANISATION:
        display_name = party.name or ""
    else:
        parts = (party.given_names, party.surname_prefix, party.surname)
        display_name = " ".join(p for p in parts if p)
    return {
        "id": str(party.uuid),
        "type": party.type,
        "display_name": display_name,
        "bsn_masked": _display(shown.get(IdentifierKind.BSN)),
        "given_names": party.given_names,
        "surname_prefix": party.surname_prefix,
        "surname": party.surname,
        "name": party.name,
        "kvk": kvk_shown,
        "rsin": _display(shown.get(IdentifierKind.RSIN)),
        "branch_number": _display(branch),
        "organisation_id": _text(party.organisation_uuid),
        "preferred_language": party.preferred_language,
        "preferred_channel": party.preferred_channel,
        "digital_addresses": list(addresses.values()),
        "is_active": party.is_active,
        "merged_into": _text(party.merged_into_uuid),
        "created_at": party.created_at.isoformat(),
        "updated_at": party.updated_at.isoformat(),
    }


def _display(identifier: Any) -> str | None:
    return identifier.identifier_display if identifier is not None else None


def _text(value: Any) -> str | None:
    return str(value) if value is not None else None


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


class PartySearchArgs(StrictSchema):
    bsn = ma.fields.String(validate=validate.Length(max=20))
    phone = ma.fields.String(validate=validate.Length(max=40))
    email = ma.fields.String(validate=validate.Length(max=254))
    kvk = ma.fields.String(validate=validate.Length(max=20))
    q = ma.fields.String(
        validate=validate.Length(max=200),
        metadata={"description": "Part of a name; ignores case and accents."},
    )
    type = ma.fields.String(validate=_choice(PartyType))
    limit = ma.fields.Integer(load_default=20, validate=validate.Range(1, 100))
    cursor = ma.fields.String(load_default=None, validate=validate.Length(max=500))
