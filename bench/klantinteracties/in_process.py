"""The app in this process for the in-process benchmarks: test settings on a given database,
migrated, with the users the benchmark calls as."""

from __future__ import annotations

from typing import Any

from kcc.app import create_app
from kcc.config import Settings


def bench_app(database_url: str) -> Any:
    return create_app(
        Settings(
            env="test",
            database_url=database_url,
            secret_key="s" * 40,
            data_key="d" * 40,
            public_base_url="http://kcc.test",
        )
    )


def migrated_with_users(app: Any, *users: tuple[str, str]) -> list[tuple[Any, str]]:
    """Migrate the app's database to the head and make each ``(name, role)`` user: the users
    and their API tokens, in the order given."""
    with app.app_context():
        from alembic import command

        from kcc.auth.services import create_user
        from kcc.cli import alembic_config
        from kcc.db import db

        command.upgrade(alembic_config(), "head")
        made = [create_user(name, role) for name, role in users]
        db.session().commit()
        return [(user.uuid, token) for user, token in made]
