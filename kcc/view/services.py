"""The one customer view: everything about a party in a bounded number of queries."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast
from uuid import UUID

from sqlalchemy import Integer, Select, Table, bindparam, exists, or_, select
from sqlalchemy.orm import joinedload

from kcc.auth.models import User
from kcc.constants import OPEN_TASK_STATUSES, Action
from kcc.contacts.models import ContactMoment, Involvement, SubjectObject, contact_name_of
from kcc.db import Base, db
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
_tables: dict[str, tuple[Table, ...]] = {}

OPEN_TASKS_LIMIT = 50


def register_section(
    name: str, provider: SectionProvider, tables: Iterable[type[Base]] = ()
) -> None:
    """Let a package fill one section of the customer view.

    ``tables`` are the models whose rows the section shows, each by a ``party_id`` column
    pointing at the party. Most residents have no row in any of them: the view then asks one
    statement for all sections together (does any of these tables hold a row of this party?)
    and calls only the providers of sections that have rows. The answer is read in the
    view's own transaction, so it is right at once after any write. A section registered
    without tables is asked on every view.
    """
    if name not in SECTIONS:
        raise ValueError(f"unknown customer-view section {name!r}; known: {', '.join(SECTIONS)}")
    shown = tuple(cast(Table, model.__table__) for model in tables)
    for table in shown:
        if "party_id" not in table.c:
            raise ValueError(f"section {name!r}: table {table.name} has no party_id column")
    _providers[name] = provider
    _tables[name] = shown
    _rows_statement.cache_clear()


@functools.cache
def _rows_statement() -> Select[tuple[bool, ...]] | None:
    """One row: for each section with tables, whether any of them holds a row of the party."""
    columns = [
        or_(
            *(exists().where(table.c.party_id == bindparam("party_key")) for table in _tables[name])
        ).label(name)
        for name in SECTIONS
        if _tables.get(name)
    ]
    return cast("Select[tuple[bool, ...]]", select(*columns)) if columns else None


def sections_with_rows(party_key: int) -> frozenset[str]:
    """The registered sections the view must ask for this party: those registered without
    tables, and those with a row of the party in one of their tables."""
    asked = {name for name in _providers if not _tables.get(name)}
    statement = _rows_statement()
    if statement is not None:
        row = db.connection().execute(statement, {"party_key": party_key}).one()
        asked.update(name for name, found in row._mapping.items() if found)
    return frozenset(asked)


@dataclass
class CustomerView:
    party: Party
    contact_moments: list[MomentRow]
    next_cursor: str | None
    open_tasks: list[Task]
    sections: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


def customer_view(
    party_uuid: uuid.UUID, limit: int = 20, cursor: str | None = None
) -> CustomerView:
    """The party, its newest contact moments (keyset page), open tasks and every section."""
    party = get_party(party_uuid, log=False)
    moments, next_cursor = timeline(party, limit, cursor)
    tasks = list(db.session().scalars(_open_tasks(), {"party_key": party.id}))
    # A section without rows of this party costs nothing beyond one statement for them all.
    asked = sections_with_rows(party.id)
    sections = {name: (_providers[name](party) if name in asked else []) for name in SECTIONS}
    log_processing([party.uuid], Action.READ)
    return CustomerView(party, moments, next_cursor, tasks, sections)


@functools.cache
def _open_tasks() -> Select[Task]:
    # Built once (the party is a parameter): an ORM statement costs CPU to build and key.
    return (
        select(Task)
        .where(Task.party_id == bindparam("party_key"), Task.status.in_(OPEN_TASK_STATUSES))
        .options(joinedload(Task.contact_moment), joinedload(Task.assigned_user))
        .order_by(Task.due_at, Task.id)
        .limit(OPEN_TASKS_LIMIT)
    )


@dataclass(frozen=True, slots=True)
class Ref:
    """Another record, by its public id."""

    uuid: uuid.UUID


@dataclass(frozen=True, slots=True)
class InvolvementRow:
    party: Ref | None
    role: str
    contact_name: str | None = None

    @property
    def party_uuid(self) -> uuid.UUID | None:
        """As on ``Involvement``: what ``InvolvementSchema`` reads."""
        return self.party.uuid if self.party is not None else None


@dataclass(frozen=True, slots=True)
class ObjectRow:
    object_type: str
    object_id: str
    register: str


@dataclass(frozen=True, slots=True)
class MomentRow:
    """A contact moment as the timeline shows it: the fields of ``ContactMomentSchema``."""

    id: int
    uuid: uuid.UUID
    channel: str
    direction: str
    subject: str
    text: str
    outcome: str | None
    language: str
    confidential: bool
    occurred_at: datetime
    external_id: str | None
    details: dict[str, Any]
    created_at: datetime
    agent_uuid: UUID | None
    involvements: list[InvolvementRow] = field(default_factory=list)
    objects: list[ObjectRow] = field(default_factory=list)


_MOMENTS = cast(Table, ContactMoment.__table__)
_INVOLVEMENTS = cast(Table, Involvement.__table__)
_OBJECTS = cast(Table, SubjectObject.__table__)
_PARTIES = cast(Table, Party.__table__)
_USERS = cast(Table, User.__table__)
_OTHER_ROLE = _INVOLVEMENTS.alias("other_role")
_TIMELINE = (
    select(
        _MOMENTS.c.id,
        _MOMENTS.c.uuid,
        _MOMENTS.c.channel,
        _MOMENTS.c.direction,
        _MOMENTS.c.subject,
        _MOMENTS.c.text,
        _MOMENTS.c.outcome,
        _MOMENTS.c.language,
        _MOMENTS.c.confidential,
        _MOMENTS.c.occurred_at,
        _MOMENTS.c.external_id,
        _MOMENTS.c.details,
        _MOMENTS.c.created_at,
        _USERS.c.uuid.label("agent_uuid"),
        _INVOLVEMENTS.c.occurred_at.label("listed_at"),
    )
    .select_from(_INVOLVEMENTS)
    .join(_MOMENTS, _MOMENTS.c.id == _INVOLVEMENTS.c.contact_moment_id)
    .outerjoin(_USERS, _USERS.c.id == _MOMENTS.c.agent_id)
    .where(_INVOLVEMENTS.c.party_id == bindparam("party_key"))
    # A party involved twice in one moment (in two roles) is listed once: its first role.
    # The party is compared with IS NOT DISTINCT FROM, which PostgreSQL cannot turn into
    # "the party's involvements": with "=" the generic plan of the prepared statement read
    # all of them for every listed row; now each row looks at its own moment's involvements.
    .where(
        ~exists().where(
            _OTHER_ROLE.c.contact_moment_id == _INVOLVEMENTS.c.contact_moment_id,
            _OTHER_ROLE.c.party_id.is_not_distinct_from(_INVOLVEMENTS.c.party_id),
            _OTHER_ROLE.c.id < _INVOLVEMENTS.c.id,
        )
    )
    .order_by(_INVOLVEMENTS.c.occurred_at.desc(), _INVOLVEMENTS.c.contact_moment_id.desc())
    .limit(bindparam("limit", type_=Integer))
)
_TIMELINE_AFTER = _TIMELINE.where(
    (_INVOLVEMENTS.c.occurred_at < bindparam("after_at"))
    | (
        (_INVOLVEMENTS.c.occurred_at == bindparam("after_at"))
        & (_INVOLVEMENTS.c.contact_moment_id < bindparam("after_id"))
    )
)
_PAGE_INVOLVEMENTS = (
    select(
        _INVOLVEMENTS.c.contact_moment_id,
        _PARTIES.c.uuid,
        _INVOLVEMENTS.c.role,
        _INVOLVEMENTS.c.details,
    )
    .select_from(_INVOLVEMENTS)
    .outerjoin(_PARTIES, _PARTIES.c.id == _INVOLVEMENTS.c.party_id)
    .where(_INVOLVEMENTS.c.contact_moment_id.in_(bindparam("moment_ids", expanding=True)))
    .order_by(_INVOLVEMENTS.c.id)
)
_PAGE_OBJECTS = (
    select(
        _OBJECTS.c.contact_moment_id,
        _OBJECTS.c.object_type,
        _OBJECTS.c.object_id,
        _OBJECTS.c.register,
    )
    .where(_OBJECTS.c.contact_moment_id.in_(bindparam("moment_ids", expanding=True)))
    .order_by(_OBJECTS.c.id)
)


def timeline(party: Party, limit: int, cursor: str | None) -> tuple[list[MomentRow], str | None]:
    """Newest contact moments of one party across all channels, by the involvement index.

    Three statements whatever the page size or the party's history: the page of moments
    (with their agent), the parties involved in them, and the objects they were about.
    """
    after = decode_cursor(cursor, {"at": datetime, "id": int})
    params: dict[str, Any] = {"party_key": party.id}
    stmt = _TIMELINE
    if after is not None:
        stmt = _TIMELINE_AFTER
        params.update(after_at=after["at"], after_id=after["id"])
    connection = db.connection()
    params["limit"] = limit + 1
    rows = connection.execute(stmt, params).all()
    next_cursor = None
    if len(rows) > limit:
        last = rows[limit - 1]
        next_cursor = encode_cursor({"at": last.listed_at.isoformat(), "id": last.id})
    moments: dict[int, MomentRow] = {}
    for row in rows[:limit]:
        if row.id not in moments:
            moments[row.id] = MomentRow(*row[:14])
    if moments:
        ids = {"moment_ids": list(moments)}
        for moment_id, party_uuid, role, details in connection.execute(_PAGE_INVOLVEMENTS, ids):
            ref = Ref(party_uuid) if party_uuid is not None else None
            moments[moment_id].involvements.append(
                InvolvementRow(ref, role, contact_name_of(details))
            )
        for moment_id, object_type, object_id, register in connection.execute(_PAGE_OBJECTS, ids):
            moments[moment_id].objects.append(ObjectRow(object_type, object_id, register))
    return list(moments.values()), next_cursor
