"""Record and read contact moments."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import selectinload

from kcc.auth.access import known_caller
from kcc.auth.models import User
from kcc.constants import Action
from kcc.contacts.events import ContactMomentRecorded
from kcc.contacts.models import ContactMoment, Involvement, SubjectObject
from kcc.contacts.topics import set_topics_of as confirm_topics
from kcc.contacts.writes import WrittenMoment, loaded_contact_moment, write_contact_moment
from kcc.db import db, utcnow
from kcc.errors import NotFound, ValidationFailed
from kcc.events.outbox import OUTBOX, prepare
from kcc.pagination import decode_cursor, encode_cursor
from kcc.parties.models import Party
from kcc.privacy.bsn import protect_record
from kcc.privacy.services import LOG_TABLE, log_processing, log_rows

MAX_CLOCK_SKEW = timedelta(minutes=5)


@dataclass
class InvolvementInput:
    party_id: uuid.UUID
    role: str = "resident"
    initiator: bool = False
    details: dict[str, Any] = field(default_factory=dict)  # the name, addresses given
    # The party's row id, when the caller has read the party in this transaction already
    # (it is then not looked up again); None: found by party_id.
    party_key: int | None = None


@dataclass
class ObjectInput:
    type: str
    id: str
    register: str = ""
    id_kind: str = ""


@dataclass
class ContactInput:
    channel: str
    direction: str = "inbound"
    subject: str = ""
    text: str = ""
    outcome: str | None = None
    language: str = "nl"
    confidential: bool = False
    occurred_at: datetime | None = None
    parties: list[InvolvementInput] = field(default_factory=list)
    objects: list[ObjectInput] = field(default_factory=list)
    agent_id: uuid.UUID | None = None
    external_id: str | None = None
    details: dict[str, Any] = field(default_factory=dict)
    number: str | None = None  # the Klantinteracties nummer, when the standard's client has one
    topics: list[uuid.UUID] = field(default_factory=list)
    # The standard's klantcontact fields, so that its client's contact is one insert.
    reference: str | None = None
    response: str = ""
    contact_succeeded: bool | None = None
    main_subject_type: str = ""
    further_action: bool = False


@dataclass(frozen=True)
class Recorded:
    contact_moment: ContactMoment
    created: bool


@dataclass(frozen=True)
class NewContact:
    """A contact moment just recorded, as the values written (no objects of the session)."""

    rows: WrittenMoment
    party_ids: list[uuid.UUID]  # the party of each involvement, in the order of ``rows``
    agent_id: uuid.UUID | None


def record_contact(data: ContactInput, recorded_by: int | None = None) -> Recorded:
    """Store one contact moment with its parties and objects.

    A repeat of the same ``(channel, external_id)`` returns the stored moment unchanged, so
    that a channel's retries are harmless.
    """
    written = _write(data, recorded_by)
    if isinstance(written, ContactMoment):
        return Recorded(written, created=False)
    moment = loaded_contact_moment(written.rows)
    moment.agent_uuid = written.agent_id
    for linked, party_id in zip(moment.involvements, written.party_ids, strict=True):
        linked.party_uuid = party_id
    if data.topics:
        confirm_topics(moment, data.topics)  # the topics picked at registration
    return Recorded(moment, created=True)


def record_new_contact(
    data: ContactInput, recorded_by: int | None = None
) -> NewContact | ContactMoment:
    """:func:`record_contact` for a caller that only reports the moment: a new one comes back
    as the values written, without making objects of the session; a repeat (or a moment with
    topics, which need the object) as the stored ``ContactMoment``."""
    if data.topics:
        return record_contact(data, recorded_by).contact_moment
    return _write(data, recorded_by)


def _write(data: ContactInput, recorded_by: int | None) -> NewContact | ContactMoment:
    """Write a new contact moment, its event and its processing-log records (together, see
    :func:`write_contact_moment`); a repeat returns the moment stored before."""
    # No BSN is stored in clear.
    data = protect_record(data, "subject", "text", "response", "details")
    if data.external_id:
        existing = _stored(data.channel, data.external_id)
        if existing is not None:
            return existing
    occurred_at = data.occurred_at or utcnow()
    if occurred_at > utcnow() + MAX_CLOCK_SKEW:
        raise ValidationFailed.field("occurred_at", _l("lies in the future"))
    party_keys = _party_keys([p.party_id for p in data.parties if p.party_key is None])
    party_keys.update({p.party_id: p.party_key for p in data.parties if p.party_key is not None})
    _each_party_once(data.parties)
    moment_uuid = uuid.uuid4()
    event = prepare(
        [
            ContactMomentRecorded(
                contact_moment_id=str(moment_uuid),
                channel=data.channel,
                direction=data.direction,
                subject=data.subject,
                party_ids=[str(p.party_id) for p in data.parties],
                objects=[{"type": o.type, "id": o.id} for o in data.objects],
                agent_id=str(data.agent_id) if data.agent_id else None,
            )
        ]
    )
    logged = log_rows([p.party_id for p in data.parties], Action.CREATE)
    written = write_contact_moment(
        {
            "uuid": moment_uuid,
            "channel": data.channel,
            "direction": data.direction,
            "subject": data.subject,
            "text": data.text,
            "outcome": data.outcome,
            "language": data.language,
            "confidential": data.confidential,
            "occurred_at": occurred_at,
            "agent_id": _agent_key(data.agent_id),
            "external_id": data.external_id,
            "details": data.details,
            "created_by_id": recorded_by,
            "number": data.number,
            "reference": data.reference,
            "response": data.response,
            "contact_succeeded": data.contact_succeeded,
            "main_subject_type": data.main_subject_type,
            "further_action": data.further_action,
        },
        involvements=[
            {
                "party_id": party_keys[p.party_id],
                "role": p.role,
                "occurred_at": occurred_at,
                "initiator": p.initiator,
                "details": p.details,
            }
            for p in data.parties
        ],
        objects=[
            {
                "object_type": o.type,
                "object_id": o.id,
                "register": o.register,
                "id_kind": o.id_kind,
            }
            for o in data.objects
        ],
        also=[(OUTBOX, event.rows), (LOG_TABLE, logged)],
    )
    if written is None:
        # A concurrent delivery of the same channel message won the race (and committed).
        existing = _stored(data.channel, data.external_id)
        if existing is None:
            raise RuntimeError(f"{data.channel} message {data.external_id} neither new nor stored")
        return existing
    event.written()
    return NewContact(written, [p.party_id for p in data.parties], data.agent_id)


def _each_party_once(parties: list[InvolvementInput]) -> None:
    seen: set[tuple[uuid.UUID, str]] = set()
    for involvement in parties:
        if (involvement.party_id, involvement.role) in seen:
            raise ValidationFailed.field(
                "parties",
                _l(
                    "party %(party_id)s is listed twice as %(role)s",
                    party_id=involvement.party_id,
                    role=involvement.role,
                ),
            )
        seen.add((involvement.party_id, involvement.role))


def _stored(channel: str, external_id: str | None) -> ContactMoment | None:
    """The moment stored for a channel's message id, if there is one."""
    return db.session().scalar(
        _with_children(select(ContactMoment)).where(
            ContactMoment.channel == channel, ContactMoment.external_id == external_id
        )
    )


def _party_keys(party_uuids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    """The involved parties' row ids by public id (one Core statement, no entities)."""
    if not party_uuids:
        return {}
    rows = db.session().execute(_PARTY_KEYS, {"uuids": list(set(party_uuids))})
    found: dict[uuid.UUID, int] = {row[1]: row[0] for row in rows}
    for party_uuid in party_uuids:
        if party_uuid not in found:
            raise ValidationFailed.field(
                "parties", _l("no party with id %(party_uuid)s", party_uuid=party_uuid)
            )
    return found


_PARTY_KEYS = select(Party.__table__.c.id, Party.__table__.c.uuid).where(
    Party.__table__.c.uuid.in_(bindparam("uuids", expanding=True))
)


def _agent_key(agent_uuid: uuid.UUID | None) -> int | None:
    if agent_uuid is None:
        return None
    caller = known_caller()
    if caller is not None and caller.uuid == agent_uuid:
        return int(caller.id)  # usually the caller, known from the token check
    found = db.session().scalar(select(User.id).where(User.uuid == agent_uuid))
    if found is None:
        raise ValidationFailed.field(
            "agent", _l("no user with id %(agent_uuid)s", agent_uuid=agent_uuid)
        )
    return found


def _with_children(stmt: Select[ContactMoment]) -> Select[ContactMoment]:
    return stmt.options(
        selectinload(ContactMoment.involvements), selectinload(ContactMoment.objects)
    )


def get_contact(moment_uuid: uuid.UUID) -> ContactMoment:
    moment = db.session().scalar(
        _with_children(select(ContactMoment)).where(ContactMoment.uuid == moment_uuid)
    )
    if moment is None:
        raise NotFound(_l("no contact moment with id %(moment_uuid)s", moment_uuid=moment_uuid))
    log_processing([i.party.uuid for i in moment.involvements if i.party], Action.READ)
    return moment


@dataclass
class ContactQuery:
    party_id: uuid.UUID | None = None
    channel: str | None = None
    object_type: str | None = None
    object_id: str | None = None


def list_contacts(
    query: ContactQuery, limit: int, cursor: str | None
) -> tuple[list[ContactMoment], str | None]:
    """Newest first by ``occurred_at``, keyset-paginated."""
    stmt = _with_children(select(ContactMoment))
    if query.party_id is not None:
        party_key = db.session().scalar(select(Party.id).where(Party.uuid == query.party_id))
        if party_key is None:
            raise NotFound(_l("no party with id %(party_id)s", party_id=query.party_id))
        stmt = stmt.join(Involvement, Involvement.contact_moment_id == ContactMoment.id).where(
            Involvement.party_id == party_key
        )
    if query.channel:
        stmt = stmt.where(ContactMoment.channel == query.channel)
    if query.object_id:
        stmt = stmt.join(SubjectObject, SubjectObject.contact_moment_id == ContactMoment.id).where(
            SubjectObject.object_id == query.object_id
        )
        if query.object_type:
            stmt = stmt.where(SubjectObject.object_type == query.object_type)
    after = decode_cursor(cursor, {"at": datetime, "id": int})
    if after is not None:
        at = after["at"]
        stmt = stmt.where(
            (ContactMoment.occurred_at < at)
            | ((ContactMoment.occurred_at == at) & (ContactMoment.id < after["id"]))
        )
    stmt = stmt.order_by(ContactMoment.occurred_at.desc(), ContactMoment.id.desc()).limit(limit + 1)
    rows = list(db.session().scalars(stmt).unique())
    next_cursor = None
    if len(rows) > limit:
        last = rows[limit - 1]
        next_cursor = encode_cursor({"at": last.occurred_at.isoformat(), "id": last.id})
    rows = rows[:limit]
    log_processing([i.party.uuid for m in rows for i in m.involvements if i.party], Action.READ)
    return rows, next_cursor
