"""Erasure of the core's own tables: what each removes, how much is left, and what open tasks hold."""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, cast, delete, func, null, or_, select, update

from kcc.constants import OPEN_TASK_STATUSES, TaskKind
from kcc.contacts.models import ContactMoment, Involvement, delete_given_addresses
from kcc.db import db, utcnow
from kcc.events.models import OutboxEvent
from kcc.http.models import IdempotencyRecord
from kcc.identity.models import MergeMove, MergeRecord
from kcc.parties.models import BankAccount, DigitalAddress, Party, PartyIdentifier
from kcc.tasks.models import Task, TaskComment

STATUTORY = {
    TaskKind.COMPLAINT: "an open complaint (Awb chapter 9) must be handled within its statutory term",
    TaskKind.OBJECTION: "an open objection (Awb chapter 6/7) must be decided within its statutory term",
}
ERASED_REASON = "[erased on request]"


def _ids(parties: list[Party]) -> list[int]:
    return [p.id for p in parties]


def _count(query: Any) -> int:
    return int(db.session().scalar(select(func.count()).select_from(query.subquery())) or 0)


def holds(parties: list[Party]) -> list[Task]:
    """The parties' open tasks: each holds its contact moment and the parties' identity."""
    return list(
        db.session().scalars(
            select(Task)
            .where(Task.party_id.in_(_ids(parties)), Task.status.in_(OPEN_TASK_STATUSES))
            .order_by(Task.id)
        )
    )


def _erasable_moments(parties: list[Party]) -> Any:
    held = select(Task.contact_moment_id).where(
        Task.party_id.in_(_ids(parties)),
        Task.status.in_(OPEN_TASK_STATUSES),
        Task.contact_moment_id.is_not(None),
    )
    return (
        select(Involvement.contact_moment_id)
        .where(Involvement.party_id.in_(_ids(parties)), Involvement.contact_moment_id.not_in(held))
        .distinct()
    )


def count_moments(parties: list[Party]) -> int:
    """Contact moments the parties took part in that no open task of theirs holds."""
    return _count(_erasable_moments(parties))


def erase_moments(parties: list[Party]) -> int:
    """Remove the parties' contact moments, or only their part of one another party shares."""
    session = db.session()
    ids = _ids(parties)
    moments = set(session.scalars(_erasable_moments(parties)))
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


def _closed_tasks(parties: list[Party]) -> Any:
    return select(Task.id).where(
        Task.party_id.in_(_ids(parties)), Task.status.not_in(OPEN_TASK_STATUSES)
    )


def count_tasks(parties: list[Party]) -> int:
    return _count(_closed_tasks(parties))


def erase_tasks(parties: list[Party]) -> int:
    """Remove the parties' closed tasks with their comments; open ones are legal holds."""
    closed = _closed_tasks(parties)
    db.session().execute(delete(TaskComment).where(TaskComment.task_id.in_(closed)))
    result = db.session().execute(delete(Task).where(Task.id.in_(closed)))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def kept_tasks(parties: list[Party]) -> list[dict[str, Any]]:
    """Each open task, held with its contact moment until it is closed."""
    return [
        {
            "what": f"task {task.uuid} ({task.kind}) and its contact moment",
            "count": 1,
            "why": STATUTORY.get(
                TaskKind(task.kind), "an open task is still being handled for the resident"
            ),
            "held": True,
        }
        for task in holds(parties)
    ]


def _named(parties: list[Party]) -> Any:
    return select(Party.id).where(
        Party.id.in_(_ids(parties)),
        or_(
            Party.given_names.is_not(None),
            Party.surname_prefix.is_not(None),
            Party.surname.is_not(None),
            Party.name.is_not(None),
            Party.initials.is_not(None),
            Party.visiting_address.is_not(None),
            Party.postal_address.is_not(None),
            Party.search_name != "",
        ),
    )


def count_identity(parties: list[Party]) -> int:
    """Parties still named, and their identifiers; nothing while an open task holds them."""
    if holds(parties):
        return 0
    identifiers = select(PartyIdentifier.id).where(PartyIdentifier.party_id.in_(_ids(parties)))
    return _count(_named(parties)) + _count(identifiers)


def erase_identity(parties: list[Party]) -> int:
    """Forget names, identifiers and postal addresses, unless an open task still needs them.
    Counts the parties and the identifiers, as ``count_identity`` does."""
    if holds(parties):
        return 0
    session = db.session()
    identifiers = session.execute(
        delete(PartyIdentifier).where(PartyIdentifier.party_id.in_(_ids(parties)))
    )
    for p in parties:
        p.given_names = p.surname_prefix = p.surname = p.name = p.initials = None
        # SQL NULL, not JSON null: an erased address must read as no address at all.
        p.search_name, p.visiting_address, p.postal_address = "", null(), null()
        p.preferred_channel, p.is_active = None, False
        p.internal_note = f"erased on request on {utcnow().date().isoformat()}"
    return len(parties) + int(identifiers.rowcount or 0)  # type: ignore[attr-defined]


def kept_identity(parties: list[Party]) -> list[dict[str, Any]]:
    if holds(parties):
        return [
            {
                "what": "identity and addresses",
                "count": len(parties),
                "why": "needed to handle the open tasks above; ask again once they are closed",
                "held": True,
            }
        ]
    return [
        {
            "what": "party records without personal data",
            "count": len(parties),
            "why": "their ids keep answering that they were erased; the kept records refer to them",
        }
    ]


def _own_addresses(parties: list[Party]) -> Any:
    return select(DigitalAddress.id).where(DigitalAddress.party_id.in_(_ids(parties)))


def count_addresses(parties: list[Party]) -> int:
    """The parties' own digital addresses (given ones go with their contact moments)."""
    return 0 if holds(parties) else _count(_own_addresses(parties))


def erase_addresses(parties: list[Party]) -> int:
    if holds(parties):
        return 0
    result = db.session().execute(
        delete(DigitalAddress).where(DigitalAddress.party_id.in_(_ids(parties)))
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def _own_bank_accounts(parties: list[Party]) -> Any:
    return select(BankAccount.id).where(BankAccount.party_id.in_(_ids(parties)))


def count_bank_accounts(parties: list[Party]) -> int:
    """The parties' bank accounts; no open task needs them, so they go even under a hold."""
    return _count(_own_bank_accounts(parties))


def erase_bank_accounts(parties: list[Party]) -> int:
    result = db.session().execute(
        delete(BankAccount).where(BankAccount.party_id.in_(_ids(parties)))
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def _merges(parties: list[Party]) -> Any:
    ids = _ids(parties)
    return select(MergeRecord.id).where(
        or_(MergeRecord.survivor_id.in_(ids), MergeRecord.duplicate_id.in_(ids))
    )


def count_merges(parties: list[Party]) -> int:
    """Merge reasons not yet blanked and the rows a merge moved (what an undo would need)."""
    reasons = select(MergeRecord.id).where(
        MergeRecord.id.in_(_merges(parties)), MergeRecord.reason != ERASED_REASON
    )
    return _count(reasons) + _count(
        select(MergeMove.id).where(MergeMove.merge_id.in_(_merges(parties)))
    )


def erase_merges(parties: list[Party]) -> int:
    """Blank the merges' reasons and drop what an undo would restore; which party was merged
    into which stays, so the anonymous records still hang together."""
    session = db.session()
    merges = list(session.scalars(_merges(parties)))
    session.execute(delete(MergeMove).where(MergeMove.merge_id.in_(merges)))
    session.execute(
        update(MergeRecord)
        .where(MergeRecord.id.in_(merges))
        .values(reason=ERASED_REASON)
        .execution_options(synchronize_session=False)
    )
    return len(merges)


def count_kept_merges(parties: list[Party]) -> int:
    return _count(_merges(parties))


def _mentioning(column: Any, parties: list[Party]) -> Any:
    """Rows whose text (a JSON payload or a stored response) names one of the parties' ids."""
    text = cast(column, String)
    return or_(*(text.contains(str(p.uuid)) for p in parties))


def _handled_events(parties: list[Party]) -> Any:
    return select(OutboxEvent.id).where(
        OutboxEvent.handled_at.is_not(None), _mentioning(OutboxEvent.payload, parties)
    )


def count_events(parties: list[Party]) -> int:
    """Handled domain events about the parties (their payloads hold ids, subjects, addresses)."""
    stored = select(IdempotencyRecord.id).where(_mentioning(IdempotencyRecord.body, parties))
    return _count(_handled_events(parties)) + _count(stored)


def erase_events(parties: list[Party]) -> int:
    """Remove handled events and stored first answers (idempotent POSTs) naming the parties."""
    session = db.session()
    events = session.execute(
        delete(OutboxEvent).where(OutboxEvent.id.in_(_handled_events(parties)))
    )
    stored = session.execute(
        delete(IdempotencyRecord).where(_mentioning(IdempotencyRecord.body, parties))
    )
    return int(events.rowcount or 0) + int(stored.rowcount or 0)  # type: ignore[attr-defined]


def count_pending_events(parties: list[Party]) -> int:
    return _count(
        select(OutboxEvent.id).where(
            OutboxEvent.handled_at.is_(None), _mentioning(OutboxEvent.payload, parties)
        )
    )
