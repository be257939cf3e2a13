"""Shared set-up of the topic benchmarks: a PostgreSQL database, the app, the demo catalogue."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("KCC_DATA_KEY", "bench-data-key-0123456789abcdef0123456789")
os.environ.setdefault("KCC_SECRET_KEY", "bench-secret-key-0123456789abcdef012345")


def recreate(name: str) -> str:
    """Drop and create database ``name`` on the local PostgreSQL; upgrade it to head."""
    with psycopg.connect("postgresql://postgres@127.0.0.1/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    url = f"postgresql://postgres@127.0.0.1/{name}"
    upgrade(url)
    return url


def upgrade(url: str) -> None:
    env = {**os.environ, "KCC_DATABASE_URL": url}
    subprocess.run([str(ROOT / ".venv" / "bin" / "kcc"), "db", "upgrade"], check=True, env=env)


def app_for(url: str):  # type: ignore[no-untyped-def]
    os.environ["KCC_DATABASE_URL"] = url
    from kcc.app import create_app

    return create_app()


def load_catalogue() -> None:
    """The demo directory's departments and teams, and the demo topic catalogue."""
    from sqlalchemy import select

    from kcc.db import db
    from kcc.demo import DEPARTMENTS, TEAMS
    from kcc.demo.topics import load_topics
    from kcc.directory.models import Team
    from kcc.directory.services import create_department, create_team

    if db.session().scalar(select(Team.id).where(Team.key == "KCC")) is None:
        for key, name, email in DEPARTMENTS:
            create_department(key, name, email=email)
        for key, name, department, email in TEAMS:
            create_team(key, name, department_key=department, email=email)
    load_topics()
    db.commit()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]
