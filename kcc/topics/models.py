"""The topic catalogue (onderwerpen) and the topics confirmed on contact moments."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kcc.db import Base, JSONType, UTCDateTime, new_uuid, utcnow

# What the dashboard's queries read beside the time: the time index carries them on PostgreSQL.
DASHBOARD_COLUMNS = (
    "topic_id",
    "week",
    "channel",
    "district",
    "contact_moment_id",
    "resolved",
    "is_repeat",
)


class Topic(Base):
    """What residents ask about, from the municipality's own catalogue, in a small tree."""

    __tablename__ = "topics"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=new_uuid)
    key: Mapped[str] = mapped_column(
        String(100), unique=True, doc="Stable short name journeys and reports use, e.g. verhuizen."
    )
    name_nl: Mapped[str] = mapped_column(String(200), doc="Dutch name, unique in the catalogue.")
    name_en: Mapped[str] = mapped_column(String(200), doc="English name, unique in the catalogue.")
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("topics.id", ondelete="RESTRICT"), index=True, doc="The broader topic."
    )
    synonyms: Mapped[list[str]] = mapped_column(
        JSONType, default=list, doc="Other words residents use (nl and en), e.g. adreswijziging."
    )
    phrasings: Mapped[list[str]] = mapped_column(
        JSONType, default=list, doc="Typical phrasings, e.g. 'ik ben verhuisd'."
    )
    upl_uri: Mapped[str] = mapped_column(
        String(500), default="", doc="The product in the Uniforme Productnamenlijst, if any."
    )
    owner_team: Mapped[str | None] = mapped_column(
        String(100), doc="Key of the team that owns the topic (directory)."
    )
    description: Mapped[str] = mapped_column(Text, default="")
    is_active: Mapped[bool] = mapped_column(default=True, doc="Offered to agents and suggested.")
    deleted_at: Mapped[datetime | None] = mapped_column(
        UTCDateTime, doc="Removed from the catalogue; kept for the contact moments that name it."
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    parent: Mapped[Topic | None] = relationship(remote_side=[id])


class ContactMomentTopic(Base):
    """A topic confirmed on a contact moment, and by whom (a conversation's through its moment).

    ``occurred_at`` (and its ``week``), ``channel``, the resident and their postcode area
    are copied from the moment when the topic is confirmed; whether the moment was settled
    at first contact and whether it repeats a contact about the same topic are kept in step by
    the services that change those, in the same transaction (``kcc.contacts.figures``). The dashboard's counts per topic, week, channel
    and district so read one covering index instead of joining a million moments.
    """

    __tablename__ = "contact_moment_topics"

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_moment_id: Mapped[int] = mapped_column(
        ForeignKey("contact_moments.id", ondelete="CASCADE")
    )
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id", ondelete="RESTRICT"))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    channel: Mapped[str] = mapped_column(String(10))
    party_id: Mapped[int | None] = mapped_column(
        ForeignKey("parties.id", ondelete="SET NULL"),
        doc="The resident the moment was with (copied, for repeat contacts about one topic).",
    )
    district: Mapped[str | None] = mapped_column(
        String(4), doc="The resident's postcode area (the four digits), for the district chart."
    )
    confirmed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), doc="The agent who confirmed it."
    )
    source: Mapped[str] = mapped_column(
        String(20), default="agent", doc="agent (picked), suggestion (a suggestion confirmed)."
    )
    confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    week: Mapped[date] = mapped_column(
        Date, doc="The Monday (UTC) of the moment's week, for the contacts per week."
    )
    resolved: Mapped[bool | None] = mapped_column(
        doc="Settled at first contact (answered, no answer needed); null while the moment "
        "has no final outcome."
    )
    is_repeat: Mapped[bool] = mapped_column(
        default=False,
        doc="The resident had contact about the same topic in the seven days before.",
    )

    topic: Mapped[Topic] = relationship(lazy="joined")

    __table_args__ = (
        UniqueConstraint("contact_moment_id", "topic_id"),
        Index("ix_contact_moment_topics_topic_time", "topic_id", "occurred_at", "channel"),
        # Covering on PostgreSQL: the dashboard's counts of the last weeks read the index only.
        Index(
            "ix_contact_moment_topics_time",
            "occurred_at",
            postgresql_include=list(DASHBOARD_COLUMNS),
        ),
        Index("ix_contact_moment_topics_repeats", "party_id", "topic_id", "occurred_at"),
    )
