"""The privacy section of the topics confirmed on residents' contact moments."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, select

from kcc.contacts.models import ContactMoment, Involvement
from kcc.db import db
from kcc.rights.sections import (
    Parties,
    PrivacySection,
    declare_not_party_data,
    register_privacy_section,
)
from kcc.topics.models import ContactMomentTopic, Topic


def _moments(parties: Parties) -> Any:
    return select(Involvement.contact_moment_id).where(
        Involvement.party_id.in_([p.id for p in parties])
    )


def _export(parties: Parties) -> list[dict[str, Any]]:
    rows = db.session().execute(
        select(ContactMoment.uuid, Topic.key, Topic.name_nl, ContactMomentTopic.confirmed_at)
        .join(ContactMoment, ContactMoment.id == ContactMomentTopic.contact_moment_id)
        .join(Topic, Topic.id == ContactMomentTopic.topic_id)
        .where(ContactMomentTopic.contact_moment_id.in_(_moments(parties)))
        .order_by(ContactMomentTopic.id)
    )
    return [
        {
            "contact_moment_id": str(moment),
            "topic": key,
            "topic_name": name,
            "confirmed_at": at.isoformat(),
        }
        for moment, key, name, at in rows
    ]


def _erase(parties: Parties) -> int:
    result = db.session().execute(
        delete(ContactMomentTopic).where(
            ContactMomentTopic.contact_moment_id.in_(_moments(parties))
        )
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def _count(parties: Parties) -> int:
    return int(
        db.session().scalar(
            select(func.count(ContactMomentTopic.id)).where(
                ContactMomentTopic.contact_moment_id.in_(_moments(parties))
            )
        )
        or 0
    )


def register_topic_privacy() -> None:
    """Declare the confirmed topics (erased with the moments) and the catalogue (no one's)."""
    register_privacy_section(
        PrivacySection(
            "contact_moment_topics",
            ("contact_moment_topics",),
            export=_export,
            erase=_erase,
            count=_count,
            order=5,
        )
    )
    declare_not_party_data(
        "topics", "the municipality's topic catalogue: names and synonyms, about no one"
    )
