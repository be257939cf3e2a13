"""Changes to a recorded contact moment: its running text, outcome, subject and resident.

A conversation on SMS, chat or e-mail is one contact moment that keeps changing while it
runs; the channels make every change here, so that each records its domain event and the
processing log as a phone call's recording does.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select, update
from sqlalchemy.orm import selectinload

from kcc.constants import Action, InvolvementRole, Outcome
from kcc.contacts.events import (
    ContactMomentClosed,
    ContactMomentResidentAttached,
    ContactMomentSubjectChanged,
    ContactMomentTextAppended,
    ContactMomentTextsRemoved,
)
from kcc.contacts.figures import outcome_changed, resident_changed
from kcc.contacts.models import ContactMoment, Involvement
from kcc.contacts.topics import resident_of
from kcc.db import db
from kcc.errors import NotFound, ValidationFailed
from kcc.events.outbox import record
from kcc.parties.models import Party
from kcc.privacy.services import log_processing

TRANSCRIPT_CHARS = 8000
SUBJECT_CHARS = 200


def _moment(moment_uuid: uuid.UUID) -> ContactMoment:
    """The contact moment, locked on PostgreSQL so that concurrent changes do not overwrite."""
    query = (
        select(ContactMoment)
        .where(ContactMoment.uuid == moment_uuid)
        .options(selectinload(ContactMoment.involvements), selectinload(ContactMoment.objects))
    )
    if db.dialect == "postgresql":
        query = query.with_for_update(of=ContactMoment)
    moment = db.session().scalar(query)
    if moment is None:
        raise NotFound(_l("no contact moment with id %(moment_uuid)s", moment_uuid=moment_uuid))
    return moment


def _party_uuids(moment: ContactMoment) -> list[uuid.UUID]:
    return [i.party_uuid for i in moment.involvements if i.party_uuid is not None]


def append_text(
    moment_uuid: uuid.UUID, line: str, details: Mapping[str, Any] | None = None
) -> ContactMoment:
    """Add ``line`` to the moment's text (the newest ``TRANSCRIPT_CHARS`` are kept) and merge
    ``details`` into its channel details.

    Args:
        moment_uuid: The contact moment's public id.
        line: One line of the running transcript, e.g. ``< Is mijn paspoort klaar?``.
        details: Channel fields to set (message count, status), merged over the stored ones.
    """
    moment = _moment(moment_uuid)
    moment.text = (moment.text + "\n" + line if moment.text else line)[-TRANSCRIPT_CHARS:]
    if details:
        moment.details = {**moment.details, **details}
    db.session().flush()
    parties = _party_uuids(moment)
    record(
        ContactMomentTextAppended(
            contact_moment_id=str(moment.uuid),
            channel=moment.channel,
            party_ids=[str(p) for p in parties],
        )
    )
    log_processing(parties, Action.UPDATE)
    return moment


def close_contact(
    moment_uuid: uuid.UUID, outcome: str | None = None, details: Mapping[str, Any] | None = None
) -> ContactMoment:
    """Give the moment its outcome (default ``answered``) and merge ``details`` over its own."""
    outcome = outcome or Outcome.ANSWERED
    if outcome not in {o.value for o in Outcome}:
        raise ValidationFailed.field("outcome", _l("unknown outcome %(outcome)r", outcome=outcome))
    moment = _moment(moment_uuid)
    moment.outcome = outcome
    if details:
        moment.details = {**moment.details, **details}
    db.session().flush()
    outcome_changed(moment.id, outcome)
    parties = _party_uuids(moment)
    record(
        ContactMomentClosed(
            contact_moment_id=str(moment.uuid),
            channel=moment.channel,
            outcome=outcome,
            party_ids=[str(p) for p in parties],
        )
    )
    log_processing(parties, Action.UPDATE)
    return moment


def change_subject(
    moment_uuid: uuid.UUID, subject: str, changed_by: uuid.UUID | None = None
) -> ContactMoment:
    """Set what the moment is about. Journeys trigger on the change as on a contact moment
    recorded with this subject; setting the subject it has already changes nothing.

    Args:
        moment_uuid: The contact moment's public id.
        subject: The new subject (surrounding spaces are dropped; at most 200 characters).
        changed_by: The agent who set it, if an agent did.
    """
    subject = subject.strip()
    if not subject:
        raise ValidationFailed.field("subject", _l("a subject may not be empty"))
    if len(subject) > SUBJECT_CHARS:
        raise ValidationFailed.field(
            "subject", _l("at most %(count)s characters", count=SUBJECT_CHARS)
        )
    moment = _moment(moment_uuid)
    previous = moment.subject
    if previous == subject:
        return moment
    moment.subject = subject
    db.session().flush()
    parties = _party_uuids(moment)
    record(
        ContactMomentSubjectChanged(
            contact_moment_id=str(moment.uuid),
            channel=moment.channel,
            direction=moment.direction,
            subject=subject,
            previous_subject=previous,
            party_ids=[str(p) for p in parties],
            objects=[{"type": o.object_type, "id": o.object_id} for o in moment.objects],
            agent_id=str(changed_by) if changed_by else None,
        )
    )
    log_processing(parties, Action.UPDATE)
    return moment


def attach_resident(moment_uuid: uuid.UUID, party_uuid: uuid.UUID) -> ContactMoment:
    """Make the party the moment's resident.

    The existing resident involvement (anonymous, or the wrong party) is re-pointed, so it
    keeps its id (a Klantinteracties betrokkene URL) and its contact name; representatives
    and other roles stay as they are.
    """
    party = db.session().scalar(select(Party).where(Party.uuid == party_uuid))
    if party is None:
        raise ValidationFailed.field(
            "party_id", _l("no party with id %(party_uuid)s", party_uuid=party_uuid)
        )
    moment = _moment(moment_uuid)
    resident = next((i for i in moment.involvements if i.role == InvolvementRole.RESIDENT), None)
    previous = resident.party_uuid if resident is not None else None
    if resident is not None and resident.party_id == party.id:
        return moment
    if resident is None:
        resident = Involvement(
            party_id=party.id, role=InvolvementRole.RESIDENT, occurred_at=moment.occurred_at
        )
        moment.involvements.append(resident)
    else:
        resident.party_id = party.id
    db.session().flush()
    db.session().expire(resident, ["party"])  # loaded for the previous party
    resident.party_uuid = party.uuid
    resident_changed(moment.id, *resident_of(moment))
    record(
        ContactMomentResidentAttached(
            contact_moment_id=str(moment.uuid),
            involvement_id=str(resident.uuid),
            party_id=str(party.uuid),
            previous_party_id=str(previous) if previous else None,
        )
    )
    log_processing([party.uuid], Action.UPDATE)
    return moment


def remove_texts(moment_ids: Iterable[int] | Select[Any], replacement: str) -> int:
    """Replace the text of many contact moments at once (a transcript past its retention
    period); how many changed. Subject, outcome and parties stay.

    Args:
        moment_ids: The moments' row ids, or a select of them.
        replacement: What the text says instead, e.g. that it was removed and why.
    """
    wanted = moment_ids if isinstance(moment_ids, Select) else list(moment_ids)
    session = db.session()
    found = list(session.scalars(select(ContactMoment.uuid).where(ContactMoment.id.in_(wanted))))
    if not found:
        return 0
    session.execute(
        update(ContactMoment)
        .where(ContactMoment.uuid.in_(found))
        .values(text=replacement)
        .execution_options(synchronize_session=False)
    )
    record(
        ContactMomentTextsRemoved(
            contact_moment_ids=[str(u) for u in found], replacement=replacement
        )
    )
    return len(found)
