"""``nummer`` of partijen, klantcontacten and interne taken: generated as Open Klant does
(a zero-padded sequence, ``0000000001``), with a configurable prefix and length, or given by
the client; unique per resource either way."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, select, update
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import IntegrityError

from kcc.db import db
from kcc.errors import Conflict
from klantinteracties.config import NUMMER_LENGTH, NUMMER_PREFIX, setting
from klantinteracties.http import Invalid
from klantinteracties.models import NumberCounter

FULL = (
    "Er kon niet automatisch een opvolgend nummer worden gegenereerd. "
    "Het maximaal aantal tekens is bereikt."
)


def _format() -> tuple[str, int]:
    return str(setting(NUMMER_PREFIX)), int(setting(NUMMER_LENGTH))


def _sequence(value: str | None, prefix: str, length: int) -> int | None:
    """The sequence number in ``value``, when it is one of the generated format."""
    if not value or len(value) != length or not value.startswith(prefix):
        return None
    digits = value[len(prefix) :]
    return int(digits) if digits.isascii() and digits.isdigit() else None


def _in_use(column: Any, prefix: str, length: int) -> Any:
    """The numbers of the resource that may be of the generated format."""
    return select(column).where(column.startswith(prefix), func.length(column) == length)


def _highest(values: Iterable[str | None], prefix: str, length: int) -> int:
    """The highest sequence number among ``values`` of the generated format, or 0."""
    return max((n for n in (_sequence(v, prefix, length) for v in values) if n), default=0)


def _counter(resource: str, column: Any, prefix: str, length: int) -> NumberCounter:
    """The resource's counter, locked for this transaction; made from the highest number in
    use the first time."""
    session = db.session()
    key = {"resource": resource, "prefix": prefix}
    counter = session.get(NumberCounter, key, with_for_update=True)
    if counter is not None:
        return counter
    highest = _highest(session.scalars(_in_use(column, prefix, length)), prefix, length)
    try:
        with session.begin_nested():
            session.add(NumberCounter(**key, last=highest))
    except IntegrityError:
        pass  # made at the same moment by another request
    counter = session.get(NumberCounter, key, with_for_update=True, populate_existing=True)
    assert counter is not None
    return counter


def _first_counter(resource: str, column: Any, prefix: str, length: int) -> None:
    """PostgreSQL: the resource's counter made in a transaction of its own, from the highest
    number in use (another request making it at the same moment is no harm)."""
    engine = db.engine
    assert engine is not None, "the database is configured when the app is built"
    with engine.begin() as connection:
        used = connection.scalars(_in_use(column, prefix, length))
        highest = _highest(used, prefix, length)
        connection.execute(
            postgresql.insert(_COUNTERS)
            .values(resource=resource, prefix=prefix, last=highest)
            .on_conflict_do_nothing()
        )


_COUNTERS = cast(Table, NumberCounter.__table__)
# A Core statement: the ORM's bulk update path costs more than the update itself.
_NEXT = (
    update(_COUNTERS)
    .where(
        _COUNTERS.c.resource == bindparam("counter_resource"),
        _COUNTERS.c.prefix == bindparam("counter_prefix"),
    )
    .values(last=_COUNTERS.c.last + 1)
    .returning(_COUNTERS.c.last)
)


def _increment(params: dict[str, str]) -> int | None:
    """One more on the counter, or None when it does not exist yet.

    On PostgreSQL the increment is committed at once, on a connection of its own in
    autocommit, as a sequence would be: inside the request's transaction it would hold the
    counter's row until that commit, and every other request creating an object of the
    resource would wait for it (they queued one behind the other). A request that rolls back
    leaves a gap, as Open Klant's numbering may. SQLite serialises all writers anyway, and a
    second connection would wait for this one's, so there it is part of the request's
    transaction.
    """
    if db.dialect != "postgresql" or db.alone():
        # SQLite, or a session whose statements commit on their own already.
        return cast("int | None", db.session().scalar(_NEXT, params))
    engine = db.autocommit_engine
    assert engine is not None, "PostgreSQL has an autocommit engine"
    with engine.connect() as connection:
        # The statement alone, without a BEGIN and a COMMIT around it.
        return cast("int | None", connection.execute(_NEXT, params).scalar())


def generate(resource: str, column: Any) -> str:
    """The next ``nummer`` of the resource, never one in use: one statement once the counter
    exists (an atomic increment, committed at once on PostgreSQL)."""
    prefix, length = _format()
    session = db.session()
    session.flush()
    params = {"counter_resource": resource, "counter_prefix": prefix}
    last = _increment(params)
    if last is None and db.dialect == "postgresql":
        _first_counter(resource, column, prefix, length)
        last = _increment(params)
    if last is None:
        counter = _counter(resource, column, prefix, length)
        counter.last += 1
        last = counter.last
    value = prefix + str(last).rjust(length - len(prefix), "0")
    if len(value) > length:
        raise Conflict(FULL)
    return value


def claim(resource: str, column: Any, value: str, current: Any = None) -> str:
    """A ``nummer`` the client gives: refused when another object of the resource has it; one
    in the generated format moves the sequence past it, so it is never generated again."""
    model = column.class_
    taken = select(model.id).where(column == value)
    if current is not None:
        taken = taken.where(model.id != current.id)
    if db.session().scalar(taken.limit(1)) is not None:
        raise Invalid.param("nummer", "Dit nummer is al in gebruik.", "unique")
    prefix, length = _format()
    sequence = _sequence(value, prefix, length)
    if sequence is not None:
        counter = _counter(resource, column, prefix, length)
        counter.last = max(counter.last, sequence)
    return value


def number_for(resource: str, column: Any, given: str | None, current: Any = None) -> str:
    """The ``nummer`` an object gets: the one given (checked), its own, or a new one."""
    if given:
        if current is not None and getattr(current, column.key) == given:
            return given
        return claim(resource, column, given, current)
    own = getattr(current, column.key, None) if current is not None else None
    return own or generate(resource, column)
