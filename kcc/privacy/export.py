"""The subject access export (GDPR art. 15): everything about a party in one document.

The core fills identity, addresses, contact moments, tasks and the processing log; other
packages add sections (messages, journeys, suggestions, consents) through
``register_export_section``. The export of a party that was merged follows the merge: it
covers the surviving party and every party merged into it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from kcc.constants import Action, IdentifierKind
from kcc.contacts.models import ContactMoment, Involvement
from kcc.crypto import DataCipher
from kcc.db import db, utcnow
from kcc.errors import NotFound
from kcc.parties.models import Party
from kcc.privacy.models import ProcessingRecord
from kcc.privacy.services import log_processing, subject_lookup
from kcc.tasks.models import Task

ExportProvider = Callable[[list[Party]], list[dict[str, Any]]]
_providers: dict[str, ExportProvider] = {}
CORE_SECTIONS = ("identity", "addresses", "contact_moments", "tasks", "processing_log")
BSN_CONTEXT = "party-identifier/bsn"
MAX_MERGE_DEPTH = 20


def register_export_section(name: str, provider: ExportProvider) -> None:
    """Let a package add one section to the export; ``provider`` gets the parties it covers."""
    if name in CORE_SECTIONS:
        raise ValueError(f"export section {name!r} belongs to the core")
    _providers[name] = provider


def export_sections() -> list[str]:
    return [*CORE_SECTIONS, *sorted(_providers)]


def merge_group(party_uuid: uuid.UUID) -> tuple[Party, list[Party]]:
    """The surviving party for ``party_uuid`` and every party merged into it (survivor first)."""
    session = db.session()
    party = session.scalar(select(Party).where(Party.uuid == party_uuid))
    if party is None:
        raise NotFound(f"no party with id {party_uuid}")
    for _ in range(MAX_MERGE_DEPTH):
        if party.merged_into_id is None:
            break
        party = session.get(Party, party.merged_into_id) or party
    group, frontier = [party], [party.id]
    while frontier and len(group) < 1000:
        found = list(
            session.scalars(
                select(Party).where(Party.merged_into_id.in_(frontier)).order_by(Party.id)
            )
        )
        group += found
        frontier = [p.id for p in found]
    ids = [p.id for p in group]
    loaded = session.scalars(
        select(Party)
        .where(Party.id.in_(ids))
        .options(selectinload(Party.identifiers), selectinload(Party.addresses))
    ).all()
    by_id = {p.id: p for p in loaded}
    return party, [by_id[i] for i in ids]


def _iso(value: Any) -> Any:
    return value.isoformat() if value is not None else None


def _identity(parties: list[Party]) -> list[dict[str, Any]]:
    cipher: DataCipher = current_app.extensions["kcc.cipher"]
    out = []
    for p in parties:
        identifiers = []
        for ident in p.identifiers:
            value = ident.display
            if ident.kind == IdentifierKind.BSN and ident.value_encrypted:
                value = cipher.decrypt(ident.value_encrypted, BSN_CONTEXT)
            identifiers.append({"kind": ident.kind, "value": value})
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
                "merged_into": str(p.merged_into.uuid) if p.merged_into is not None else None,
                "registered_at": _iso(p.created_at),
                "updated_at": _iso(p.updated_at),
            }
        )
    return out


def _addresses(parties: list[Party]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for p in parties:
        for a in p.addresses:
            out.append(
                {
                    "party_id": str(p.uuid),
                    "kind": a.kind,
                    "address": a.address,
                    "label": a.label,
                    "is_default": a.is_default,
                    "verified_at": _iso(a.verified_at),
                    "added_at": _iso(a.created_at),
                }
            )
        for kind, value in (("visiting", p.visiting_address), ("postal", p.postal_address)):
            if value:
                out.append({"party_id": str(p.uuid), "kind": kind, "address": value})
    return out


def _contact_moments(parties: list[Party]) -> list[dict[str, Any]]:
    ids = [p.id for p in parties]
    moments = (
        db.session()
        .scalars(
            select(ContactMoment)
            .where(
                ContactMoment.id.in_(
                    select(Involvement.contact_moment_id).where(Involvement.party_id.in_(ids))
                )
            )
            .options(selectinload(ContactMoment.objects))
            .order_by(ContactMoment.occurred_at, ContactMoment.id)
        )
        .unique()
    )
    return [
        {
            "id": str(m.uuid),
            "channel": m.channel,
            "direction": m.direction,
            "subject": m.subject,
            "text": m.text,
            "response": m.response,
            "outcome": m.outcome,
            "language": m.language,
            "occurred_at": _iso(m.occurred_at),
            "objects": [{"type": o.object_type, "id": o.object_id} for o in m.objects],
            "details": m.details,
        }
        for m in moments
    ]


def _tasks(parties: list[Party]) -> list[dict[str, Any]]:
    rows = db.session().scalars(
        select(Task)
        .where(Task.party_id.in_([p.id for p in parties]))
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
        }
        for t in rows
    ]


def _processing_log(parties: list[Party]) -> list[dict[str, Any]]:
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
            "at": _iso(r.occurred_at),
            "operation": r.operation,
            "action": r.action,
            "activity": r.activity,
            "by": r.actor_type,
            "status": r.status,
            "party_id": lookups[r.subject_lookup],
        }
        for r in rows
    ]


CORE: dict[str, ExportProvider] = {
    "identity": _identity,
    "addresses": _addresses,
    "contact_moments": _contact_moments,
    "tasks": _tasks,
    "processing_log": _processing_log,
}


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
    for name, provider in {**CORE, **dict(sorted(_providers.items()))}.items():
        document[name] = provider(parties)
    log_processing([p.uuid for p in parties], Action.EXPORT)
    return document
