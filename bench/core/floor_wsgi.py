"""The floor under the core workloads: what Flask on gunicorn costs before the app does anything.

Two routes, served with the same gunicorn settings as the load runs:

- ``GET /floor/json``: a Flask view returning a small JSON object, no database, no auth;
- ``GET /floor/pg``: the same, plus one primary-key read from PostgreSQL (SQLAlchemy Core,
  pooled connection, autocommit), the smallest thing a request that touches data can do.

Whatever W1-W3 cost on top of these is the application. ``bench/core/floor.py`` runs them.
"""

from __future__ import annotations

import os

from flask import Flask, jsonify
from sqlalchemy import create_engine, text

app = Flask(__name__)
engine = create_engine(os.environ["KCC_DATABASE_URL"], pool_size=2, isolation_level="AUTOCOMMIT")
QUERY = text("SELECT uuid, type FROM parties WHERE id = :id")


@app.get("/api/v1/health")
def health():  # type: ignore[no-untyped-def]
    return jsonify(status="ok")


@app.get("/floor/json")
def floor_json():  # type: ignore[no-untyped-def]
    return jsonify(id="00000000-0000-0000-0000-000000000000", type="person", items=[])


@app.get("/floor/pg/<int:party_id>")
def floor_pg(party_id: int):  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        row = conn.execute(QUERY, {"id": party_id}).one_or_none()
    return jsonify(id=str(row[0]) if row else None, type=row[1] if row else None)
