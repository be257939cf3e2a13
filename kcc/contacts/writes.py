"""A new contact moment written with Core statements, handed back as plain rows or as an object
of the session.

Recording a contact moment is the busiest write of the product. The ORM's unit of work costs
several times the statements themselves, so the moment, its involvements and its objects are
inserted by Core statements (one each, with ``RETURNING`` of the keys).
:func:`write_contact_moment` returns the rows written, for a caller that only reports them (the
API); :func:`loaded_contact_moment` joins them to the session as if they had been loaded:
callers get an ordinary ``ContactMoment`` that they may change or add rows to in the same
transaction, and the ORM sees nothing left to write.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Insert, Select, Table, bindparam, func, insert, null, select, union_all
from sqlalchemy.dialects import postgresql, sqlite

from kcc.contacts.models import ContactMoment, Involvement, SubjectObject
from kcc.db import Base, as_loaded, db, link_loaded, loaded_object, with_defaults

_MOMENTS = cast(Table, ContactMoment.__table__)
_INVOLVEMENTS = cast(Table, Involvement.__table__)
_OBJECTS = cast(Table, SubjectObject.__table__)
_INSERT_MOMENT = insert(_MOMENTS).returning(_MOMENTS.c.id)
# A repeat of a channel's message: the moment stored first stays, nothing is written.
_INSERT_NEW_MOMENT = {
    "postgresql": postgresql.insert(_MOMENTS)
    .on_conflict_do_nothing(index_elements=["channel", "external_id"])
    .returning(_MOMENTS.c.id),
    "sqlite": sqlite.insert(_MOMENTS)
    .on_conflict_do_nothing(index_elements=["channel", "external_id"])
    .returning(_MOMENTS.c.id),
}
_INSERT_CHILD = {
    table.name: insert(table).returning(table.c.id, sort_by_parameter_order=True)
    for table in (_INVOLVEMENTS, _OBJECTS)
}


@dataclass(frozen=True)
class WrittenMoment:
    """The rows of a contact moment just written: every column, keys included."""

    moment: dict[str, Any]
    involvements: list[dict[str, Any]]
    objects: list[dict[str, Any]]


def write_contact_moment(
    values: dict[str, Any],
    involvements: list[dict[str, Any]],
    objects: list[dict[str, Any]],
    also: Sequence[tuple[Table, list[dict[str, Any]]]] = (),
) -> WrittenMoment | None:
    """Insert a contact moment with its involvements and objects; ``None`` when a moment with
    the same channel and ``external_id`` exists already (it is left unchanged).

    ``values`` are the moment's columns, ``involvements`` and ``objects`` the columns of each
    child without ``contact_moment_id``; columns left out get their defaults. ``also`` are rows
    of other tables that go in only with a new moment, in the same transaction (its outbox
    event, its processing-log records). On PostgreSQL all of it is one statement, one round
    trip (data-modifying ``WITH``); elsewhere a statement each.
    """
    session = db.session()
    row = with_defaults(_MOMENTS, values)
    if db.dialect == "postgresql":
        return _write_at_once(row, involvements, objects, also)
    statement: Insert = _INSERT_MOMENT
    if row["external_id"] is not None:
        statement = _INSERT_NEW_MOMENT[db.dialect]
    moment_id = session.execute(statement, row).scalar()
    if moment_id is None:
        return None
    row["id"] = moment_id
    written = WrittenMoment(
        row,
        _insert_children(_INVOLVEMENTS, moment_id, involvements),
        _insert_children(_OBJECTS, moment_id, objects),
    )
    for table, rows in also:
        if rows:
            session.execute(_insert_plain(table), rows)
    return written


@functools.cache
def _insert_plain(table: Table) -> Insert:
    return insert(table).inline()


def _write_at_once(
    row: dict[str, Any],
    involvements: list[dict[str, Any]],
    objects: list[dict[str, Any]],
    also: Sequence[tuple[Table, list[dict[str, Any]]]],
) -> WrittenMoment | None:
    """:func:`write_contact_moment` on PostgreSQL: one statement, built once per shape."""
    children = [
        [with_defaults(_INVOLVEMENTS, {**g, "contact_moment_id": None}) for g in involvements],
        [with_defaults(_OBJECTS, {**g, "contact_moment_id": None}) for g in objects],
    ]
    others = [(table, rows) for table, rows in also if rows]
    shape = (
        row["external_id"] is not None,
        len(involvements),
        len(objects),
        tuple((table.name, tuple(rows[0]), len(rows)) for table, rows in others),
    )
    params = {f"m_{key}": value for key, value in row.items()}
    for prefix, rows in zip(("i", "o"), children, strict=True):
        for n, child in enumerate(rows):
            params.update(
                (f"{prefix}{n}_{key}", value)
                for key, value in child.items()
                if key != "contact_moment_id"
            )
    for table, rows in others:
        for n, other in enumerate(rows):
            params.update((f"{table.name}{n}_{key}", value) for key, value in other.items())
    found = db.session().execute(_at_once(*shape), params).one_or_none()
    if found is None:
        return None
    moment_id, keys = found[0], found[1:]
    row["id"] = moment_id
    for rows, ids in zip(children, keys, strict=True):
        for child, key in zip(rows, sorted(ids or ()), strict=True):
            child["contact_moment_id"] = moment_id
            child["id"] = key
    return WrittenMoment(row, children[0], children[1])


@functools.cache
def _at_once(
    repeatable: bool,
    involvements: int,
    objects: int,
    others: tuple[tuple[str, tuple[str, ...], int], ...],
) -> Select[Any]:
    """The moment, its children and the other rows in one statement: each a data-modifying
    ``WITH`` that writes only when the moment went in (a repeat writes nothing). It answers
    the moment's key and the keys of each kind of child (in the order they were inserted)."""
    moment_columns = [c for c in _MOMENTS.c if not c.primary_key]
    new_moment = postgresql.insert(_MOMENTS).values(
        {c.key: bindparam(f"m_{c.key}", type_=c.type) for c in moment_columns}
    )
    if repeatable:
        new_moment = new_moment.on_conflict_do_nothing(index_elements=["channel", "external_id"])
    moment = new_moment.returning(_MOMENTS.c.id).cte("new_moment")
    keys: list[Any] = []
    for table, count, prefix in ((_INVOLVEMENTS, involvements, "i"), (_OBJECTS, objects, "o")):
        if not count:
            keys.append(null())
            continue
        columns = [c.key for c in table.c if not c.primary_key]
        child = (
            insert(table)
            .from_select(columns, _given_rows(table, columns, prefix, count, moment))
            .returning(table.c.id)
            .cte(f"new_{table.name}")
        )
        keys.append(select(func.array_agg(child.c.id)).scalar_subquery())
    written = select(moment.c.id).exists()
    ctes = []
    for name, keys_given, count in others:
        other = Base.metadata.tables[name]
        source = _given_rows(other, keys_given, name, count, moment, written)
        ctes.append(insert(other).from_select(list(keys_given), source).cte(f"new_{name}"))
    return select(moment.c.id, *keys).add_cte(*ctes)


def _given_rows(
    table: Table,
    keys: Sequence[str],
    prefix: str,
    count: int,
    moment: Any,
    condition: Any = None,
) -> Any:
    """``count`` rows of ``table``'s columns ``keys``, each value the bound parameter
    ``<prefix><n>_<key>`` (``contact_moment_id`` the new moment's key), as one SELECT: a
    UNION ALL of one per row, each only where ``condition`` holds."""
    rows = []
    for n in range(count):
        row = select(
            *(
                moment.c.id
                if key == "contact_moment_id"
                else bindparam(f"{prefix}{n}_{key}", type_=table.c[key].type)
                for key in keys
            )
        )
        rows.append(row if condition is None else row.where(condition))
    return union_all(*rows) if count > 1 else rows[0]


def loaded_contact_moment(written: WrittenMoment) -> ContactMoment:
    """The rows just written as objects of the session, as if they had been loaded."""
    moment = loaded_object(ContactMoment, written.moment)
    link_loaded(
        moment,
        "involvements",
        [loaded_object(Involvement, row) for row in written.involvements],
        "contact_moment",
    )
    link_loaded(
        moment,
        "objects",
        [loaded_object(SubjectObject, row) for row in written.objects],
        "contact_moment",
    )
    as_loaded(db.session(), moment, *moment.involvements, *moment.objects)
    return moment


def _insert_children(
    table: Table, moment_id: int, given: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    if not given:
        return []
    rows = [with_defaults(table, {**g, "contact_moment_id": moment_id}) for g in given]
    keys = db.session().execute(_INSERT_CHILD[table.name], rows if len(rows) > 1 else rows[0])
    for key, row in zip(keys.scalars(), rows, strict=True):
        row["id"] = key
    return rows
