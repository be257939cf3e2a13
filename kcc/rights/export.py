"""The subject access export (GDPR art. 15): everything about a party in one document.

Every registered privacy section (``kcc.rights.sections``) adds its part: the core's identity,
addresses, contact moments, tasks, consents and processing log first, then the packages'
sections (messages, journeys, suggestions, ...) by name. The export of a party that was merged follows the merge: it
covers the surviving party and every party merged into it.
"""

from __future__ import annotations

import uuid
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from kcc.constants import Action, IdentifierKind
from kcc.contacts.models import ContactMoment, Involvement, SubjectObject
from kcc.db import db, utcnow
from kcc.errors import NotFound
from kcc.parties.models import BankAccount, DigitalAddress, Party
from kcc.parties.services import reveal_bsn
from kcc.privacy.models import ProcessingRecord
from kcc.privacy.services import log_processing, subject_lookup
from kcc.rights.sections import ExportProvider, privacy_sections
from kcc.tasks.models import Task

MAX_MERGE_DEPTH = 20
# The core's sections lead the document in this order; the packages' follow by name.
CORE_ORDER = ("identity", "addresses", "contact_moments", "tasks", "processing_log")


def merge_group(party_uuid: uuid.UUID) -> tuple[Party, list[Party]]:
    """The surviving party for ``party_uuid`` and every party merged into it (survivor first).

    Bounded: at most ``MAX_MERGE_DEPTH`` steps up a merge chain, and one query (plus the
    identifiers and addresses of what it found) per level down.
    """
    session = db.session()
    details = (
        selectinload(Party.identifiers),
        selectinload(Party.addresses),
    )
    party = session.scalar(select(Party).where(Party.uuid == party_uuid).options(*details))
    if party is None:
        raise NotFound(_l("no party with id %(party_uuid)s", party_uuid=party_uuid))
    for _ in range(MAX_MERGE_DEPTH):
        if party.merged_into_id is None:
            break
        party = (
            session.scalar(select(Party).where(Party.id == party.merged_into_id).options(*details))
            or party
        )
    group, frontier = [party], [party.id]
    for _ in range(MAX_MERGE_DEPTH):
        if not frontier or len(group) >= 1000:
            break
        found = list(
            session.scalars(
                select(Party)
                .where(Party.merged_into_id.in_(frontier))
                .order_by(Party.id)
                .options(*details)
            )
        )
        group += found
        frontier = [p.id for p in found]
    return party, group


def _iso(value: Any) -> Any:
    return value.isoformat() if value is not None else None


def identity_export(parties: list[Party]) -> list[dict[str, Any]]:
    # A merged party points at another party of the group; look up only what is not there.
    merged_into = {p.id: str(p.uuid) for p in parties}
    outside = {p.merged_into_id for p in parties} - set(merged_into) - {None}
    merged_into.update(_uuids_of([i for i in outside if i is not None]))
    out = []
    for p in parties:
        # The resident sees their own BSN in full; every other identifier as it is shown.
        bsn = reveal_bsn(p)
        identifiers = [
            {"kind": i.kind, "value": bsn if i.kind == IdentifierKind.BSN and bsn else i.display}
            for i in p.identifiers
        ]
        out.append(
            {
                "id": str(p.uuid),
                "type": p.type,
                "given_names": p.given_names,
                "surname_prefix": p.surname_prefix,
                "surname": p.surname,
                "name": p.name,
                "initials": p.initials,
                "identifiers": identifiers,
                "preferred_language": p.preferred_language,
                "preferred_channel": p.preferred_channel,
                "active": p.is_active,
                "merged_into": merged_into.get(p.merged_into_id or 0),
                "registered_at": _iso(p.created_at),
                "updated_at": _iso(p.updated_at),
            }
        )
    return out


def bank_accounts_export(parties: list[Party]) -> list[dict[str, Any]]:
    """The parties' bank accounts: IBAN, BIC, whether preferred, and since when."""
    rows = db.session().execute(
        select(Party.uuid, BankAccount)
        .join(Party, Party.id == BankAccount.party_id)
        .where(BankAccount.party_id.in_([p.id for p in parties]))
        .order_by(BankAccount.id)
    )
    return [
        {
            "party_id": str(party_uuid),
            "iban": account.iban,
            "bic": account.bic,
            "preferred": account.is_preferred,
            "added_at": _iso(account.created_at),
        }
        for party_uuid, account in rows
    ]


def _uuids_of(party_ids: list[int]) -> dict[int, str]:
    """Public ids of parties by internal id, in one query."""
    if not party_ids:
        return {}
    rows = db.session().execute(select(Party.id, Party.uuid).where(Party.id.in_(party_ids)))
    return {pid: str(puid) for pid, puid in rows}


def _address(party_uuid: Any, a: DigitalAddress) -> dict[str, Any]:
    return {
        "party_id": str(party_uuid),
        "kind": a.kind,
        "address": a.address,
        "label": a.label,
        "is_default": a.is_default,
        "verified_at": _iso(a.verified_at),
        "added_at": _iso(a.created_at),
    }


def addresses_export(parties: list[Party]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for p in parties:
        out += [_address(p.uuid, a) for a in p.addresses]
        for kind, value in (("visiting", p.visiting_address), ("postal", p.postal_address)):
            if value:
                out.append({"party_id": str(p.uuid), "kind": kind, "address": value})
    # Addresses given during the parties' contact moments for their follow-up only.
    given = db.session().execute(
        select(DigitalAddress, Party.uuid, ContactMoment.uuid)
        .join(Involvement, Involvement.id == DigitalAddress.involvement_id)
        .join(Party, Party.id == Involvement.party_id)
        .join(ContactMoment, ContactMoment.id == Involvement.contact_moment_id)
        .where(Party.id.in_([p.id for p in parties]), DigitalAddress.party_id.is_(None))
        .order_by(DigitalAddress.id)
    )
    for address, party_uuid, moment_uuid in given:
        out.append({**_address(party_uuid, address), "contact_moment_id": str(moment_uuid)})
    return out


def contact_moments_export(parties: list[Party]) -> list[dict[str, Any]]:
    """Three queries whatever the number of moments: objects, involvements, the moments."""
    session = db.session()
    involved = select(Involvement.contact_moment_id).where(
        Involvement.party_id.in_([p.id for p in parties])
    )
    objects: dict[int | None, list[dict[str, str]]] = {}
    for moment_id, kind, object_id in session.execute(
        select(SubjectObject.contact_moment_id, SubjectObject.object_type, SubjectObject.object_id)
        .where(SubjectObject.contact_moment_id.in_(involved))
        .order_by(SubjectObject.id)
    ):
        objects.setdefault(moment_id, []).append({"type": kind, "id": object_id})
    # How the parties took part in each contact: role, and the name and details they gave.
    given: dict[int, list[dict[str, Any]]] = {}
    for moment_id, role, initiator, given_details in session.execute(
        select(
            Involvement.contact_moment_id,
            Involvement.role,
            Involvement.initiator,
            Involvement.details,
        )
        .where(Involvement.party_id.in_([p.id for p in parties]))
        .order_by(Involvement.id)
    ):
        given.setdefault(moment_id, []).append(
            {"role": role, "initiator": initiator, **(given_details or {})}
        )
    rows = session.execute(
        select(
            ContactMoment.id,
            ContactMoment.uuid,
            ContactMoment.channel,
            ContactMoment.direction,
            ContactMoment.subject,
            ContactMoment.text,
            ContactMoment.response,
            ContactMoment.outcome,
            ContactMoment.language,
            ContactMoment.occurred_at,
            ContactMoment.details,
        )
        .where(ContactMoment.id.in_(involved))
        .order_by(ContactMoment.occurred_at, ContactMoment.id)
    )
    return [
        {
            "id": str(uuid_),
            "channel": channel,
            "direction": direction,
            "subject": subject,
            "text": text,
            "response": response,
            "outcome": outcome,
            "language": language,
            "occurred_at": occurred_at.isoformat(),
            "objects": objects.get(moment_id, []),
            "details": details,
            "involved_as": given.get(moment_id, []),
        }
        for (
            moment_id,
            uuid_,
            channel,
            direction,
            subject,
            text,
            response,
            outcome,
            language,
            occurred_at,
            details,
        ) in rows
    ]


def tasks_export(parties: list[Party]) -> list[dict[str, Any]]:
    rows = db.session().scalars(
        select(Task)
        .where(Task.party_id.in_([p.id for p in parties]))
        .options(selectinload(Task.comments))
        .order_by(Task.received_at, Task.id)
    )
    return [
        {
            "id": str(t.uuid),
            "kind": t.kind,
            "status": t.status,
            "description": t.description,
            "note": t.note,
            "team": t.assigned_team,
            "received_at": _iso(t.received_at),
            "due_at": _iso(t.due_at),
            "completed_at": _iso(t.completed_at),
            "comments": [
                {
                    "at": _iso(c.created_at),
                    "text": c.text,
                    "callback_result": c.callback_result,
                }
                for c in t.comments
            ],
        }
        for t in rows
    ]


def processing_log_export(parties: list[Party]) -> list[dict[str, Any]]:
    """One query; rows are read as plain tuples (a heavy party has thousands of records)."""
    lookups = {subject_lookup(p.uuid): str(p.uuid) for p in parties}
    rows = db.session().execute(
        select(
            ProcessingRecord.occurred_at,
            ProcessingRecord.operation,
            ProcessingRecord.action,
            ProcessingRecord.activity,
            ProcessingRecord.actor_type,
            ProcessingRecord.status,
            ProcessingRecord.subject_lookup,
        )
        .where(ProcessingRecord.subject_lookup.in_(list(lookups)))
        .order_by(ProcessingRecord.id)
    )
    return [
        {
            "at": occurred_at.isoformat(),
            "operation": operation,
            "action": action,
            "activity": activity,
            "by": actor_type,
            "status": status,
            "party_id": lookups[lookup],
        }
        for occurred_at, operation, action, activity, actor_type, status, lookup in rows
    ]


def section_providers() -> dict[str, ExportProvider]:
    """Every exported section in export order: the core's, then the others by name."""
    exported = {s.name: s.export for s in privacy_sections() if s.export is not None}
    first = [name for name in CORE_ORDER if name in exported]
    return {name: exported[name] for name in [*first, *sorted(set(exported) - set(first))]}


def export_party(party_uuid: uuid.UUID) -> dict[str, Any]:
    """Everything about the party (following merges); the export itself is logged."""
    subject, parties = merge_group(party_uuid)
    document: dict[str, Any] = {
        "requested_for": str(party_uuid),
        "subject": str(subject.uuid),
        "parties": [str(p.uuid) for p in parties],
        "exported_at": utcnow().isoformat(),
        "controller": "the municipality; ask the data protection officer about anything in this document",
    }
    for name, provider in section_providers().items():
        document[name] = provider(parties)
    log_processing([p.uuid for p in parties], Action.EXPORT)
    return document
