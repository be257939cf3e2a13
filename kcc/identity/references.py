"""Every column in the schema that references a party, and moving its rows between parties.

The columns are found in ``Base.metadata``, so tables that other packages add (conversations,
journey instances, consents, ...) are moved by a merge without this module knowing them.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    Index,
    Table,
    UniqueConstraint,
    and_,
    exists,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.types import Uuid

from kcc.db import Base, db
from kcc.identity.constants import MoveOutcome

# Columns that describe a merge itself; moving them would rewrite the merge history.
NOT_MOVED = frozenset(
    {
        ("parties", "merged_into_id"),
        ("merge_records", "survivor_id"),
        ("merge_records", "duplicate_id"),
    }
)
# Flags of which a party may hold at most one per group (e.g. one default address per kind).
# A moved row gives up its flag when the survivor already holds it in that group.
EXCLUSIVE_FLAGS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "digital_addresses": (("is_default", ("kind",)), ("is_preferred", ())),
    "bank_accounts": (("is_preferred", ()),),
}
CHUNK = 500

RowKey = dict[str, Any]


@dataclass(frozen=True)
class PartyReference:
    """One foreign-key column that points at a party."""

    table: Table
    column: Column[Any]
    referred: Column[Any]

    @property
    def name(self) -> str:
        return f"{self.table.name}.{self.column.name}"


def party_references() -> list[PartyReference]:
    """All columns in the metadata with a foreign key to the parties table, by table and column."""
    parties = Base.metadata.tables["parties"]
    found = [
        PartyReference(table, fk.parent, fk.column)
        for table in Base.metadata.tables.values()
        for fk in table.foreign_keys
        if fk.column.table is parties and (table.name, fk.parent.name) not in NOT_MOVED
    ]
    return sorted(found, key=lambda r: (r.table.name, r.column.name))


def reference_by_name(table: str, column: str) -> PartyReference | None:
    return next(
        (r for r in party_references() if r.table.name == table and r.column.name == column), None
    )


def to_json(value: Any) -> Any:
    return str(value) if isinstance(value, uuid.UUID) else value


def from_json(column: Column[Any], value: Any) -> Any:
    if value is not None and isinstance(column.type, Uuid) and not isinstance(value, uuid.UUID):
        return uuid.UUID(str(value))
    return value


def _pk(table: Table) -> list[Column[Any]]:
    return list(table.primary_key.columns)


def _key_of(table: Table, row: Sequence[Any]) -> RowKey:
    return {c.name: to_json(v) for c, v in zip(_pk(table), row, strict=True)}


def keys_clause(table: Table, keys: Sequence[RowKey]) -> ColumnElement[bool]:
    pk = _pk(table)
    if len(pk) == 1:
        return pk[0].in_([from_json(pk[0], k[pk[0].name]) for k in keys])
    return or_(*(and_(*(c == from_json(c, k[c.name]) for c in pk)) for k in keys))


def _frozen(key: RowKey) -> tuple[tuple[str, Any], ...]:
    return tuple(sorted(key.items()))


def _is_partial(index: Index) -> bool:
    return any(
        name.endswith("_where") and value is not None
        for name, value in index.dialect_kwargs.items()
    )


def _unique_sets(table: Table, column: Column[Any]) -> list[list[Column[Any]]]:
    sets = [list(c.columns) for c in table.constraints if isinstance(c, UniqueConstraint)]
    sets += [list(ix.columns) for ix in table.indexes if ix.unique and not _is_partial(ix)]
    return [s for s in sets if any(c is column for c in s)]


def _clashing(ref: PartyReference, old: Any, new: Any) -> set[tuple[tuple[str, Any], ...]]:
    """Keys of rows of ``old`` that would break a unique constraint if they pointed at ``new``."""
    found: set[tuple[tuple[str, Any], ...]] = set()
    for columns in _unique_sets(ref.table, ref.column):
        mine, other = ref.table.alias("mine"), ref.table.alias("other")
        same = [other.c[c.name] == mine.c[c.name] for c in columns if c is not ref.column]
        stmt = select(*(mine.c[c.name] for c in _pk(ref.table))).where(
            mine.c[ref.column.name] == old,
            exists().where(other.c[ref.column.name] == new, *same),
        )
        found.update(_frozen(_key_of(ref.table, row)) for row in db.session().execute(stmt))
    return found


def _flags(ref: PartyReference) -> tuple[tuple[str, tuple[str, ...]], ...]:
    declared = EXCLUSIVE_FLAGS.get(ref.table.name, ())
    return tuple((flag, group) for flag, group in declared if flag in ref.table.c)


def _taken_flags(
    ref: PartyReference, flag: str, group: tuple[str, ...], old: Any, new: Any
) -> list[RowKey]:
    """Rows of ``old`` holding ``flag`` where ``new`` holds it already in the same group."""
    mine, other = ref.table.alias("mine"), ref.table.alias("other")
    stmt = select(*(mine.c[c.name] for c in _pk(ref.table))).where(
        mine.c[ref.column.name] == old,
        mine.c[flag].is_(True),
        exists().where(
            other.c[ref.column.name] == new,
            other.c[flag].is_(True),
            *(other.c[g] == mine.c[g] for g in group),
        ),
    )
    return [_key_of(ref.table, row) for row in db.session().execute(stmt)]


def _unchanged_timestamps(table: Table) -> dict[str, Any]:
    """Keep columns with an ``onupdate`` (updated_at) as they are, so an undo restores exactly."""
    return {c.name: c for c in table.columns if c.onupdate is not None}


def update_rows(
    ref: PartyReference, keys: Sequence[RowKey], values: dict[str, Any]
) -> list[RowKey]:
    """Set ``values`` on the rows with ``keys``; returns the keys a constraint refused."""
    session = db.session()
    values = {**_unchanged_timestamps(ref.table), **values}
    refused: list[RowKey] = []
    for start in range(0, len(keys), CHUNK):
        chunk = keys[start : start + CHUNK]
        try:
            with session.begin_nested():
                session.execute(
                    update(ref.table).where(keys_clause(ref.table, chunk)).values(values)
                )
        except IntegrityError:
            for key in chunk:
                try:
                    with session.begin_nested():
                        session.execute(
                            update(ref.table).where(keys_clause(ref.table, [key])).values(values)
                        )
                except IntegrityError:
                    refused.append(key)
    return refused


def move_references(ref: PartyReference, old: Any, new: Any) -> list[dict[str, Any]]:
    """Point every row of ``ref`` from ``old`` to ``new``; returns one move record per row.

    Rows that would clash with a row of ``new`` stay with ``old`` and are recorded as skipped.
    """
    session = db.session()
    stmt = select(*_pk(ref.table), *(ref.table.c[f] for f, _ in _flags(ref))).where(
        ref.column == old
    )
    npk = len(_pk(ref.table))
    rows = [
        (
            _key_of(ref.table, row[:npk]),
            dict(zip([f for f, _ in _flags(ref)], row[npk:], strict=True)),
        )
        for row in session.execute(stmt)
    ]
    if not rows:
        return []
    clashing = _clashing(ref, old, new)
    movable = [(key, flags) for key, flags in rows if _frozen(key) not in clashing]
    movable_keys = {_frozen(k) for k, _ in movable}
    moves = [
        _move(ref, key, old, old, MoveOutcome.SKIPPED)
        for key, _ in rows
        if _frozen(key) in clashing
    ]
    given_up: dict[str, list[RowKey]] = {}
    for flag, group in _flags(ref):
        given_up[flag] = [
            k for k in _taken_flags(ref, flag, group, old, new) if _frozen(k) in movable_keys
        ]
        update_rows(ref, given_up[flag], {flag: False})
    refused = {
        _frozen(k) for k in update_rows(ref, [k for k, _ in movable], {ref.column.name: new})
    }
    for flag, keys in given_up.items():
        update_rows(ref, [k for k in keys if _frozen(k) in refused], {flag: True})
        moves += [
            {**_move(ref, k, True, False, MoveOutcome.CHANGED), "column_name": flag}
            for k in keys
            if _frozen(k) not in refused
        ]
    for key, flags in movable:
        outcome = MoveOutcome.SKIPPED if _frozen(key) in refused else MoveOutcome.MOVED
        moves.append(
            {
                **_move(ref, key, old, new if outcome == MoveOutcome.MOVED else old, outcome),
                "flags": flags or None,
            }
        )
    return moves


def _move(
    ref: PartyReference, key: RowKey, old: Any, new: Any, outcome: MoveOutcome
) -> dict[str, Any]:
    return {
        "table_name": ref.table.name,
        "column_name": ref.column.name,
        "row_key": key,
        "old_value": to_json(old),
        "new_value": to_json(new),
        "outcome": str(outcome),
        "flags": None,
    }


def still_pointing(
    ref: PartyReference, keys: Sequence[RowKey], value: Any
) -> set[tuple[tuple[str, Any], ...]]:
    """Which of ``keys`` still exist and still point at ``value``."""
    found: set[tuple[tuple[str, Any], ...]] = set()
    for start in range(0, len(keys), CHUNK):
        stmt = select(*_pk(ref.table)).where(
            keys_clause(ref.table, keys[start : start + CHUNK]), ref.column == value
        )
        found.update(_frozen(_key_of(ref.table, row)) for row in db.session().execute(stmt))
    return found


def frozen(key: RowKey) -> tuple[tuple[str, Any], ...]:
    return _frozen(key)


def group_by_flags(
    items: Iterable[tuple[RowKey, dict[str, Any] | None]],
) -> dict[str, tuple[dict[str, Any], list[RowKey]]]:
    """Rows grouped by their recorded flag values, so each group is restored in one update."""
    groups: dict[str, tuple[dict[str, Any], list[RowKey]]] = {}
    for key, flags in items:
        label = repr(sorted((flags or {}).items()))
        groups.setdefault(label, (dict(flags or {}), []))[1].append(key)
    return groups
