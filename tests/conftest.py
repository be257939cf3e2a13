"""Shared fixtures: one app per test process, a clean database per test, tokens per role.

Without environment variables the suite runs on a SQLite file with inline jobs. With
``KCC_TEST_DATABASE_URL`` (PostgreSQL) each test process migrates its own fresh database;
with ``KCC_TEST_REDIS_URL`` jobs go to real Redis and ``run_jobs`` drains them with a real
rq worker.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import Engine, make_url

from kcc.app import create_app
from kcc.config import Settings
from kcc.db import Base, db

TEST_DATA_KEY = "test-data-key-0123456789abcdef0123456789"
TEST_SECRET = "test-secret-key-0123456789abcdef012345678"


def _worker_id() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "gw0")


def _fresh_postgres(base_url: str) -> str:
    url = make_url(base_url.replace("postgresql://", "postgresql+psycopg://", 1))
    name = f"kcc_test_{os.getpid()}_{_worker_id()}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def _redis_url(base_url: str) -> str:
    """A Redis database of its own for each test process."""
    # KCC_TEST_REDIS_DB_OFFSET keeps parallel test runs on one machine apart (databases 1-14).
    offset = int(os.environ.get("KCC_TEST_REDIS_DB_OFFSET", "0"))
    index = offset + int("".join(ch for ch in _worker_id() if ch.isdigit()) or 0) + 1
    return (
        base_url.rsplit("/", 1)[0] + f"/{index}"
        if base_url.count("/") > 2
        else f"{base_url}/{index}"
    )


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    base = os.environ.get("KCC_TEST_DATABASE_URL")
    if base:
        url = _fresh_postgres(base)
        yield url
        db.remove()
        db.dispose()
        admin = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
        admin.dispose()
    else:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'kcc-test.sqlite3'}"


@pytest.fixture(scope="session")
def settings(database_url: str) -> Settings:
    redis = os.environ.get("KCC_TEST_REDIS_URL")
    return Settings(
        env="test",
        database_url=database_url,
        redis_url=_redis_url(redis) if redis else None,
        secret_key=TEST_SECRET,
        data_key=TEST_DATA_KEY,
        public_base_url="http://kcc.test",
        twilio_account_sid="AC" + "0" * 32,
        twilio_auth_token="test-twilio-auth-token",
        twilio_from_number="+3197010000001",
    )


@pytest.fixture(scope="session")
def app(settings: Settings) -> Iterator[Flask]:
    application = create_app(settings)
    application.config["TESTING"] = True
    with application.app_context():
        from alembic import command

        from kcc.cli import alembic_config

        command.upgrade(alembic_config(), "head")
    yield application


_TABLES: dict[str, list[str]] = {}
OUTSIDE_METADATA = ("knowledge_fts_search",)


def _tables(engine: Engine) -> list[str]:
    """The migrated tables in delete order (models without a migration yet are left out)."""
    key = str(engine.url)
    if key not in _TABLES:
        existing = set(inspect(engine).get_table_names())
        # Tables a migration keeps outside the metadata, written by triggers the replica role
        # of the cleanup switches off: emptied first, with the rows they index.
        outside = [t for t in OUTSIDE_METADATA if t in existing]
        ours = [t.name for t in reversed(Base.metadata.sorted_tables) if t.name in existing]
        _TABLES[key] = outside + ours
    return _TABLES[key]


def _clean_database() -> None:
    engine = db.engine
    assert engine is not None
    tables = _tables(engine)
    if engine.dialect.name == "postgresql":
        # Deleting the rows of the tables a test wrote to is much faster than TRUNCATE ... CASCADE
        # over every table; the replica role skips foreign-key checks and the append-only trigger.
        # Table names come from our own metadata, never from input.
        probes = [f"SELECT '{t}' WHERE EXISTS (SELECT 1 FROM \"{t}\")" for t in tables]  # noqa: S608
        probe = " UNION ALL ".join(probes)
        with engine.begin() as conn:
            dirty = {row[0] for row in conn.execute(text(probe))}
            if dirty:
                conn.execute(text("SET LOCAL session_replication_role = replica"))
                for table in (t for t in tables if t in dirty):
                    conn.execute(text(f'DELETE FROM "{table}"'))  # noqa: S608  (table names from our own metadata)
        return
    # RESTRICT references between rows of one table (contact person -> organisation) fire
    # at once in SQLite, so the cleanup switches foreign keys off for its own deletes.
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        conn.commit()
        try:
            for table in tables:
                conn.execute(text(f'DELETE FROM "{table}"'))  # noqa: S608  (table names from our own metadata)
            conn.commit()
        finally:
            conn.exec_driver_sql("PRAGMA foreign_keys=ON")
            conn.commit()


# The teams that users, tasks and conversations in the tests are routed to.
TEST_TEAMS = (
    ("KCC", "Klantcontactcentrum", "kcc@gemeente.test"),
    ("Burgerzaken", "Burgerzaken", "burgerzaken@gemeente.test"),
    ("Belastingen", "Belastingen", ""),
    ("Klachten", "Klachtencoördinatie", ""),
)


def _seed_directory(app: Flask) -> None:
    """Every test starts with the directory's test teams (and nothing else)."""
    from kcc.directory.services import create_team

    with app.app_context():
        for key, name, email in TEST_TEAMS:
            create_team(key, name, email=email)
        db.commit()
        db.remove()


def _standard_topics() -> None:
    from kcc.topics.standard import insert_standard_topics

    assert db.engine is not None
    with db.engine.begin() as conn:
        insert_standard_topics(conn)


def _service_catalogue() -> None:
    from journeys.catalogue.seed import insert_seed_services

    assert db.engine is not None
    with db.engine.begin() as conn:
        insert_seed_services(conn)


@pytest.fixture(autouse=True)
def clean(app: Flask) -> Iterator[None]:
    from journeys.purposes import forget_purposes
    from journeys.versions import forget_published
    from kcc.auth import throttle

    _clean_database()
    _seed_directory(app)
    _standard_topics()  # what the migration gives a fresh installation
    _service_catalogue()  # the services the migration carries over from the seed file
    throttle.reset()  # sign-in failures counted in memory by the last test
    app.extensions["kcc.token_cache"].clear()  # token checks remembered from the last test
    forget_published()  # the per-process view of published journeys, of the last test's data
    forget_purposes()  # the consent purposes those journeys declared
    runner = app.extensions["kcc.jobs"]
    if not runner.inline:
        runner.redis.flushdb()
    yield
    db.remove()


@pytest.fixture()
def app_ctx(app: Flask) -> Iterator[Flask]:
    with app.app_context():
        yield app
        db.remove()


@dataclass
class Caller:
    """A test client that speaks JSON with one user's bearer token."""

    client: FlaskClient
    token: str
    user_id: uuid.UUID
    role: str

    def _headers(self, headers: dict[str, str] | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", **(headers or {})}

    def get(self, path: str, **kw: Any) -> Any:
        return self.client.get(path, headers=self._headers(kw.pop("headers", None)), **kw)

    def post(self, path: str, json: Any = None, **kw: Any) -> Any:
        return self.client.post(
            path, json=json, headers=self._headers(kw.pop("headers", None)), **kw
        )

    def patch(self, path: str, json: Any = None, **kw: Any) -> Any:
        return self.client.patch(
            path, json=json, headers=self._headers(kw.pop("headers", None)), **kw
        )

    def put(self, path: str, json: Any = None, **kw: Any) -> Any:
        return self.client.put(
            path, json=json, headers=self._headers(kw.pop("headers", None)), **kw
        )

    def delete(self, path: str, **kw: Any) -> Any:
        return self.client.delete(path, headers=self._headers(kw.pop("headers", None)), **kw)


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture()
def make_caller(app: Flask, client: FlaskClient) -> Callable[..., Caller]:
    def make(role: str = "agent", name: str | None = None, team: str | None = "KCC") -> Caller:
        from kcc.auth.services import create_user

        with app.app_context():
            user, token = create_user(name or f"{role}-{uuid.uuid4().hex[:8]}", role, team=team)
            db.commit()
            user_id = user.uuid
            db.remove()
        return Caller(client, token, user_id, role)

    return make


@pytest.fixture()
def agent(make_caller: Callable[..., Caller]) -> Caller:
    return make_caller("agent")


@pytest.fixture()
def supervisor(make_caller: Callable[..., Caller]) -> Caller:
    return make_caller("supervisor")


@pytest.fixture()
def system(make_caller: Callable[..., Caller]) -> Caller:
    return make_caller("system")


@pytest.fixture()
def run_jobs(app: Flask) -> Callable[[], int]:
    """Drain the queue with a real rq worker (burst); a no-op with inline jobs."""

    def drain() -> int:
        runner = app.extensions["kcc.jobs"]
        if runner.inline:
            return 0
        from rq.serializers import JSONSerializer

        from kcc.worker import KccWorker

        queue = runner.queue()
        before = queue.count
        with app.app_context():
            worker = KccWorker([queue], connection=runner.redis, serializer=JSONSerializer)
            worker.work(burst=True, with_scheduler=False)
        return before

    return drain


# Valid BSNs (eleven-check) for tests; none belongs to a real person on purpose.
BSNS = ["111222333", "123456782", "999993653", "999990019", "999991723", "999992491"]


def valid_bsn(seed: int) -> str:
    import random

    from kcc.demo.people import valid_bsn as generate

    return generate(random.Random(seed))


ROOT = Path(__file__).resolve().parent.parent
