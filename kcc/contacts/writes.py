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

from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Insert, Table, insert
from sqlalchemy.dialects import postgresql, sqlite

from kcc.contacts.models import ContactMoment, Involvement, SubjectObject
from kcc.db import as_loaded, db, link_loaded, loaded_object, with_defaults

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
    values: dict[str, Any], involvements: list[dict[str, Any]], objects: list[dict[str, Any]]
) -> WrittenMoment | None:
    """Insert a contact moment with its involvements and objects; ``None`` when a moment with
    the same channel and ``external_id`` exists already (it is left unchanged).

    ``values`` are the moment's columns, ``involvements`` and ``objects`` the columns of each
    child without ``contact_moment_id``; columns left out get their defaults.
    """
    session = db.session()
    row = with_defaults(_MOMENTS, values)
    statement: Insert = _INSERT_MOMENT
    if row["external_id"] is not None:
        statement = _INSERT_NEW_MOMENT[db.dialect]
    moment_id = session.execute(statement, row).scalar()
    if moment_id is None:
        return None
    row["id"] = moment_id
    return WrittenMoment(
        row,
        _insert_children(_INVOLVEMENTS, moment_id, involvements),
        _insert_children(_OBJECTS, moment_id, objects),
    )


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
