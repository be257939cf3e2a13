"""Domain events about parties."""

from __future__ import annotations

from dataclasses import dataclass

from kcc.events.base import DomainEvent, event_type


@event_type
@dataclass(frozen=True)
class PartyRegistered(DomainEvent):
    name = "party.registered"
    party_id: str
    type: str


@event_type
@dataclass(frozen=True)
class PartyUpdated(DomainEvent):
    name = "party.updated"
    party_id: str
    fields: list[str]


@event_type
@dataclass(frozen=True)
class GivenAddressChanged(DomainEvent):
    """An address given during a contact moment for its follow-up only (no party holds it) was
    added, changed or removed; a party's own addresses record ``PartyUpdated`` instead."""

    name = "digital_address.changed"
    address_id: str
    change: str


@event_type
@dataclass(frozen=True)
class BankAccountChanged(DomainEvent):
    """A bank account that no party holds (yet) was added, changed or removed; a party's own
    accounts record ``PartyUpdated`` instead."""

    name = "bank_account.changed"
    bank_account_id: str
    change: str


@event_type
@dataclass(frozen=True)
class PartyRemoved(DomainEvent):
    """A party was deleted: what may be erased is erased and it is no longer a live party."""

    name = "party.removed"
    party_id: str
    erased: dict[str, int]
