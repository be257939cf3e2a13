"""Which customer-view sections are empty for a party, kept in the same transaction as changes.

Most residents have no conversation, journey, suggestion or consent, yet asking each section
costs a statement per view. The view remembers per party which sections it found empty
(``party_view_summaries``) and skips them until something may have filled one.

What may fill a section is any insert or update that gives a party a row in a table with a
``party_id`` column, other than the tables the view reads itself (its timeline, tasks,
identifiers and addresses). A listener on every engine sees each such statement as it runs,
whether the ORM or a Core statement wrote it, and resets the party's summary on the same
connection, so in the same transaction: the view is right at once after any write. When a
statement does not say which party (an insert from a select, a ``party_id`` set by an
expression), every summary is forgotten. Deletes only ever empty a section, so they change
nothing here. Statements of hand-written SQL text are not seen: code that fills a section
that way must write through SQLAlchemy constructs.

The view saves what it found only if the party's count of changes is still the one it read
(compare and set), so a write that raced the view always wins.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Insert, Table, Update, bindparam, delete, event, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.sql.elements import BindParameter

from kcc.db import Base, db
from kcc.view.models import ViewSummary

_SUMMARIES = cast(Table, ViewSummary.__table__)
# Tables the view reads itself, whatever the summary says.
READ_BY_THE_VIEW = frozenset(
    {"involvements", "tasks", "party_identifiers", "digital_addresses", _SUMMARIES.name}
)
_READ = select(_SUMMARIES.c.changes, _SUMMARIES.c.empty_sections).where(
    _SUMMARIES.c.party_id == bindparam("party_id")
)
_SAVE = (
    update(_SUMMARIES)
    .where(_SUMMARIES.c.party_id == bindparam("party_key"))
    .where(_SUMMARIES.c.changes == bindparam("seen"))
    .values(empty_sections=bindparam("empty"))
)
_FORGET_ALL = delete(_SUMMARIES)


def _dialect_statements(dialect: Any) -> tuple[Insert, Insert]:
    """(save a first summary unless one exists, note a change) for one dialect."""
    first = dialect.insert(_SUMMARIES).values(
        party_id=bindparam("party_id"), changes=0, empty_sections=bindparam("empty")
    )
    changed = dialect.insert(_SUMMARIES).values(
        party_id=bindparam("party_id"), changes=1, empty_sections=""
    )
    return (
        first.on_conflict_do_nothing(index_elements=["party_id"]),
        changed.on_conflict_do_update(
            index_elements=["party_id"],
            set_={"changes": _SUMMARIES.c.changes + 1, "empty_sections": ""},
        ),
    )


_BY_DIALECT = {"postgresql": _dialect_statements(postgresql), "sqlite": _dialect_statements(sqlite)}


@dataclass(frozen=True)
class Summary:
    """The sections known empty for one party, as of ``changes`` (None: never saved)."""

    party_id: int
    changes: int | None
    empty: frozenset[str]


def known_empty(party_id: int) -> Summary:
    """The sections the view found empty for this party and that nothing may have filled since."""
    row = db.session().connection().execute(_READ, {"party_id": party_id}).first()
    if row is None:
        return Summary(party_id, None, frozenset())
    return Summary(party_id, row[0], frozenset(filter(None, row[1].split(","))))


def remember_empty(summary: Summary, empty: Iterable[str]) -> None:
    """Save the sections found empty, unless a change came in since ``summary`` was read."""
    found = frozenset(empty)
    if found == summary.empty:
        return
    connection = db.session().connection()
    params = {"party_id": summary.party_id, "empty": ",".join(sorted(found))}
    if summary.changes is None:
        connection.execute(_BY_DIALECT[connection.dialect.name][0], params)
    else:
        connection.execute(
            _SAVE,
            {"party_key": summary.party_id, "empty": params["empty"], "seen": summary.changes},
        )


_watched: dict[str, frozenset[str]] = {}


def _watched_tables() -> frozenset[str]:
    """Tables with a ``party_id`` column the view does not read itself (grows with plugins)."""
    key = str(len(Base.metadata.tables))
    if key not in _watched:
        _watched.clear()
        _watched[key] = frozenset(
            name
            for name, table in Base.metadata.tables.items()
            if "party_id" in table.c and name not in READ_BY_THE_VIEW
        )
    return _watched[key]


def _party_ids(statement: Insert | Update, rows: list[dict[str, Any]]) -> set[int] | None:
    """The parties a statement gives rows to; ``None`` when it cannot be told."""
    found: set[int] = set()
    for row in rows:
        if "party_id" in row:
            found.add(row["party_id"])
    embedded = {
        getattr(column, "key", column): value
        for column, value in (getattr(statement, "_values", None) or {}).items()
    }
    if "party_id" in embedded:
        value = embedded["party_id"]
        if not isinstance(value, BindParameter):
            return None  # set by an expression
        if value.value is not None:
            found.add(value.value)
    if isinstance(statement, Insert) and (
        statement.select is not None or bool(getattr(statement, "_multi_values", None))
    ):
        return None
    found.discard(None)
    return found


@event.listens_for(Engine, "after_execute")
def _note_changes(
    connection: Connection,
    statement: Any,
    multiparams: list[dict[str, Any]],
    params: dict[str, Any],
    _options: Any,
    _result: Any,
) -> None:
    if not isinstance(statement, (Insert, Update)):
        return
    table = statement.table
    if getattr(table, "name", None) not in _watched_tables():
        return
    parties = _party_ids(statement, multiparams or [params])
    if parties is None:
        connection.execute(_FORGET_ALL)
    elif parties:
        changed = _BY_DIALECT[connection.dialect.name][1]
        for party_id in sorted(parties):
            connection.execute(changed, {"party_id": party_id})
