"""Database plumbing: the declarative base, column types, and the one place that commits."""

from __future__ import annotations

import functools
import itertools
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import JSON, DateTime, MetaData, Table, create_engine, event, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Connection, Dialect, Engine
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import (
    DeclarativeBase,
    Session,
    class_mapper,
    make_transient_to_detached,
    scoped_session,
    sessionmaker,
)
from sqlalchemy.orm.attributes import instance_state, set_committed_value
from sqlalchemy.pool import StaticPool
from sqlalchemy.types import TypeDecorator

_T = TypeVar("_T")

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base for every table of every package."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware timestamp, stored as UTC on every backend (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use timezone-aware values")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


JSONType = JSON().with_variant(JSONB(), "postgresql")


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_uuid() -> uuid.UUID:
    return uuid.uuid4()


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def build_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine with the settings each backend needs."""
    if url.startswith("sqlite"):
        options: dict[str, Any] = {"connect_args": {"check_same_thread": False, "timeout": 10}}
        if url in ("sqlite://", "sqlite:///:memory:"):
            options["poolclass"] = StaticPool
        engine = create_engine(url, **options, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    kwargs.setdefault("pool_size", 5)
    kwargs.setdefault("max_overflow", 10)
    engine = create_engine(url, **kwargs)
    if not kwargs.get("pool_pre_ping"):
        event.listen(engine, "checkin", _note_checkin)
        event.listen(engine, "checkout", _ping_when_idle)
    return engine


# A pooled connection that sat idle may have been cut (a database restart, a firewall): it is
# pinged before use once it has been idle this long. A connection in steady use is not, which
# saves a round trip per request that ``pool_pre_ping`` would spend.
PING_AFTER_IDLE_SECONDS = 5.0


def _note_checkin(_dbapi_connection: Any, record: Any) -> None:
    if record is not None:
        record.info["checked_in_at"] = time.monotonic()


def _ping_when_idle(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
    idle_since = record.info.get("checked_in_at")
    if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_SECONDS:
        return
    try:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("SELECT 1")
        finally:
            cursor.close()
        dbapi_connection.rollback()
    except Exception as exc:
        # The pool discards this connection and checks out (or opens) another one.
        raise DisconnectionError(f"pooled connection failed its ping: {exc}") from exc


_scope: ContextVar[int] = ContextVar("kcc_db_scope", default=0)
_scope_ids = itertools.count(1)


def _scopefunc() -> tuple[int, int]:
    return threading.get_ident(), _scope.get()


class _Sessions(sessionmaker[Session]):
    """Makes a scope's session, bound to the scope's autocommit connection when it has one."""

    def __init__(self, alone: dict[tuple[int, int], Connection]) -> None:
        super().__init__(expire_on_commit=False)
        self._alone = alone

    def __call__(self, **local_kw: Any) -> Session:
        session = super().__call__(**local_kw)
        alone = self._alone.get(_scopefunc())
        if alone is not None:
            session.bind = alone
        return session


class Database:
    """Holds the engine and a thread-scoped session; configured by the app factory, never at import.

    On PostgreSQL a second engine, over a pool of its own whose connections are in autocommit,
    serves work whose statements each commit alone (:meth:`statements_alone`), and
    :meth:`connection` hands a Core statement the connection of the current scope.
    """

    def __init__(self) -> None:
        self.engine: Engine | None = None
        self.autocommit_engine: Engine | None = None
        # The autocommit connection of each scope that asked for its statements alone.
        self._alone: dict[tuple[int, int], Connection] = {}
        self._factory = _Sessions(self._alone)
        self.session: scoped_session[Session] = scoped_session(self._factory, scopefunc=_scopefunc)

    def configure(self, url: str, **kwargs: Any) -> Engine:
        if self.engine is not None:
            self.remove()
            self.dispose()
        self.engine = build_engine(url, **kwargs)
        self.autocommit_engine = (
            build_engine(url, **kwargs, isolation_level="AUTOCOMMIT")
            if self.engine.dialect.name == "postgresql"
            else None
        )
        self._factory.configure(bind=self.engine)
        return self.engine

    def engines(self) -> list[Engine]:
        """Every engine in use (the autocommit one too, on PostgreSQL)."""
        return [e for e in (self.engine, self.autocommit_engine) if e is not None]

    def dispose(self) -> None:
        for engine in self.engines():
            engine.dispose()

    @property
    def dialect(self) -> str:
        assert self.engine is not None, "database not configured"
        return self.engine.dialect.name

    def lock(self, key: str) -> None:
        """Serialise work on ``key`` until the current transaction ends (a PostgreSQL advisory
        lock; SQLite serialises every writer already)."""
        if self.dialect == "postgresql":
            self.session().execute(
                text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": key}
            )

    def statements_alone(self) -> None:
        """For work whose every write is one statement complete by itself (a read that appends
        its processing-log record; a contact moment written at once): on PostgreSQL each
        statement commits on its own (autocommit), which spares the BEGIN and COMMIT round
        trips around them. A log record is then committed before the answer is sent, as it
        must be; READ COMMITTED gives each statement its own snapshot either way. Nothing
        changes when the session has begun already (its transaction stays) or on SQLite.

        The scope's statements then run on a connection of the autocommit engine, the ORM
        session's too (it is bound to that connection), until :meth:`remove`; Core statements
        reach it through :meth:`connection` without an ORM session at all."""
        if self.autocommit_engine is None:
            return
        key = _scopefunc()
        if key in self._alone:
            return
        session = self._existing_session()
        if session is not None and session.in_transaction():
            return
        connection = self.autocommit_engine.connect()
        self._alone[key] = connection
        if session is not None:
            session.bind = connection

    def alone(self) -> bool:
        """Whether this scope's statements commit on their own (:meth:`statements_alone`)."""
        return _scopefunc() in self._alone

    def connection(self) -> Connection:
        """The connection for a Core statement of this scope: its autocommit connection when
        its statements run alone, else the session's (flushed first, as an ORM query would
        be, so that the statement sees what the session holds)."""
        alone = self._alone.get(_scopefunc())
        if alone is not None and not self.session.registry.has():
            return alone  # no session, nothing to flush
        session = self.session()
        if session.autoflush:
            session.flush()
        return alone if alone is not None else session.connection()

    def _existing_session(self) -> Session | None:
        """The scope's session if it has made one (none is made for asking)."""
        return self.session.registry() if self.session.registry.has() else None

    def after_commit(self, callback: Callable[[], None], key: str | None = None) -> None:
        """Run ``callback`` once the current session's transaction has committed."""
        callbacks: dict[str, Callable[[], None]] = self.session().info.setdefault(
            "after_commit", {}
        )
        callbacks[key or repr(callback)] = callback

    def commit(self) -> None:
        """Commit the current session, then run its after-commit callbacks (the only commit).

        A scope that never opened a session (its statements alone, on Core connections) has
        nothing to commit."""
        session = self._existing_session()
        if session is None:
            return
        session.commit()
        callbacks = session.info.pop("after_commit", {})
        for callback in callbacks.values():
            callback()

    def rollback(self) -> None:
        session = self._existing_session()
        if session is None:
            return
        session.rollback()
        session.info.pop("after_commit", None)

    def remove(self) -> None:
        """End the scope: close its session, then give its autocommit connection back."""
        self.session.remove()
        alone = self._alone.pop(_scopefunc(), None)
        if alone is not None:
            alone.close()


db = Database()


def reads_and_logs(view: Callable[..., Any]) -> Callable[..., Any]:
    """A view that only reads and logs: its statements alone (:meth:`Database.statements_alone`)
    from the first on; put it above the authentication, whose token check reads too."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        db.statements_alone()
        return view(*args, **kwargs)

    return wrapper


@contextmanager
def unit_of_work() -> Iterator[Session]:
    """A job's or command's own transaction: commit on success, roll back on any exception.

    It gets a session of its own even when it runs inside a request (inline jobs).
    """
    token = _scope.set(next(_scope_ids))
    session = db.session()
    try:
        yield session
        db.commit()
    except BaseException:
        db.rollback()
        raise
    finally:
        db.remove()
        _scope.reset(token)


def with_defaults(table: Table, values: dict[str, Any]) -> dict[str, Any]:
    """``values`` completed with the Python-side defaults of ``table``'s other columns (the
    key is left to the database): what the ORM would have written, for a Core insert whose
    row becomes an ORM object (:func:`as_loaded`)."""
    row = dict(values)
    for column in table.columns:
        if column.key in row or column.primary_key:
            continue
        default = column.default
        if default is None:
            row[column.key] = None
        elif getattr(default, "is_scalar", False):
            row[column.key] = default.arg  # type: ignore[attr-defined]
        elif getattr(default, "is_callable", False):
            row[column.key] = default.arg(None)  # type: ignore[attr-defined]
    return row


def loaded_object(model: type[_T], values: dict[str, Any]) -> _T:
    """An object of ``model`` holding ``values`` (attribute names) as loaded values, made the
    way the ORM's loader makes one: the values go into the instance's state without attribute
    events, so nothing is recorded as changed. Pass it to :func:`as_loaded`."""
    instance = class_mapper(model).class_manager.new_instance()
    instance_state(instance).dict.update(values)
    return instance


def link_loaded(parent: Any, collection: str, children: list[Any], back: str) -> None:
    """Link objects from :func:`loaded_object` as loaded: ``parent.<collection>`` holds
    ``children`` and each child's ``<back>`` is ``parent``, without change events."""
    set_committed_value(parent, collection, children)
    for child in children:
        set_committed_value(child, back, parent)


def as_loaded(session: Session, *instances: Any) -> None:
    """Make objects whose rows were written by Core statements part of ``session`` as if they
    had been loaded: persistent, nothing pending, every attribute set here loaded (attributes
    not set load on first use). Related objects passed together stay linked; the first is
    added, and the others with it by the session's cascade."""
    for instance in instances:
        make_transient_to_detached(instance)
    session.add(instances[0])
    for instance in instances[1:]:
        if instance not in session:
            session.add(instance)
