"""Add, change and remove digital addresses: a party's own, and those given during a contact."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from kcc.db import db
from kcc.errors import Conflict, NotFound, ValidationFailed
from kcc.events.outbox import record
from kcc.parties import identifiers as ids
from kcc.parties.events import GivenAddressChanged
from kcc.parties.models import DigitalAddress, Party
from kcc.parties.records import flush_unique, live_party, party_changed

FIELDS = ["digital_addresses"]


@dataclass
class AddressInput:
    kind: str
    address: str
    label: str = ""
    is_default: bool = False
    verified_at: datetime | None = None
    reference: str = ""
    # The party's first address of a kind becomes its default unless this is False.
    first_is_default: bool = True


def attach_address(party: Party, data: AddressInput) -> DigitalAddress:
    """A new address of ``party``; the first of its kind (or one asked to be) is the default."""
    normalised = ids.normalise_address(data.kind, data.address)
    if any(a.kind == data.kind and a.address == normalised for a in party.addresses):
        raise Conflict(_l("the party has this %(kind)s address already", kind=data.kind))
    is_default = data.is_default or (
        data.first_is_default and not any(a.kind == data.kind for a in party.addresses)
    )
    if is_default:
        for other in party.addresses:
            if other.kind == data.kind:
                other.is_default = False
    address = DigitalAddress(
        kind=data.kind,
        address=normalised,
        as_given=data.address.strip(),
        label=data.label,
        is_default=is_default,
        verified_at=data.verified_at,
        reference=data.reference,
    )
    party.addresses.append(address)
    return address


def add_digital_address(
    party_uuid: uuid.UUID, data: AddressInput, involvement_id: int | None = None
) -> DigitalAddress:
    """Add an address to a live party; ``involvement_id`` when it was given during a contact."""
    party = live_party(party_uuid)
    address = attach_address(party, data)
    address.involvement_id = involvement_id
    flush_unique(_l("the party has this address already"))
    party_changed(party, FIELDS)
    return address


def add_given_address(data: AddressInput, involvement_id: int | None) -> DigitalAddress:
    """An address someone gave during a contact moment for its follow-up, held by no party
    (or, as the Klantinteracties standard allows, given by no one known yet)."""
    address = DigitalAddress(
        kind=data.kind,
        address=ids.normalise_address(data.kind, data.address),
        as_given=data.address.strip(),
        label=data.label,
        is_default=data.is_default,
        verified_at=data.verified_at,
        reference=data.reference,
        involvement_id=involvement_id,
    )
    db.session().add(address)
    db.session().flush()
    record(GivenAddressChanged(address_id=str(address.uuid), change="added"))
    return address


def _address(address_uuid: uuid.UUID) -> DigitalAddress:
    address = db.session().scalar(select(DigitalAddress).where(DigitalAddress.uuid == address_uuid))
    if address is None:
        raise NotFound(_l("no digital address with id %(address_uuid)s", address_uuid=address_uuid))
    return address


def change_digital_address(
    address_uuid: uuid.UUID,
    data: AddressInput,
    party_uuid: uuid.UUID | None,
    involvement_id: int | None,
    keep_default: bool = False,
    unheld: bool = False,
) -> DigitalAddress:
    """Replace an address: its value, description, holder (party and/or contact involvement).

    With ``keep_default`` the address stays (or stays not) its party's default of its kind;
    with ``unheld`` it may be held by no one (the Klantinteracties standard allows that).
    """
    if party_uuid is None and involvement_id is None and not unheld:
        raise ValidationFailed.field(
            "party_id", _l("an address belongs to a party, to a contact involvement, or to both")
        )
    address = _address(address_uuid)
    before = address.party
    party = live_party(party_uuid) if party_uuid is not None else None
    address.kind = data.kind
    address.address = ids.normalise_address(data.kind, data.address)
    address.as_given = data.address.strip()
    address.label, address.reference = data.label, data.reference
    address.verified_at = data.verified_at
    address.involvement_id = involvement_id
    if party is not None:
        address.party = party
    elif before is not None:
        # Taken from the party's collection it would be deleted as an orphan; the contact
        # involvement still holds it, so only the link to the party goes.
        address.party_id = None
        db.session().flush()
        db.session().expire(before, ["addresses"])
        db.session().expire(address, ["party"])
    is_default = address.is_default if keep_default else data.is_default
    if is_default and party is not None:
        for other in party.addresses:
            if other is not address and other.kind == address.kind:
                other.is_default = False
        flush_unique(_l("the party has this address already"))
    address.is_default = is_default
    flush_unique(_l("the party has this address already"))
    _changed({before, party}, address, "changed")
    return address


def _changed(parties: set[Party | None], address: DigitalAddress, change: str) -> None:
    holders = sorted((p for p in parties if p is not None), key=lambda p: p.id)
    for holder in holders:
        party_changed(holder, FIELDS)
    if not holders:
        record(GivenAddressChanged(address_id=str(address.uuid), change=change))


def remove_digital_address(party_uuid: uuid.UUID, address_uuid: uuid.UUID) -> None:
    """Remove one of a party's addresses; the next of its kind becomes the default."""
    party = live_party(party_uuid)
    address = next((a for a in party.addresses if a.uuid == address_uuid), None)
    if address is None:
        raise NotFound(
            _l(
                "party %(party_uuid)s has no digital address %(address_uuid)s",
                party_uuid=party_uuid,
                address_uuid=address_uuid,
            )
        )
    party.addresses.remove(address)
    db.session().flush()
    if address.is_default:
        successor = next((a for a in party.addresses if a.kind == address.kind), None)
        if successor is not None:
            successor.is_default = True
    party_changed(party, FIELDS)


def remove_address(address_uuid: uuid.UUID) -> None:
    """Remove any address: a party's own, or one given during a contact moment only."""
    address = _address(address_uuid)
    if address.party is not None:
        remove_digital_address(address.party.uuid, address_uuid)
        return
    db.session().delete(address)
    db.session().flush()
    record(GivenAddressChanged(address_id=str(address_uuid), change="removed"))


def link_addresses(party_uuid: uuid.UUID, address_uuids: list[uuid.UUID]) -> None:
    """Make the listed addresses the party's (e.g. ones first given during a contact)."""
    party = live_party(party_uuid)
    moved = [_address(u) for u in address_uuids]
    others = {a.party for a in moved if a.party is not None and a.party is not party}
    for address in moved:
        address.party = party
    flush_unique(_l("the party has this address already"))
    if moved:
        for other in sorted(others, key=lambda p: p.id):
            party_changed(other, FIELDS)
        party_changed(party, FIELDS)


def prefer_address(party_uuid: uuid.UUID, address_uuid: uuid.UUID | None) -> None:
    """Mark one of the party's addresses as its preferred one of any kind (or none)."""
    party = live_party(party_uuid)
    if address_uuid is not None and all(a.uuid != address_uuid for a in party.addresses):
        raise ValidationFailed.field("address_id", _l("must be one of the party's own addresses"))
    current = next((a.uuid for a in party.addresses if a.is_preferred), None)
    if current == address_uuid:
        return
    for address in party.addresses:
        address.is_preferred = address.uuid == address_uuid
    party_changed(party, ["preferred_address"])
