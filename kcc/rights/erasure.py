"""The right to erasure (GDPR art. 17) for one party, within legal holds, saying what was kept and why."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy import delete, func, select

from kcc.consent.models import ConsentRecord
from kcc.constants import OPEN_TASK_STATUSES, Action, TaskKind
from kcc.contacts.models import ContactMoment, Involvement, delete_given_addresses
from kcc.db import db, utcnow
from kcc.parties.models import BankAccount, DigitalAddress, Party, PartyIdentifier
from kcc.privacy.models import ProcessingRecord
from kcc.privacy.services import log_processing, subject_lookup
from kcc.rights.export import merge_group
from kcc.tasks.models import Task

Eraser = Callable[[list[Party]], int]
_erasers: dict[str, Eraser] = {}
STATUTORY = {
    TaskKind.COMPLAINT: "an open complaint (Awb chapter 9) must be handled within its statutory term",
    TaskKind.OBJECTION: "an open objection (Awb chapter 6/7) must be decided within its statutory term",
}


def register_erasure_section(name: str, eraser: Eraser) -> None:
    """Let a package erase its own data about the parties; ``eraser`` returns how many rows."""
    _erasers[name] = eraser


def _holds(ids: list[int]) -> list[Task]:
    return list(
        db.session().scalars(
            select(Task).where(Task.party_id.in_(ids), Task.status.in_(OPEN_TASK_STATUSES))
        )
    )


def _erase_moments(ids: list[int], held: set[int]) -> int:
    session = db.session()
    moments = (
        set(
            session.scalars(
                select(Involvement.contact_moment_id).where(Involvement.party_id.in_(ids))
            )
        )
        - held
    )
    if not moments:
        return 0
    # A moment another known party took part in stays for them; someone who stayed anonymous
    # cannot ask for theirs, so their part goes with the moment.
    shared = set(
        session.scalars(
            select(Involvement.contact_moment_id).where(
                Involvement.contact_moment_id.in_(moments),
                Involvement.party_id.is_not(None),
                Involvement.party_id.not_in(ids),
            )
        )
    )
    theirs = select(Involvement.id).where(
        Involvement.contact_moment_id.in_(shared), Involvement.party_id.in_(ids)
    )
    gone = moments - shared
    everyone = select(Involvement.id).where(Involvement.contact_moment_id.in_(gone))
    session.execute(delete_given_addresses(theirs))
    session.execute(delete_given_addresses(everyone))
    session.execute(
        delete(Involvement).where(
            Involvement.contact_moment_id.in_(shared), Involvement.party_id.in_(ids)
        )
    )
    session.execute(delete(ContactMoment).where(ContactMoment.id.in_(gone)))
    return len(moments)


def _forget_identity(parties: list[Party]) -> int:
    session = db.session()
    ids = [p.id for p in parties]
    session.execute(delete(PartyIdentifier).where(PartyIdentifier.party_id.in_(ids)))
    session.execute(delete(DigitalAddress).where(DigitalAddress.party_id.in_(ids)))
    session.execute(delete(BankAccount).where(BankAccount.party_id.in_(ids)))
    for p in parties:
        p.given_names = p.surname_prefix = p.surname = p.name = p.initials = None
        p.search_name, p.visiting_address, p.postal_address = "", None, None
        p.preferred_channel, p.is_active = None, False
        p.internal_note = f"erased on request on {utcnow().date().isoformat()}"
    return len(parties)


def erase_party(party_uuid: uuid.UUID) -> dict[str, Any]:
    """Erase what may be erased about the party (and the parties merged into it)."""
    _subject, parties = merge_group(party_uuid)
    ids = [p.id for p in parties]
    session = db.session()
    holds = _holds(ids)
    held_moments = {t.contact_moment_id for t in holds if t.contact_moment_id is not None}
    erased: dict[str, int] = {"contact_moments": _erase_moments(ids, held_moments)}
    erased["tasks"] = session.execute(
        delete(Task).where(Task.party_id.in_(ids), Task.status.not_in(OPEN_TASK_STATUSES))
    ).rowcount  # type: ignore[attr-defined]
    for name, eraser in sorted(_erasers.items()):
        erased[name] = eraser(parties)
    kept: list[dict[str, Any]] = []
    for task in holds:
        kept.append(
            {
                "what": f"task {task.uuid} ({task.kind}) and its contact moment",
                "count": 1,
                "why": STATUTORY.get(
                    TaskKind(task.kind), "an open task is still being handled for the resident"
                ),
            }
        )
    if holds:
        kept.append(
            {
                "what": "identity and addresses",
                "count": len(parties),
                "why": "needed to handle the open tasks above; ask again once they are closed",
            }
        )
    else:
        erased["identity"] = _forget_identity(parties)
    consents = (
        session.scalar(
            select(func.count()).select_from(ConsentRecord).where(ConsentRecord.party_id.in_(ids))
        )
        or 0
    )
    if consents:
        kept.append(
            {
                "what": "consent records",
                "count": consents,
                "why": "proof of what the resident agreed to and withdrew (art. 7(1) AVG); removed by the retention run",
            }
        )
    lookups = [subject_lookup(p.uuid) for p in parties]
    logged = (
        session.scalar(
            select(func.count())
            .select_from(ProcessingRecord)
            .where(ProcessingRecord.subject_lookup.in_(lookups))
        )
        or 0
    )
    kept.append(
        {
            "what": "processing-log records",
            "count": logged + len(parties),
            "why": "accountability for every processing (art. 5(2) and 30 AVG); removed by the retention run",
        }
    )
    session.flush()
    log_processing([p.uuid for p in parties], Action.DELETE)
    return {
        "party_id": str(party_uuid),
        "parties": [str(p.uuid) for p in parties],
        "erased": erased,
        "kept": kept,
        "complete": not holds,
    }
