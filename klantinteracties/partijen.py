"""Partijen: persons, organisations and contact persons over the core's parties table."""

from __future__ import annotations

from typing import Any

from kcc.constants import PartyType
from kcc.db import db
from kcc.errors import Conflict, ValidationFailed
from kcc.parties import addresses, bank_accounts, services
from kcc.parties.models import BankAccount, DigitalAddress, Party, PartyIdentifier
from kcc.parties.records import live_parties
from kcc.privacy.activities import Activity
from kcc.rights import deletion
from klantinteracties import identificatoren, numbers
from klantinteracties.batch import known, prime, related
from klantinteracties.http import Invalid, Listing, Refused, ref, renamed, resolve, url
from klantinteracties.loaders import fill
from klantinteracties.mapping import PARTY_TYPES, PARTY_TYPES_BACK, language_in, language_out
from klantinteracties.models import CategoryRelation
from klantinteracties.partij_filters import FILTERS
from klantinteracties.resources import Resource, prefetch, register, represent, sub

NAME_PARTS = (
    ("voorletters", "initials"),
    ("voornaam", "given_names"),
    ("voorvoegselAchternaam", "surname_prefix"),
    ("achternaam", "surname"),
)
ADDRESS_FIELDS = (
    "nummeraanduidingId",
    "straatnaam",
    "huisnummer",
    "huisnummertoevoeging",
    "postcode",
    "stad",
    "adresregel1",
    "adresregel2",
    "adresregel3",
    "land",
)


def _contact_name(party: Party) -> dict[str, str]:
    """Always an object, of empty strings when no name is known (as Open Klant answers)."""
    return {key: getattr(party, attr) or "" for key, attr in NAME_PARTS}


def full_name(party: Party) -> str:
    if party.type != PartyType.ORGANISATION and not party.given_names and party.initials:
        return " ".join(p for p in (party.initials, party.surname_prefix, party.surname) if p)
    return party.display_name


def _identification(party: Party) -> dict[str, Any]:
    if party.type == PartyType.ORGANISATION:
        return {"naam": party.name or ""}
    found: dict[str, Any] = {"contactnaam": _contact_name(party), "volledigeNaam": full_name(party)}
    if party.type == PartyType.CONTACT_PERSON:
        organisation = party.organisation
        found = {
            "uuid": str(party.uuid),
            "werkteVoorPartij": ref("partijen", organisation.uuid if organisation else None),
            **found,
        }
    return found


# Fields whose empty value the standard's document does not allow (a pattern, a minimum
# length): left out while empty, where Open Klant answers "" (see the README).
PATTERNED = ("nummeraanduidingId", "postcode", "land")


def filled(group: Any) -> bool:
    """A group (address, name) with at least one value: one of empty strings is none."""
    return isinstance(group, dict) and any(v not in ("", None) for v in group.values())


def address_group(value: dict[str, Any] | None) -> dict[str, Any]:
    """An address group as Open Klant answers it: always an object, empty fields as ``""``
    (``huisnummer`` as null)."""
    value = value or {}
    found: dict[str, Any] = {}
    for key in ADDRESS_FIELDS:
        given = value.get(key)
        if key == "huisnummer":
            found[key] = given if isinstance(given, int) else None
        elif given or key not in PATTERNED:
            found[key] = given or ""
    return found


def represent_party(party: Party, expand: set[str]) -> dict[str, Any]:
    involvements = related("party.involvements", party.id)
    relations = related("party.relations", party.id)
    accounts = related("party.accounts", party.id)
    represented = related("party.represented", party.id)
    preferred = next((a for a in party.addresses if a.is_preferred), None)
    preferred_account = next((a for a in accounts if a.is_preferred), None)
    data: dict[str, Any] = {
        "uuid": str(party.uuid),
        "url": url("partijen", party.uuid),
        "nummer": party.number,
        "interneNotitie": party.internal_note or "",
        "betrokkenen": [ref("betrokkenen", i.uuid) for i in involvements],
        "categorieRelaties": [_relation_ref(r) for r in relations],
        "digitaleAdressen": [ref("digitaleadressen", a.uuid) for a in party.addresses],
        "voorkeursDigitaalAdres": ref("digitaleadressen", preferred.uuid) if preferred else None,
        "vertegenwoordigden": [ref("partijen", u) for u in represented],
        "rekeningnummers": [ref("rekeningnummers", a.uuid) for a in accounts],
        "voorkeursRekeningnummer": ref("rekeningnummers", preferred_account.uuid)
        if preferred_account
        else None,
        "partijIdentificatoren": [identificatoren.represent(i) for i in party.identifiers],
        "soortPartij": PARTY_TYPES_BACK.get(party.type, party.type),
        "indicatieGeheimhouding": party.confidential,
        "voorkeurstaal": language_out(party.preferred_language),
        "indicatieActief": party.is_active,
        "bezoekadres": address_group(party.visiting_address),
        "correspondentieadres": address_group(party.postal_address),
        "partijIdentificatie": _identification(party),
    }
    if expand:
        found: dict[str, Any] = {}
        if "digitaleAdressen" in expand:
            found["digitaleAdressen"] = [represent("digitaleadressen", a) for a in party.addresses]
        if "betrokkenen" in expand:
            found["betrokkenen"] = [
                represent("betrokkenen", i, sub(expand, "betrokkenen")) for i in involvements
            ]
        if "categorieRelaties" in expand:
            found["categorieRelaties"] = [represent("categorie-relaties", r) for r in relations]
        data["_expand"] = found
    return data


def prefetch_parties(parties: list[Party], expand: set[str]) -> None:
    """What a page of partijen shows, in a fixed number of queries."""
    known("party", parties)
    fill(parties, "identifiers", PartyIdentifier.party_id, PartyIdentifier.id)
    fill(parties, "addresses", DigitalAddress.party_id, DigitalAddress.id)
    keys = [p.id for p in parties]
    for name in ("party.involvements", "party.relations", "party.accounts", "party.represented"):
        prime(name, keys)
    prime("party", [p.organisation_id for p in parties])
    if "digitaleAdressen" in expand:
        prefetch("digitaleadressen", [a for p in parties for a in p.addresses])
    if "betrokkenen" in expand:
        prefetch(
            "betrokkenen",
            [i for k in keys for i in related("party.involvements", k)],
            sub(expand, "betrokkenen"),
        )
    if "categorieRelaties" in expand:
        prefetch("categorie-relaties", [r for k in keys for r in related("party.relations", k)])


def _relation_ref(relation: CategoryRelation) -> dict[str, Any]:
    return {
        **(ref("categorie-relaties", relation.uuid) or {}),
        "categorieNaam": relation.category.name if relation.category else None,
        "beginDatum": relation.begin_date.isoformat() if relation.begin_date else None,
        "eindDatum": relation.end_date.isoformat() if relation.end_date else None,
    }


def _names(data: dict[str, Any], party_type: str) -> dict[str, Any]:
    identification = data.get("partijIdentificatie") or {}
    if party_type == PartyType.ORGANISATION:
        return {"name": identification.get("naam") or None}
    contact = identification.get("contactnaam") or {}
    return {attr: contact.get(key) or None for key, attr in NAME_PARTS}


def _extras(data: dict[str, Any]) -> dict[str, Any]:
    """The standard's partij fields the core keeps for it, by the core's names."""
    return {
        "number": data.get("nummer") or None,
        "internal_note": data.get("interneNotitie") or "",
        "confidential": data.get("indicatieGeheimhouding"),
        "is_active": bool(data.get("indicatieActief", True)),
        "visiting_address": data["bezoekadres"] if filled(data.get("bezoekadres")) else None,
        "postal_address": data["correspondentieadres"]
        if filled(data.get("correspondentieadres"))
        else None,
    }


def _organisation(data: dict[str, Any], party_type: str) -> Party | None:
    if party_type != PartyType.CONTACT_PERSON:
        return None
    werkte = (data.get("partijIdentificatie") or {}).get("werkteVoorPartij")
    organisation: Party = resolve(
        Party, werkte, "partijIdentificatie.werkteVoorPartij", required=True
    )
    if organisation.type != PartyType.ORGANISATION:
        raise Invalid.param(
            "partijIdentificatie.werkteVoorPartij", "a contactpersoon works for an organisatie"
        )
    return organisation


def create_party(data: dict[str, Any]) -> Party:
    """Register a partij through the core, then its identifiers and links."""
    party_type = PARTY_TYPES[data["soortPartij"]]
    names = _names(data, party_type)
    organisation = _organisation(data, party_type)
    extras = {
        **_extras(data),
        "number": numbers.number_for("partij", Party.number, data.get("nummer")),
    }
    party = services.register_party(
        services.PartyInput(
            type=party_type,
            given_names=names.get("given_names"),
            surname_prefix=names.get("surname_prefix"),
            surname=names.get("surname"),
            name=names.get("name"),
            organisation_id=organisation.uuid if organisation else None,
            preferred_language=language_in(data.get("voorkeurstaal")),
            names_required=False,
            initials=names.get("initials"),
            **extras,
        )
    )
    for item in data.get("partijIdentificatoren") or []:
        identificatoren.save_identifier(party, item)
    _link(party, data)
    return party


def update_party(party: Party, data: dict[str, Any]) -> Party:
    """Replace a partij's writable fields through the core's update."""
    if PARTY_TYPES[data["soortPartij"]] != party.type:
        raise Invalid.param("soortPartij", "the kind of partij cannot change")
    wanted = {
        **_names(data, party.type),
        **_extras(data),
        "preferred_language": language_in(data.get("voorkeurstaal")),
        "number": numbers.number_for("partij", Party.number, data.get("nummer"), party),
    }
    changes = {k: v for k, v in wanted.items() if getattr(party, k) != v}
    if party.type == PartyType.CONTACT_PERSON:
        organisation = _organisation(data, party.type)
        if organisation is not None and organisation.id != party.organisation_id:
            changes["organisation_id"] = organisation.uuid
    if changes:
        services.update_party(party.uuid, changes)
    if data.get("partijIdentificatoren") is not None:
        _sync_identifiers(party, data["partijIdentificatoren"])
    _link(party, data)
    return party


def _sync_identifiers(party: Party, items: list[dict[str, Any]]) -> None:
    existing = {str(i.uuid): i for i in party.identifiers}
    kept: set[str] = set()
    for item in items:
        own = existing.get(str(item.get("uuid")))
        if own is not None:
            kept.add(str(own.uuid))
            if identificatoren.represent(own)["partijIdentificator"] == item["partijIdentificator"]:
                continue
        identificatoren.save_identifier(party, item, own=own)
    for key, identifier in existing.items():
        if key not in kept:
            identificatoren.delete_identifier(identifier)
    db.session().expire(party, ["identifiers"])


def _link(party: Party, data: dict[str, Any]) -> None:
    """Attach the listed digital addresses and bank accounts and mark the preferred ones."""
    if data.get("digitaleAdressen") is not None:
        listed = [
            resolve(DigitalAddress, item, f"digitaleAdressen.{i}").uuid
            for i, item in enumerate(data["digitaleAdressen"])
        ]
        addresses.link_addresses(party.uuid, listed)
    if data.get("rekeningnummers") is not None:
        listed = [
            resolve(BankAccount, item, f"rekeningnummers.{i}").uuid
            for i, item in enumerate(data["rekeningnummers"])
        ]
        bank_accounts.link_bank_accounts(party.uuid, listed)
    preferred = resolve(
        DigitalAddress, data.get("voorkeursDigitaalAdres"), "voorkeursDigitaalAdres"
    )
    account = resolve(BankAccount, data.get("voorkeursRekeningnummer"), "voorkeursRekeningnummer")
    try:
        addresses.prefer_address(party.uuid, preferred.uuid if preferred else None)
        bank_accounts.prefer_bank_account(party.uuid, account.uuid if account else None)
    except ValidationFailed as error:
        raise renamed(error, PREFERRED) from None


PREFERRED = {
    "address_id": "voorkeursDigitaalAdres",
    "bank_account_id": "voorkeursRekeningnummer",
}


def delete_party(party: Party) -> None:
    """Delete a partij through the core: erased as far as the law allows, then gone; while
    the law keeps it (an open complaint, ...) the refusal is a 409 saying why."""
    try:
        deletion.delete_party(
            party.uuid, "deleted through the Klantinteracties API (DELETE partij)"
        )
    except Conflict as error:
        raise Refused(error.detail) from None


RESOURCE = Resource(
    path="partijen",
    model=Party,
    schema="Partij",
    query=live_parties,
    represent=represent_party,
    create=create_party,
    update=update_party,
    delete=delete_party,
    listing=Listing(
        filters=FILTERS,
        expand=(
            "betrokkenen",
            "betrokkenen.hadKlantcontact",
            "categorieRelaties",
            "digitaleAdressen",
        ),
    ),
    item_expand=(
        "betrokkenen",
        "betrokkenen.hadKlantcontact",
        "categorieRelaties",
        "digitaleAdressen",
    ),
    parties=lambda rows: [row.uuid for row in rows],
    prefetch=prefetch_parties,
    core_logs_writes=True,
    write_activity=Activity.PARTY_REGISTRATION,
)
register(RESOURCE)
