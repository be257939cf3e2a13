"""Deleting a party on request: erase what may be erased, keep what the law keeps, and mark
the party removed so that it is no longer read, found or listed as a live party."""

from __future__ import annotations

import uuid
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from kcc.constants import OPEN_TASK_STATUSES, IdentifierKind, TaskKind
from kcc.db import db, utcnow
from kcc.errors import Conflict
from kcc.events.outbox import record
from kcc.parties.events import PartyRemoved
from kcc.parties.models import Party, PartyIdentifier
from kcc.parties.records import live_party
from kcc.rights.core_erasure import STATUTORY
from kcc.rights.erasure import erase_party
from kcc.rights.export import merge_group
from kcc.tasks.models import Task


def _refuse_if_kept(party: Party, group: list[Party]) -> None:
    """Raise a conflict naming the reason when the law or another party's record keeps it."""
    if party.merged_into_id is not None:
        raise Conflict(
            _l(
                "the party was merged into another party; delete that party, which holds its records"
            )
        )
    ids = [p.id for p in group]
    session = db.session()
    task = session.scalar(
        select(Task)
        .where(Task.party_id.in_(ids), Task.status.in_(OPEN_TASK_STATUSES))
        .order_by(Task.id)
        .limit(1)
    )
    if task is not None:
        why = STATUTORY.get(
            TaskKind(task.kind), "an open task is still being handled for the resident"
        )
        raise Conflict(
            _l(
                "the party cannot be deleted while task %(uuid)s (%(kind)s) is open: %(why)s; ask again once it is closed",
                uuid=task.uuid,
                kind=task.kind,
                why=why,
            )
        )
    if session.scalar(select(Party.id).where(Party.organisation_id.in_(ids)).limit(1)):
        raise Conflict(_l("contact persons work for this organisation; delete or move them first"))
    kvk = select(PartyIdentifier.id).where(
        PartyIdentifier.party_id.in_(ids), PartyIdentifier.kind == IdentifierKind.KVK
    )
    branches = session.scalar(
        select(PartyIdentifier.id)
        .where(PartyIdentifier.parent_id.in_(kvk), PartyIdentifier.party_id.not_in(ids))
        .limit(1)
    )
    if branches is not None:
        raise Conflict(
            _l("branches of this business are registered under its KvK number; delete them first")
        )


def delete_party(party_uuid: uuid.UUID, reason: str) -> dict[str, Any]:
    """Delete a live party (and the parties merged into it) as far as the law allows.

    Everything erasure erases goes; the consent records (proof of consent, art. 7(1) AVG) and
    the processing log (art. 5(2) AVG) stay, as erasure keeps them. Raises ``Conflict`` while
    the law keeps the party, e.g. an open complaint or objection under the Awb. ``reason``
    is kept with the erasure's processing-log records, as for an erasure on request.
    """
    party = live_party(party_uuid)
    _subject, group = merge_group(party_uuid)
    _refuse_if_kept(party, group)
    outcome = erase_party(party_uuid, reason)
    now = utcnow()
    for member in group:
        member.removed_at = now
    db.session().flush()
    record(PartyRemoved(party_id=str(party_uuid), erased=dict(outcome["erased"])))
    return outcome
