"""The one customer view: everything about a party in a bounded number of queries."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from kcc.constants import OPEN_TASK_STATUSES, Action
from kcc.contacts.models import ContactMoment, Involvement
from kcc.db import db
from kcc.pagination import decode_cursor, encode_cursor
from kcc.parties.models import Party
from kcc.parties.services import get_party
from kcc.privacy.services import log_processing
from kcc.tasks.models import Task

# Sections other packages fill (conversations, journeys, suggestions, consents): each
# provider takes the party and returns a list of JSON-ready dicts. Registered at start-up.
SectionProvider = Callable[[Party], list[dict[str, Any]]]
SECTIONS = ("conversations", "journeys", "suggestions", "consents")
_providers: dict[str, SectionProvider] = {}

OPEN_TASKS_LIMIT = 50


def register_section(name: str, provider: SectionProvider) -> None:
    """Let a package fill one section of the customer view."""
    if name not in SECTIONS:
        raise ValueError(f"unknown customer-view section {name!r}; known: {', '.join(SECTIONS)}")
    _providers[name] = provider


@dataclass
class CustomerView:
    party: Party
    contact_moments: list[ContactMoment]
    next_cursor: str | None
    open_tasks: list[Task]
    sections: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


def customer_view(
    party_uuid: uuid.UUID, limit: int = 20, cursor: str | None = None
) -> CustomerView:
    """The party, its newest contact moments (keyset page), open tasks and every section."""
    party = get_party(party_uuid, log=False)
    moments, next_cursor = timeline(party, limit, cursor)
    tasks = list(
        db.session().scalars(
            select(Task)
            .where(Task.party_id == party.id, Task.status.in_(OPEN_TASK_STATUSES))
            .options(joinedload(Task.contact_moment), joinedload(Task.assigned_user))
            .order_by(Task.due_at, Task.id)
            .limit(OPEN_TASKS_LIMIT)
        )
    )
    sections = {name: (_providers[name](party) if name in _providers else []) for name in SECTIONS}
    log_processing([party.uuid], Action.READ)
    return CustomerView(party, moments, next_cursor, tasks, sections)


def timeline(
    party: Party, limit: int, cursor: str | None
) -> tuple[list[ContactMoment], str | None]:
    """Newest contact moments of one party across all channels, by the involvement index."""
    stmt = (
        select(ContactMoment, Involvement.occurred_at, Involvement.contact_moment_id)
        .join(Involvement, Involvement.contact_moment_id == ContactMoment.id)
        .where(Involvement.party_id == party.id)
        .options(selectinload(ContactMoment.involvements), selectinload(ContactMoment.objects))
        .order_by(Involvement.occurred_at.desc(), Involvement.contact_moment_id.desc())
        .limit(limit + 1)
    )
    after = decode_cursor(cursor, {"at": datetime, "id": int})
    if after is not None:
        at = after["at"]
        stmt = stmt.where(
            (Involvement.occurred_at < at)
            | ((Involvement.occurred_at == at) & (Involvement.contact_moment_id < after["id"]))
        )
    rows = db.session().execute(stmt).unique().all()
    next_cursor = None
    if len(rows) > limit:
        _, at, moment_id = rows[limit - 1]
        next_cursor = encode_cursor({"at": at.isoformat(), "id": moment_id})
    seen: set[int] = set()
    moments = []
    for moment, _, _ in rows[:limit]:
        if moment.id not in seen:
            seen.add(moment.id)
            moments.append(moment)
    return moments, next_cursor
