"""Digitale adressen over the core's digital addresses."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, exists, func

from kcc.constants import AddressKind
from kcc.contacts.models import Involvement
from kcc.errors import KccError, ValidationFailed
from kcc.parties import addresses
from kcc.parties import identifiers as ids
from kcc.parties.models import DigitalAddress, Party, PartyIdentifier
from kcc.privacy.activities import Activity
from klantinteracties import identificatoren
from klantinteracties.batch import prime, related
from klantinteracties.filters import address_candidates, contains
from klantinteracties.http import Invalid, Listing, ref, renamed, resolve, url
from klantinteracties.mapping import ADDRESS_KINDS, ADDRESS_KINDS_BACK, PARTY_TYPES, ROLES
from klantinteracties.resources import Resource, prefetch, register, represent, sub

ADDRESS_EXPAND = (
    "verstrektDoorBetrokkene",
    "verstrektDoorBetrokkene.hadKlantcontact",
    "verstrektDoorBetrokkene.hadKlantcontact.leiddeTotInterneTaken",
)


def represent_address(address: DigitalAddress, expand: set[str]) -> dict[str, Any]:
    involvement = related("involvement", address.involvement_id)
    party = address.party
    data: dict[str, Any] = {
        "uuid": str(address.uuid),
        "url": url("digitaleadressen", address.uuid),
        "verstrektDoorBetrokkene": ref("betrokkenen", involvement.uuid) if involvement else None,
        "verstrektDoorPartij": ref("partijen", party.uuid) if party else None,
        "adres": (address.as_given or address.address)[:80],
        "soortDigitaalAdres": ADDRESS_KINDS_BACK.get(address.kind, "overig"),
        "isStandaardAdres": address.is_default,
        "omschrijving": (address.label or "")[:40],
        "verificatieDatum": address.verified_at.date().isoformat() if address.verified_at else None,
    }
    if address.reference:  # the document's pattern does not allow ""
        data["referentie"] = address.reference
    if expand:
        nested = sub(expand, "verstrektDoorBetrokkene")
        data["_expand"] = {
            "verstrektDoorBetrokkene": represent("betrokkenen", involvement, nested)
            if involvement
            else None
        }
    return data


def prefetch_addresses(addresses: list[DigitalAddress], expand: set[str]) -> None:
    prime("involvement", [a.involvement_id for a in addresses])
    givers = [related("involvement", a.involvement_id) for a in addresses]
    prime("party", [a.party_id for a in addresses])
    if "verstrektDoorBetrokkene" in expand:
        prefetch("betrokkenen", givers, sub(expand, "verstrektDoorBetrokkene"))


def address_parties(addresses: list[DigitalAddress]) -> list[Any]:
    """Whose address it is: the partij, or the partij the betrokkene that gave it was."""
    found = []
    for address in addresses:
        party = address.party
        if party is None:
            involvement = related("involvement", address.involvement_id)
            party = involvement.party if involvement is not None else None
        if party is not None:
            found.append(party.uuid)
    return found


def _verified_at(value: str | None) -> datetime | None:
    return (
        datetime.combine(datetime.fromisoformat(value).date(), time(), tzinfo=UTC)
        if value
        else None
    )


def _owner(data: dict[str, Any]) -> tuple[Party | None, Involvement | None]:
    """The partij that gave the address for future contact, and the betrokkene that gave it
    during a klantcontact (for that contact's follow-up): one of them, both, or (as in Open
    Klant) neither yet."""
    involvement = resolve(
        Involvement, data.get("verstrektDoorBetrokkene"), "verstrektDoorBetrokkene"
    )
    party = resolve(Party, data.get("verstrektDoorPartij"), "verstrektDoorPartij")
    if (
        party is not None
        and involvement is not None
        and involvement.party_id not in (None, party.id)
    ):
        raise Invalid.param(
            "verstrektDoorBetrokkene",
            "Deze betrokkene was een andere partij dan verstrektDoorPartij.",
        )
    return party, involvement


# The standard allows no 0800, 0900, 1400 or 140xx numbers as a telefoonnummer: they cannot
# reach the resident back. In E.164: +31800..., +31900..., +3114...
SERVICE_NUMBERS = ("+31800", "+31900", "+3114")


def _checked(data: dict[str, Any]) -> str:
    """Our kind of address; the value must be one of that kind (it is kept as written)."""
    kind = ADDRESS_KINDS[data["soortDigitaalAdres"]]
    try:
        value = ids.normalise_address(kind, data["adres"], "adres")
    except ValidationFailed as error:
        raise Invalid(error.detail, invalid_params=error.invalid_params) from None
    if kind == AddressKind.PHONE and value.startswith(SERVICE_NUMBERS):
        raise Invalid.param(
            "adres",
            "Een 0800-, 0900-, 1400- of 140xx-nummer is niet toegestaan als telefoonnummer.",
        )
    return kind


# The core's names for what the standard calls these fields.
NAMES = {"address": "adres", "party_id": "verstrektDoorPartij"}


def _input(data: dict[str, Any]) -> addresses.AddressInput:
    return addresses.AddressInput(
        kind=_checked(data),
        address=data["adres"],
        label=data.get("omschrijving") or "",
        is_default=bool(data.get("isStandaardAdres")),
        verified_at=_verified_at(data.get("verificatieDatum")),
        reference=data.get("referentie") or "",
        first_is_default=False,
    )


def create_address(data: dict[str, Any]) -> DigitalAddress:
    """Add the address through the core: the partij's, or one a betrokkene gave."""
    party, involvement = _owner(data)
    wanted = _input(data)
    try:
        if party is not None:
            return addresses.add_digital_address(
                party.uuid, wanted, involvement.id if involvement else None
            )
        return addresses.add_given_address(wanted, involvement.id if involvement else None)
    except KccError as error:
        raise renamed(error, NAMES) from None


def update_address(address: DigitalAddress, data: dict[str, Any]) -> DigitalAddress:
    party, involvement = _owner(data)
    try:
        return addresses.change_digital_address(
            address.uuid,
            _input(data),
            party.uuid if party is not None else None,
            involvement.id if involvement is not None else None,
            keep_default="isStandaardAdres" not in data,
            unheld=True,
        )
    except KccError as error:
        raise renamed(error, NAMES) from None


def delete_address(address: DigitalAddress) -> None:
    addresses.remove_address(address.uuid)


def _address_value(stmt: Select[Any], value: str) -> Select[Any]:
    return stmt.where(DigitalAddress.address.in_(address_candidates(value)))


def _on_date(op: str) -> Any:
    def apply(stmt: Select[Any], value: Any) -> Select[Any]:
        start = datetime.combine(value, time(), tzinfo=UTC)
        end = start + timedelta(days=1)
        column = DigitalAddress.verified_at
        conditions = {
            "eq": (column >= start) & (column < end),
            "gt": column >= end,
            "gte": column >= start,
            "lt": column < start,
            "lte": column < end,
        }
        return stmt.where(conditions[op])

    return apply


def _involvement(stmt: Select[Any], value: Any) -> Select[Any]:
    return stmt.where(
        exists().where(Involvement.id == DigitalAddress.involvement_id, Involvement.uuid == value)
    )


def _party_by(field: str | None) -> Any:
    def apply(stmt: Select[Any], value: Any) -> Select[Any]:
        if field is None:
            condition = identificatoren.value_matches(value)
        else:
            condition = PartyIdentifier.kind.in_(identificatoren.kinds_for(field, value))
        return stmt.where(
            exists().where(PartyIdentifier.party_id == DigitalAddress.party_id, condition)
        )

    return apply


def _party_uuid(stmt: Select[Any], value: Any) -> Select[Any]:
    return stmt.where(exists().where(Party.id == DigitalAddress.party_id, Party.uuid == value))


ADDRESS_FILTERS: dict[str, tuple[str, Any]] = {
    "adres": ("str", _address_value),
    "adres__icontains": (
        "str",
        lambda stmt, v: stmt.where(
            func.lower(DigitalAddress.address).contains(v.lower(), autoescape=True)
        ),
    ),
    "isGeverifieerd": (
        "bool",
        lambda stmt, v: stmt.where(
            DigitalAddress.verified_at.isnot(None) if v else DigitalAddress.verified_at.is_(None)
        ),
    ),
    "isStandaardAdres": ("bool", lambda stmt, v: stmt.where(DigitalAddress.is_default.is_(v))),
    "omschrijving": ("str", contains(DigitalAddress.label)),
    "referentie": ("str", lambda stmt, v: stmt.where(DigitalAddress.reference == v)),
    "soortDigitaalAdres": (
        "enum:email,overig,telefoonnummer",
        lambda stmt, v: stmt.where(DigitalAddress.kind == ADDRESS_KINDS[v]),
    ),
    "verificatieDatum": ("date", _on_date("eq")),
    "verificatieDatum__gt": ("date", _on_date("gt")),
    "verificatieDatum__gte": ("date", _on_date("gte")),
    "verificatieDatum__lt": ("date", _on_date("lt")),
    "verificatieDatum__lte": ("date", _on_date("lte")),
    "verstrektDoorBetrokkene__rol": (
        "enum:klant,vertegenwoordiger",
        lambda stmt, v: stmt.where(
            exists().where(
                Involvement.id == DigitalAddress.involvement_id, Involvement.role == ROLES[v]
            )
        ),
    ),
    "verstrektDoorBetrokkene__uuid": ("uuid", _involvement),
    "verstrektDoorBetrokkene__url": ("url", _involvement),
    "verstrektDoorPartij__partijIdentificator__objectId": ("str", _party_by(None)),
    "verstrektDoorPartij__partijIdentificator__codeObjecttype": (
        "str",
        _party_by("codeObjecttype"),
    ),
    "verstrektDoorPartij__partijIdentificator__codeRegister": ("str", _party_by("codeRegister")),
    "verstrektDoorPartij__partijIdentificator__codeSoortObjectId": (
        "str",
        _party_by("codeSoortObjectId"),
    ),
    "verstrektDoorPartij__soortPartij": (
        "enum:contactpersoon,organisatie,persoon",
        lambda stmt, v: stmt.where(
            exists().where(Party.id == DigitalAddress.party_id, Party.type == PARTY_TYPES[v])
        ),
    ),
    "verstrektDoorPartij__uuid": ("uuid", _party_uuid),
    "verstrektDoorPartij__url": ("url", _party_uuid),
}

register(
    Resource(
        path="digitaleadressen",
        model=DigitalAddress,
        schema="DigitaalAdres",
        represent=represent_address,
        create=create_address,
        update=update_address,
        delete=delete_address,
        listing=Listing(filters=ADDRESS_FILTERS, expand=ADDRESS_EXPAND),
        item_expand=ADDRESS_EXPAND,
        parties=address_parties,
        prefetch=prefetch_addresses,
        write_activity=Activity.PARTY_REGISTRATION,
    )
)
