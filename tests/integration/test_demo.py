"""The steps of `make demo` on an empty SQLite database, run as the Makefile runs them."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
KCC = str(Path(sys.executable).with_name("kcc"))


def _kcc(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [KCC, *args], env=env, capture_output=True, text=True, timeout=300, cwd=ROOT
    )
    assert done.returncode == 0, (args, done.stdout, done.stderr)
    return done.stdout


def test_make_demo_loads_a_working_municipality_twice(tmp_path: Path) -> None:
    database = tmp_path / "demo.sqlite3"
    base = {k: v for k, v in os.environ.items() if not k.startswith(("KCC_", "TWILIO_"))}
    env = {**base, "KCC_DATABASE_URL": f"sqlite:///{database}"}

    _kcc(env, "db", "upgrade")
    loaded = _kcc(env, "journeys", "load", "journeys/definitions", "--publish")
    assert loaded.count("published") == 5, loaded
    first = _kcc(env, "demo-data")
    assert "Demo data loaded" in first and "demo-agent" in first
    again = _kcc(env, "demo-data")  # a second run keeps the data and prints fresh tokens
    assert "Demo data present already" in again

    with sqlite3.connect(database) as conn:
        counts = {
            table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608
            for table in (
                "parties",
                "contact_moments",
                "tasks",
                "teams",
                "topics",
                "knowledge_answers",
            )
        }
    assert counts["parties"] == 66
    assert counts["contact_moments"] >= 400
    assert counts["teams"] >= 8
    assert counts["topics"] >= 60
    assert counts["knowledge_answers"] >= 40
    assert counts["tasks"] > 0
