"""Alembic environment: one metadata for the core and the outer packages."""

from __future__ import annotations

import os

from alembic import context

import channels.conversations.models
import channels.models
import channels.voice.models  # noqa: F401  (registers the channel tables)
import journeys.catalogue.models  # registers the service catalogue
import journeys.models
import journeys.outgoing.models  # registers the outgoing delivery tables
import journeys.suggestions.models  # noqa: F401  (registers the suggestion tables)
import kcc.models  # noqa: F401  (registers the core tables)
import klantinteracties.models  # noqa: F401  (registers the Klantinteracties tables)
from kcc.db import Base, build_engine

config = context.config
target_metadata = Base.metadata


def _url() -> str:
    return (
        config.attributes.get("database_url")
        or os.environ.get("KCC_DATABASE_URL")
        or config.get_main_option("sqlalchemy.url")
        or "sqlite:///instance/kcc.sqlite3"
    )


def run_migrations_offline() -> None:
    context.configure(
        url=_url(), target_metadata=target_metadata, literal_binds=True, render_as_batch=True
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = build_engine(_url())
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


def _include(obj, name, type_, reflected, compare_to) -> bool:  # type: ignore[no-untyped-def]
    # The knowledge base's full-text index (an FTS5 table or a GIN expression index) is made
    # by its migration for one dialect and has no place in the metadata.
    return not (name or "").startswith("knowledge_fts")


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        include_object=_include,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
