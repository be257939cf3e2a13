"""Counting the SQL statements a request costs, for the tests that bound them."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from kcc.auth.token_cache import clear_all
from kcc.db import db


@contextmanager
def counted_statements() -> Iterator[list[str]]:
    """The statements executed on this thread while the block runs (the test client serves
    requests on the caller's thread); other threads of the process, such as the browser
    suite's live server, share the engine and are left out.

    Token checks remembered from earlier requests are forgotten first, so that every counted
    request checks its token, whatever the time between them."""
    clear_all()
    seen: list[str] = []
    mine = threading.get_ident()

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if threading.get_ident() == mine:
            seen.append(statement)

    with _listening(count):
        yield seen


@contextmanager
def autocommit_of_statements() -> Iterator[list[tuple[bool, str]]]:
    """Each statement executed while the block runs, as (whether its connection was in
    autocommit, its first word): which ran without a transaction block."""
    seen: list[tuple[bool, str]] = []

    def note(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        alone = bool(getattr(conn.connection.dbapi_connection, "autocommit", False))
        seen.append((alone, statement.split()[0]))

    with _listening(note):
        yield seen


@contextmanager
def _listening(listener: Callable[..., None]) -> Iterator[None]:
    """``listener`` called before each statement on any of the app's engines (PostgreSQL
    has an autocommit one beside the main one)."""
    engines = db.engines()
    assert engines, "the app has not opened its database yet"
    for engine in engines:
        event.listen(engine, "before_cursor_execute", listener)
    try:
        yield
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", listener)
