"""Contact moments (Klantcontact), involved parties (Betrokkene) and subject objects."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from sqlalchemy import (
    Delete,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    delete,
    event,
)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, Mapper, mapped_column, relationship

from kcc.db import Base, JSONType, UTCDateTime, new_uuid, utcnow
from kcc.parties.models import DigitalAddress

if TYPE_CHECKING:
    from kcc.auth.models import User
    from kcc.parties.models import Party


class ContactMoment(Base):
    """One interaction on one channel: a call, a counter visit, a chat, an SMS, a form, an e-mail."""

    __tablename__ = "contact_moments"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=new_uuid)
    channel: Mapped[str] = mapped_column(String(10))
    direction: Mapped[str] = mapped_column(String(10), default="inbound")
    subject: Mapped[str] = mapped_column(String(200), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[str | None] = mapped_column(String(30))
    language: Mapped[str] = mapped_column(String(5), default="nl")
    confidential: Mapped[bool] = mapped_column(default=False)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    external_id: Mapped[str | None] = mapped_column(
        String(200), doc="The channel's own id (e.g. a Twilio MessageSid); unique per channel."
    )
    details: Mapped[dict[str, Any]] = mapped_column(
        JSONType, default=dict, doc="Channel-specific fields (caller number, duration, location)."
    )
    number: Mapped[str | None] = mapped_column(String(10), doc="Klantcontact nummer.")
    reference: Mapped[str | None] = mapped_column(String(10), doc="Referentienummer.")
    response: Mapped[str] = mapped_column(Text, default="", doc="The answer given (reactie).")
    contact_succeeded: Mapped[bool | None] = mapped_column(doc="Indicatie contact gelukt.")
    main_subject_type: Mapped[str] = mapped_column(
        String(200), default="", doc="Hoofdonderwerptype (URI)."
    )
    further_action: Mapped[bool] = mapped_column(default=False, doc="Verdere actie ondernomen.")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    agent: Mapped[User | None] = relationship(foreign_keys=[agent_id], lazy="joined")

    @property
    def agent_uuid(self) -> UUID | None:
        """The agent's public id, without loading the user when the recorder knew it."""
        known: UUID | None = self.__dict__.get("_agent_uuid")
        if known is not None or self.agent_id is None:
            return known
        return self.agent.uuid if self.agent is not None else None

    @agent_uuid.setter
    def agent_uuid(self, value: UUID | None) -> None:
        self.__dict__["_agent_uuid"] = value

    involvements: Mapped[list[Involvement]] = relationship(
        back_populates="contact_moment", cascade="all, delete-orphan", order_by="Involvement.id"
    )
    # No delete-orphan: an object taken off its contact moment stays, as the standard allows.
    objects: Mapped[list[SubjectObject]] = relationship(
        back_populates="contact_moment",
        cascade="all",
        order_by="SubjectObject.id",
        foreign_keys="SubjectObject.contact_moment_id",
    )

    __table_args__ = (UniqueConstraint("channel", "external_id"),)


class Involvement(Base):
    """Someone's role in one contact moment (Betrokkene): a known party, or someone who did not
    identify as one (an anonymous contact request), known only by the name and addresses given
    during the contact. ``occurred_at`` is copied here so that one index serves the customer
    view's newest-first keyset pagination."""

    __tablename__ = "involvements"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=new_uuid)
    contact_moment_id: Mapped[int] = mapped_column(
        ForeignKey("contact_moments.id", ondelete="CASCADE"), index=True
    )
    party_id: Mapped[int | None] = mapped_column(
        ForeignKey("parties.id", ondelete="RESTRICT"),
        doc="The party involved; null for someone not (yet) known as a party (wasPartij).",
    )
    role: Mapped[str] = mapped_column(String(20), default="resident")
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    initiator: Mapped[bool] = mapped_column(default=False, doc="The party started the contact.")
    details: Mapped[dict[str, Any]] = mapped_column(
        JSONType,
        default=dict,
        doc="Name and addresses as given during the contact (contactnaam, adressen).",
    )

    contact_moment: Mapped[ContactMoment] = relationship(back_populates="involvements")
    party: Mapped[Party | None] = relationship(lazy="joined")

    @property
    def party_uuid(self) -> UUID | None:
        """The party's public id, without loading the party when the recorder knew it."""
        known: UUID | None = self.__dict__.get("_party_uuid")
        if known is not None:
            return known
        return self.party.uuid if self.party is not None else None

    @party_uuid.setter
    def party_uuid(self, value: UUID | None) -> None:
        self.__dict__["_party_uuid"] = value

    @property
    def contact_name(self) -> str | None:
        """The name given during the contact (contactnaam), if one was given."""
        return contact_name_of(self.details)

    __table_args__ = (
        UniqueConstraint("contact_moment_id", "party_id", "role"),
        Index("ix_involvements_party_timeline", "party_id", "occurred_at", "contact_moment_id"),
    )


def delete_given_addresses(involvement_ids: Any) -> Delete:
    """Delete the digital addresses that only these involvements hold (given during a contact,
    for its follow-up). A party's own addresses stay; the database unlinks them.

    Run it before involvements (or their contact moments) are deleted in bulk; an ORM delete
    of an involvement runs it by itself.
    """
    return delete(DigitalAddress).where(
        DigitalAddress.party_id.is_(None), DigitalAddress.involvement_id.in_(involvement_ids)
    )


@event.listens_for(Involvement, "before_delete")
def _forget_given_addresses(_mapper: Mapper[Any], connection: Connection, target: Any) -> None:
    # A foreign key can only unlink (SET NULL) or delete (CASCADE) every address; the rule is
    # "delete unless a party keeps it", so it runs here, as the involvement row goes.
    connection.execute(delete_given_addresses([target.id]))


class SubjectObject(Base):
    """What a contact moment was about, e.g. a case (Onderwerpobject). The standard lets a
    client register one before (or without) its contact moment: ``contact_moment_id`` is then
    empty, and the row names no party."""

    __tablename__ = "subject_objects"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=new_uuid)
    contact_moment_id: Mapped[int | None] = mapped_column(
        ForeignKey("contact_moments.id", ondelete="CASCADE"), index=True
    )
    object_type: Mapped[str] = mapped_column(String(200), doc="e.g. case")
    object_id: Mapped[str] = mapped_column(String(200), doc="e.g. Z-2026-001")
    register: Mapped[str] = mapped_column(String(200), default="", doc="e.g. ZGW")
    id_kind: Mapped[str] = mapped_column(String(200), default="", doc="Code soort object-id.")
    was_contact_moment_id: Mapped[int | None] = mapped_column(
        ForeignKey("contact_moments.id", ondelete="SET NULL"),
        doc="The object is itself this contact moment (wasKlantcontact).",
    )

    contact_moment: Mapped[ContactMoment | None] = relationship(
        back_populates="objects", foreign_keys=[contact_moment_id]
    )

    __table_args__ = (Index("ix_subject_objects_object", "object_type", "object_id"),)


def contact_name_of(details: dict[str, Any] | None) -> str | None:
    """The name given during a contact (an involvement's contactnaam), if one was given."""
    given = (details or {}).get("contactnaam")
    if not isinstance(given, dict):
        return None
    first = given.get("voornaam") or given.get("voorletters")
    parts = (first, given.get("voorvoegselAchternaam"), given.get("achternaam"))
    return " ".join(str(p) for p in parts if p) or None
