"""Klantinteracties concepts the core has no table for: actors, attachments, representations
and categories. Everything else is a view over the core's own tables."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kcc.db import Base, JSONType, UTCDateTime, new_uuid, utcnow


class Actor(Base):
    """Someone or something acting for the municipality (Actor): an employee, an automated
    actor or an organisational unit. An employee may be linked to the user that logs in."""

    __tablename__ = "actors"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=new_uuid)
    kind: Mapped[str] = mapped_column(
        String(30), doc="medewerker, geautomatiseerde_actor, organisatorische_eenheid"
    )
    name: Mapped[str] = mapped_column(String(200))
    is_active: Mapped[bool] = mapped_column(default=True)
    id_object_id: Mapped[str] = mapped_column(
        String(200), default="", doc="Actoridentificator objectId."
    )
    id_object_type: Mapped[str] = mapped_column(String(200), default="")
    id_register: Mapped[str] = mapped_column(String(200), default="")
    id_kind: Mapped[str] = mapped_column(String(200), default="")
    details: Mapped[dict[str, Any]] = mapped_column(
        JSONType, default=dict, doc="actorIdentificatie: function, e-mail, phone, description."
    )
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"),
        unique=True,
        doc="The user this employee logs in as.",
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ActorContactMoment(Base):
    """An actor that took part in a contact moment (ActorKlantcontact)."""

    __tablename__ = "actor_contact_moments"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=new_uuid)
    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"), index=True)
    contact_moment_id: Mapped[int] = mapped_column(
        ForeignKey("contact_moments.id", ondelete="CASCADE"), index=True
    )

    actor: Mapped[Actor] = relationship(lazy="joined", innerjoin=True)

    __table_args__ = (UniqueConstraint("actor_id", "contact_moment_id"),)


class TaskActor(Base):
    """An actor a task is assigned to (InterneTaak.toegewezenAanActoren)."""

    __tablename__ = "task_actors"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"), index=True)

    actor: Mapped[Actor] = relationship(lazy="joined", innerjoin=True)

    __table_args__ = (UniqueConstraint("task_id", "actor_id"),)


class ContactAttachment(Base):
    """A document that holds (part of) a contact moment's content (Bijlage), by reference."""

    __tablename__ = "contact_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=new_uuid)
    contact_moment_id: Mapped[int | None] = mapped_column(
        ForeignKey("contact_moments.id", ondelete="CASCADE"), index=True
    )
    object_id: Mapped[str] = mapped_column(String(200), default="")
    object_type: Mapped[str] = mapped_column(String(200), default="")
    register: Mapped[str] = mapped_column(String(200), default="")
    id_kind: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Representation(Base):
    """One party acting for another (Vertegenwoordigden): a carer, guardian or authorised person."""

    __tablename__ = "representations"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=new_uuid)
    representative_id: Mapped[int] = mapped_column(
        ForeignKey("parties.id", ondelete="CASCADE"), index=True
    )
    represented_id: Mapped[int] = mapped_column(
        ForeignKey("parties.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("representative_id", "represented_id"),)


class Category(Base):
    """A category parties can belong to (Categorie), e.g. 'ondernemer'."""

    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=new_uuid)
    name: Mapped[str] = mapped_column(String(80), default="")


class CategoryRelation(Base):
    """A party's membership of a category for a period (CategorieRelatie)."""

    __tablename__ = "category_relations"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=new_uuid)
    party_id: Mapped[int | None] = mapped_column(
        ForeignKey("parties.id", ondelete="CASCADE"), index=True
    )
    category_id: Mapped[int | None] = mapped_column(
        ForeignKey("categories.id", ondelete="CASCADE"), index=True
    )
    begin_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)

    category: Mapped[Category | None] = relationship(lazy="joined")


class NumberCounter(Base):
    """The last ``nummer`` generated for a resource (partij, klantcontact, interne taak) with a
    prefix: the next one is one more, so generating takes no scan of the resource's table."""

    __tablename__ = "ki_number_counters"

    resource: Mapped[str] = mapped_column(String(20), primary_key=True)
    prefix: Mapped[str] = mapped_column(String(10), primary_key=True)
    last: Mapped[int] = mapped_column(default=0)
