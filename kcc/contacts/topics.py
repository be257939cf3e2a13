"""Topics confirmed on contact moments (and so on the conversations they record)."""

from __future__ import annotations

import re
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from kcc.auth.access import known_caller
from kcc.contacts.figures import is_resolved, refresh_repeats, week_of
from kcc.contacts.models import ContactMoment, Involvement
from kcc.db import db, utcnow
from kcc.errors import NotFound, ValidationFailed
from kcc.events.outbox import record
from kcc.parties.models import Party
from kcc.topics.catalogue import ancestors_by_id
from kcc.topics.events import TopicsConfirmed
from kcc.topics.models import ContactMomentTopic, Topic

MAX_TOPICS = 10
POSTCODE = re.compile(r"\b([1-9][0-9]{3}) ?[A-Za-z]{2}\b")


def set_topics(
    contact_moment_id: uuid.UUID,
    topic_ids: Sequence[uuid.UUID],
    *,
    source: str = "agent",
    field: str = "topics",
) -> list[Topic]:
    """Make ``topic_ids`` the confirmed topics of a contact moment.

    Topics newly confirmed are announced in one ``contact_moment.topics_confirmed`` event
    (a journey listening for one of them, or a broader one, starts or moves); topics taken
    off are removed quietly. An unknown or removed topic refuses the whole change.
    """
    moment = db.session().scalar(
        select(ContactMoment).where(ContactMoment.uuid == contact_moment_id)
    )
    if moment is None:
        raise NotFound(
            _l(
                "no contact moment with id %(contact_moment_id)s",
                contact_moment_id=contact_moment_id,
            )
        )
    return set_topics_of(moment, topic_ids, source=source, field=field)


def set_topics_of(
    moment: ContactMoment,
    topic_ids: Sequence[uuid.UUID],
    *,
    source: str = "agent",
    field: str = "topics",
) -> list[Topic]:
    """``set_topics`` for a moment already loaded (e.g. the one just recorded)."""
    topics = _live_topics(topic_ids, field)
    session = db.session()
    current = set(
        session.scalars(
            select(ContactMomentTopic.topic_id).where(
                ContactMomentTopic.contact_moment_id == moment.id
            )
        )
    )
    wanted = {t.id for t in topics}
    removed = current - wanted
    party_id, district = resident_of(moment) if current != wanted else (None, None)
    if removed:
        session.execute(
            delete(ContactMomentTopic).where(
                ContactMomentTopic.contact_moment_id == moment.id,
                ContactMomentTopic.topic_id.in_(removed),
            )
        )
    added = [t for t in topics if t.id not in current]
    caller = known_caller()
    now = utcnow()
    for topic in added:
        session.add(
            ContactMomentTopic(
                contact_moment_id=moment.id,
                topic_id=topic.id,
                occurred_at=moment.occurred_at,
                channel=moment.channel,
                party_id=party_id,
                district=district,
                confirmed_by_id=int(caller.id) if caller is not None else None,
                source=source,
                confirmed_at=now,
                week=week_of(moment.occurred_at),
                resolved=is_resolved(moment.outcome),
            )
        )
    session.flush()
    refresh_repeats(party_id, removed | {t.id for t in added})
    if added:
        record(_confirmed(moment, added))
    return topics


def resident_of(moment: ContactMoment) -> tuple[int | None, str | None]:
    """The moment's (first) resident and their postcode area, if an address names one."""
    row = (
        db.session()
        .execute(
            select(Party.id, Party.visiting_address, Party.postal_address)
            .join(Involvement, Involvement.party_id == Party.id)
            .where(Involvement.contact_moment_id == moment.id)
            .order_by(Involvement.role != "resident", Involvement.id)
            .limit(1)
        )
        .first()
    )
    if row is None:
        return None, None
    for address in (row[1], row[2]):
        for value in (address or {}).values():
            found = POSTCODE.search(str(value))
            if found:
                return row[0], found.group(1)
    return row[0], None


def _live_topics(topic_ids: Sequence[uuid.UUID], field: str) -> list[Topic]:
    if len(set(topic_ids)) > MAX_TOPICS:
        raise ValidationFailed.field(field, _l("at most %(count)s topics", count=MAX_TOPICS))
    if not topic_ids:
        return []
    found = {
        t.uuid: t for t in db.session().scalars(select(Topic).where(Topic.uuid.in_(set(topic_ids))))
    }
    for topic_id in topic_ids:
        topic = found.get(topic_id)
        if topic is None:
            raise ValidationFailed.field(
                field, _l("no topic with id %(topic_id)s", topic_id=topic_id)
            )
        if topic.deleted_at is not None or not topic.is_active:
            raise ValidationFailed.field(
                field, _l("topic %(key)r is not in use any more", key=topic.key)
            )
    return list(dict.fromkeys(found[t] for t in topic_ids))


def _confirmed(moment: ContactMoment, added: list[Topic]) -> TopicsConfirmed:
    chains = ancestors_by_id()
    keys_by_id: dict[int, str] = {
        row[0]: row[1] for row in db.session().execute(select(Topic.id, Topic.key))
    }
    broader = [keys_by_id[i] for t in added for i in chains.get(t.id, []) if i in keys_by_id]
    party_ids = db.session().scalars(
        select(Party.uuid)
        .join(Involvement, Involvement.party_id == Party.id)
        .where(Involvement.contact_moment_id == moment.id)
    )
    agent = moment.agent_uuid
    return TopicsConfirmed(
        contact_moment_id=str(moment.uuid),
        channel=moment.channel,
        subject=moment.subject,
        party_ids=[str(p) for p in party_ids],
        topics=[t.key for t in added],
        topic_keys=list(dict.fromkeys([t.key for t in added] + broader)),
        agent_id=str(agent) if agent else None,
    )


def topics_of(moment_ids: Iterable[int]) -> dict[int, list[Topic]]:
    """The confirmed topics of each contact moment (by row id), in one query."""
    ids = list(set(moment_ids))
    out: dict[int, list[Topic]] = defaultdict(list)
    if not ids:
        return out
    rows = db.session().execute(
        select(ContactMomentTopic.contact_moment_id, Topic)
        .join(Topic, Topic.id == ContactMomentTopic.topic_id)
        .where(ContactMomentTopic.contact_moment_id.in_(ids))
        .order_by(ContactMomentTopic.id)
    )
    for moment_id, topic in rows:
        out[moment_id].append(topic)
    return out


def topics_of_moment(contact_moment_id: uuid.UUID) -> list[Topic]:
    """The confirmed topics of one contact moment by its public id."""
    moment_key = db.session().scalar(
        select(ContactMoment.id).where(ContactMoment.uuid == contact_moment_id)
    )
    if moment_key is None:
        raise NotFound(
            _l(
                "no contact moment with id %(contact_moment_id)s",
                contact_moment_id=contact_moment_id,
            )
        )
    return topics_of([moment_key]).get(moment_key, [])
