"""The dashboard's figures on confirmed topics, kept in step with the contact moments.

A topic confirmed on a contact moment copies what the question-pattern queries group and
count by (``kcc.topics.models.ContactMomentTopic``): the week, whether the moment was settled
at first contact, and whether the resident had contact about the same topic in the seven days
before. The services that change those call the functions here in their own transaction, so
the dashboard shows a change as soon as it is committed and never joins the moments.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select, update

from kcc.constants import Outcome
from kcc.db import db
from kcc.topics.models import ContactMomentTopic

CMT = ContactMomentTopic
RESOLVED = frozenset({Outcome.ANSWERED, Outcome.NO_ANSWER_NEEDED})
REPEAT_WITHIN = timedelta(days=7)


def week_of(moment_at: datetime) -> date:
    """The Monday (UTC) of the week ``moment_at`` falls in."""
    day = moment_at.astimezone(UTC).date()
    return day - timedelta(days=day.weekday())


def is_resolved(outcome: str | None) -> bool | None:
    """Settled at the first contact; ``None`` while there is no final outcome yet."""
    if outcome is None or outcome == Outcome.IN_PROGRESS:
        return None
    return outcome in RESOLVED


def outcome_changed(moment_id: int, outcome: str | None) -> None:
    """The moment's outcome changed: its confirmed topics take the new one."""
    db.session().execute(
        update(CMT)
        .where(CMT.contact_moment_id == moment_id)
        .values(resolved=is_resolved(outcome))
        .execution_options(synchronize_session=False)
    )


def resident_changed(moment_id: int, party_id: int | None, district: str | None) -> None:
    """The moment's resident changed: its topics count for the new one (and their district)."""
    session = db.session()
    rows = session.execute(
        select(CMT.party_id, CMT.topic_id).where(CMT.contact_moment_id == moment_id)
    ).all()
    if not rows:
        return
    session.execute(
        update(CMT)
        .where(CMT.contact_moment_id == moment_id)
        .values(party_id=party_id, district=district)
        .execution_options(synchronize_session=False)
    )
    topic_ids = {topic_id for _, topic_id in rows}
    for previous in {p for p, _ in rows if p is not None and p != party_id}:
        refresh_repeats(previous, topic_ids)
    if party_id is not None:
        refresh_repeats(party_id, topic_ids)


def repeats_of_party(party_id: int) -> None:
    """Recount the repeat contacts of every topic of the resident (after a merge or its undo)."""
    topic_ids = db.session().scalars(
        select(CMT.topic_id).where(CMT.party_id == party_id).distinct()
    )
    refresh_repeats(party_id, list(topic_ids))


def refresh_repeats(party_id: int | None, topic_ids: Iterable[int]) -> None:
    """Mark each of the resident's contacts about these topics that follows another contact
    about the same topic within seven days (failure demand); unmark the others.

    A resident has few contacts per topic, so they are read and compared here, in the same
    order on every database (time, then moment).
    """
    wanted = set(topic_ids)
    if party_id is None or not wanted:
        return
    session = db.session()
    session.flush()
    rows = session.execute(
        select(CMT.id, CMT.topic_id, CMT.occurred_at, CMT.contact_moment_id, CMT.is_repeat)
        .where(CMT.party_id == party_id, CMT.topic_id.in_(wanted))
        .order_by(CMT.topic_id, CMT.occurred_at, CMT.contact_moment_id)
    ).all()
    changed: dict[bool, list[int]] = {True: [], False: []}
    previous: tuple[int, datetime] | None = None
    for row_id, topic_id, occurred_at, _, was in rows:
        now = previous is not None and previous[0] == topic_id
        now = now and previous is not None and occurred_at - previous[1] <= REPEAT_WITHIN
        if now != was:
            changed[now].append(row_id)
        previous = (topic_id, occurred_at)
    for flag, ids in changed.items():
        if ids:
            session.execute(
                update(CMT)
                .where(CMT.id.in_(ids))
                .values(is_repeat=flag)
                .execution_options(synchronize_session=False)
            )
