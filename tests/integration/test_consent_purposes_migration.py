"""Migration 0025: a journey-wide consent becomes one consent per purpose it covered, no wider."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

ROOT = Path(__file__).resolve().parents[2]


def _config(url: str) -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.attributes["database_url"] = url
    return config


def _doc(purposes: list[str]) -> str:
    states = {
        f"s{n}": {
            "suggestions": [
                {"service": "waste-pass", "text": {"nl": "x", "en": "x"}, "consent_purpose": p}
            ]
        }
        for n, p in enumerate(purposes)
    }
    return json.dumps({"key": "moving", "states": states})


def _party(conn: sa.Connection, at: datetime) -> None:
    """A bare party row with every required column filled."""
    values: dict[str, object] = {"id": 1}
    for column in sa.inspect(conn).get_columns("parties"):
        name, kind = column["name"], str(column["type"]).upper()
        if name in values or column["nullable"] or column.get("default") is not None:
            continue
        if "DATE" in kind or "TIME" in kind:
            values[name] = at
        elif "INT" in kind or "BOOL" in kind:
            values[name] = 0
        elif name == "uuid" or "UUID" in kind or "CHAR(32)" in kind:
            values[name] = uuid.uuid4().hex
        else:
            values[name] = "person" if name == "type" else "x"
    names = ", ".join(values)
    marks = ", ".join(f":{n}" for n in values)
    conn.execute(sa.text(f"INSERT INTO parties ({names}) VALUES ({marks})"), values)  # noqa: S608


def test_journey_consents_become_consents_per_purpose_published_by_then(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'migrate.db'}"
    command.upgrade(_config(url), "0017_directory")
    engine = sa.create_engine(url)
    early, grant_at, late = (datetime(2026, 1, d, 12) for d in (1, 5, 9))
    with engine.begin() as conn:
        _party(conn, early)
        conn.execute(
            sa.text("INSERT INTO journeys (id, key, created_at) VALUES (1, 'moving', :t)"),
            {"t": early},
        )
        for n, (purposes, published) in enumerate(
            ((["proactive-moving"], early), (["proactive-moving", "proactive-later"], late)),
            start=1,
        ):
            conn.execute(
                sa.text(
                    "INSERT INTO journey_versions (id, journey_id, number, status, source, document, checksum, created_at, published_at) "
                    "VALUES (:id, 1, :id, 'published', '', :doc, :c, :t, :t)"
                ),
                {"id": n, "doc": _doc(purposes), "c": str(n), "t": published},
            )
        for n, (purpose, channel) in enumerate(
            (("journey:moving", "any"), ("proactive", "sms")), start=1
        ):
            conn.execute(
                sa.text(
                    "INSERT INTO consent_records (id, uuid, party_id, purpose, channel, action, recorded_at, method, language, text, evidence) "
                    "VALUES (:id, :u, 1, :p, :c, 'granted', :t, 'counter', 'nl', 'Ik geef toestemming', '')"
                ),
                {"id": n, "u": uuid.uuid4().hex, "p": purpose, "c": channel, "t": grant_at},
            )
    command.upgrade(_config(url), "0025_consent_purposes")
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT purpose, channel, action, withdraws_id, text, recorded_at FROM consent_records ORDER BY id"
            )
        ).all()
        columns = {c["name"] for c in sa.inspect(conn).get_columns("suggestions")}
    engine.dispose()
    grants = [(r[0], r[1]) for r in rows if r[2] == "granted"]
    # The journey-wide grant covered only what was published when it was given.
    assert ("proactive-moving", "any") in grants and ("proactive-later", "any") not in grants
    assert ("proactive", "sms") in grants  # a general grant stays; it reaches only older purposes
    carried = next(r for r in rows if r[0] == "proactive-moving")
    assert carried[4] == "Ik geef toestemming" and str(carried[5]).startswith("2026-01-05")
    closing = [r for r in rows if r[2] == "withdrawn"]
    assert [(r[0], r[3]) for r in closing] == [("journey:moving", 1)]
    assert {"reply_number", "task_id"} <= columns
