"""Parties (Partij), their identifiers (PartijIdentificator), digital addresses (DigitaalAdres)
and bank accounts (Rekeningnummer)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, Uuid, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kcc.db import Base, JSONType, UTCDateTime, new_uuid, utcnow


class Party(Base):
    """A person, organisation or contact person known to the contact centre."""

    __tablename__ = "parties"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=new_uuid)
    type: Mapped[str] = mapped_column(String(20), doc="person, organisation or contact_person")
    given_names: Mapped[str | None] = mapped_column(String(200), doc="Voornamen (persons).")
    surname_prefix: Mapped[str | None] = mapped_column(
        String(20), doc="Voorvoegsel, e.g. 'van der'."
    )
    surname: Mapped[str | None] = mapped_column(String(200), doc="Achternaam (persons).")
    name: Mapped[str | None] = mapped_column(String(500), doc="Statutory name (organisations).")
    search_name: Mapped[str] = mapped_column(
        String(1000), default="", doc="Lower-case, accent-free full name for searching."
    )
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("parties.id", ondelete="RESTRICT"),
        index=True,
        doc="For contact persons: the organisation they work for.",
    )
    preferred_language: Mapped[str] = mapped_column(String(5), default="nl")
    preferred_channel: Mapped[str | None] = mapped_column(String(10))
    is_active: Mapped[bool] = mapped_column(default=True)
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("parties.id", ondelete="SET NULL"),
        doc="Set when this party was merged into another (the survivor); it is then inactive.",
    )
    number: Mapped[str | None] = mapped_column(
        String(10), index=True, doc="Partijnummer (Klantinteracties nummer)."
    )
    initials: Mapped[str | None] = mapped_column(String(10), doc="Voorletters (persons).")
    internal_note: Mapped[str] = mapped_column(String(1000), default="", doc="Interne notitie.")
    confidential: Mapped[bool | None] = mapped_column(doc="Indicatie geheimhouding.")
    visiting_address: Mapped[dict[str, Any] | None] = mapped_column(JSONType, doc="Bezoekadres.")
    postal_address: Mapped[dict[str, Any] | None] = mapped_column(
        JSONType, doc="Correspondentieadres."
    )
    removed_at: Mapped[datetime | None] = mapped_column(
        UTCDateTime,
        doc="Set when the party was deleted: erased, and no longer a live party anywhere; the "
        "row stays for the consent records and the processing log that erasure keeps.",
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    identifiers: Mapped[list[PartyIdentifier]] = relationship(
        back_populates="party",
        cascade="all, delete-orphan",
        order_by="PartyIdentifier.id",
        foreign_keys="PartyIdentifier.party_id",
    )
    addresses: Mapped[list[DigitalAddress]] = relationship(
        back_populates="party", cascade="all, delete-orphan", order_by="DigitalAddress.id"
    )
    # An account may outlive its holder's link (the standard lets it stand alone), so taking
    # it from the party unlinks it; deleting the party's row deletes them in the database.
    bank_accounts: Mapped[list[BankAccount]] = relationship(
        back_populates="party", passive_deletes=True, order_by="BankAccount.id"
    )
    organisation: Mapped[Party | None] = relationship(
        remote_side=[id], foreign_keys=[organisation_id]
    )
    merged_into: Mapped[Party | None] = relationship(
        remote_side=[id], foreign_keys=[merged_into_id]
    )

    __table_args__ = (Index("ix_parties_search_name", "search_name"),)

    @property
    def display_name(self) -> str:
        if self.type == "organisation":
            return self.name or ""
        parts = [self.given_names, self.surname_prefix, self.surname]
        return " ".join(p for p in parts if p)


class PartyIdentifier(Base):
    """An identifier from a base register: BSN (BRP), KvK number, RSIN or branch number (HR).

    ``lookup`` is the plain value for business identifiers and a keyed hash for a BSN, whose
    plain value exists only encrypted (``value_encrypted``) and masked (``display``).
    """

    __tablename__ = "party_identifiers"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=new_uuid)
    party_id: Mapped[int | None] = mapped_column(
        ForeignKey("parties.id", ondelete="CASCADE"),
        index=True,
        doc="Empty for a business identifier registered before its party (a KvK number that "
        "a branch's number hangs under); a BSN always has its party.",
    )
    kind: Mapped[str] = mapped_column(String(20), doc="bsn, kvk, rsin or branch_number")
    lookup: Mapped[str] = mapped_column(String(64), doc="Plain value, or keyed hash for a BSN.")
    display: Mapped[str] = mapped_column(String(20), doc="The value as shown: masked for a BSN.")
    value_encrypted: Mapped[str | None] = mapped_column(String(200), doc="Encrypted BSN.")
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("party_identifiers.id", ondelete="CASCADE"),
        doc="A branch number belongs to a KvK number (subIdentificatorVan).",
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    party: Mapped[Party | None] = relationship(
        back_populates="identifiers", foreign_keys=[party_id]
    )
    parent: Mapped[PartyIdentifier | None] = relationship(remote_side=[id], lazy="joined")

    __table_args__ = (UniqueConstraint("kind", "lookup"),)


class DigitalAddress(Base):
    """A phone number (E.164), e-mail address (lower case) or other address.

    It belongs to a party (for future contact), to an involvement (given during one contact
    moment, for its follow-up), or to both. One that only an involvement holds goes when the
    involvement goes (see ``kcc.contacts.given_addresses``).
    """

    __tablename__ = "digital_addresses"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=new_uuid)
    party_id: Mapped[int | None] = mapped_column(
        ForeignKey("parties.id", ondelete="CASCADE"),
        doc="The party that gave the address for future contact (verstrektDoorPartij).",
    )
    kind: Mapped[str] = mapped_column(String(10), doc="phone, email or other")
    address: Mapped[str] = mapped_column(String(254), doc="Normalised address.")
    as_given: Mapped[str] = mapped_column(
        String(254),
        default="",
        server_default="",
        doc="The address as it was written (e.g. 06 12345678): clients of the standard API find "
        "it back by what they wrote; ``address`` is the form to match on.",
    )
    label: Mapped[str] = mapped_column(String(80), default="", doc="Free description.")
    is_default: Mapped[bool] = mapped_column(default=False)
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reference: Mapped[str] = mapped_column(String(50), default="", doc="Referentie.")
    is_preferred: Mapped[bool] = mapped_column(
        default=False, doc="The party's preferred address of any kind (voorkeursDigitaalAdres)."
    )
    involvement_id: Mapped[int | None] = mapped_column(
        ForeignKey("involvements.id", ondelete="SET NULL"),
        index=True,
        doc="The contact moment involvement in which the address was given (verstrektDoorBetrokkene).",
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    party: Mapped[Party | None] = relationship(back_populates="addresses")

    __table_args__ = (
        UniqueConstraint("party_id", "kind", "address"),
        Index("ix_digital_addresses_kind_address", "kind", "address"),
        Index(
            "uq_digital_addresses_one_default",
            "party_id",
            "kind",
            unique=True,
            sqlite_where=text("is_default"),
            postgresql_where=text("is_default"),
        ),
    )


class BankAccount(Base):
    """A party's bank account (Rekeningnummer): an IBAN and, optionally, its bank's BIC.

    The Klantinteracties standard lets an account be registered before the party it belongs to
    is known, so ``party_id`` may be empty.
    """

    __tablename__ = "bank_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=new_uuid)
    party_id: Mapped[int | None] = mapped_column(
        ForeignKey("parties.id", ondelete="CASCADE"), index=True
    )
    iban: Mapped[str] = mapped_column(String(34), doc="The IBAN, compact and upper case.")
    bic: Mapped[str] = mapped_column(String(11), default="", doc="The bank's BIC, if given.")
    is_preferred: Mapped[bool] = mapped_column(
        default=False, doc="voorkeursRekeningnummer of the party."
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    party: Mapped[Party | None] = relationship(back_populates="bank_accounts")
