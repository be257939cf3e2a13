"""The floor under the core workloads: what Flask on gunicorn costs before the app does anything.

Two routes, served with the same gunicorn settings as the load runs:

- ``GET /floor/json``: a Flask view returning a small JSON object, no database, no auth;
- ``GET /floor/pg``: the same, plus one primary-key read from PostgreSQL (SQLAlchemy Core,
  pooled connection, autocommit), the smallest thing a request that touches data can do;
- ``GET /floor/w3?bsn=``: the three statements a search by BSN cannot do without (the bearer
  token checked by its keyed hash, the party found by its BSN's keyed hash, one
  processing-log record appended), each committing on its own, with no ORM, no schemas and no
  transaction block: the least W3 can cost in this stack;
- ``POST /floor/w1``: the writes recording a contact moment cannot do without, in one
  transaction (token check, party lookup, the moment, its involvement, the outbox event, the
  processing-log record): the least W1 can cost in this stack.

Whatever W1-W3 cost on top of these is the application. ``bench/core/floor.py`` runs them.
"""

from __future__ import annotations

import json
import os
import secrets
import uuid
from datetime import UTC, datetime
from typing import Any

from flask import Flask, abort, jsonify, request
from sqlalchemy import Connection, Row, create_engine, text

from kcc.crypto import DataCipher, hash_api_token
from kcc.parties.services import BSN_CONTEXT
from kcc.privacy.services import SUBJECT_CONTEXT

app = Flask(__name__)
engine = create_engine(os.environ["KCC_DATABASE_URL"], pool_size=2, isolation_level="AUTOCOMMIT")
transactions = create_engine(os.environ["KCC_DATABASE_URL"], pool_size=2)
QUERY = text("SELECT uuid, type FROM parties WHERE id = :id")
SECRET_KEY = os.environ["KCC_SECRET_KEY"]
CIPHER = DataCipher(os.environ["KCC_DATA_KEY"])
TOKEN = text(
    "SELECT u.id, u.uuid, u.role FROM users u JOIN api_tokens t ON t.user_id = u.id"
    " WHERE t.token_hash = :h AND t.revoked_at IS NULL AND u.is_active"
)
SEARCH = text(
    "SELECT p.uuid, p.type, p.search_name FROM parties p"
    " JOIN party_identifiers i ON i.party_id = p.id WHERE i.kind = 'bsn' AND i.lookup = :lookup"
)
PARTY = text("SELECT id FROM parties WHERE uuid = :uuid")
MOMENT = text(
    "INSERT INTO contact_moments (uuid, channel, direction, subject, text, outcome, language,"
    " confidential, occurred_at, details, created_at, created_by_id, response, main_subject_type,"
    " further_action) VALUES (:uuid, :channel, :direction, :subject, :text, :outcome, 'nl',"
    " false, :at, '{}', :at, :user, '', '', false) RETURNING id"
)
INVOLVEMENT = text(
    "INSERT INTO involvements (uuid, contact_moment_id, party_id, role, occurred_at, initiator,"
    " details) VALUES (:uuid, :moment, :party, :role, :at, false, '{}')"
)
OUTBOX = text(
    "INSERT INTO outbox (event_id, name, payload, occurred_at, attempts)"
    " VALUES (:uuid, 'contact_moment.recorded', :payload, :at, 0)"
)
LOG = text(
    "INSERT INTO processing_log (uuid, occurred_at, trace_id, span_id, operation, action,"
    " activity, status, actor_type, actor_id, subject_type, subject_lookup, subject_encrypted)"
    " VALUES (:uuid, :at, :trace, :span, :operation, :action, 'kcc.floor', 'ok',"
    " :role, :actor, 'party', :lookup, :encrypted)"
)


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


def _caller(conn: Connection) -> Row[Any]:
    """The token's user (id, uuid, role); a 401 when the token is unknown."""
    token = request.headers.get("Authorization", "").partition(" ")[2]
    user = conn.execute(TOKEN, {"h": hash_api_token(SECRET_KEY, token)}).one_or_none()
    if user is None:
        abort(401)
    return user


def _log(conn: Connection, user: Row[Any], subject: str, operation: str, action: str) -> None:
    """Append the processing-log record, as ``kcc.privacy.services.log_processing`` writes it."""
    conn.execute(
        LOG,
        {
            "uuid": uuid.uuid4(),
            "at": datetime.now(UTC),
            "operation": operation,
            "action": action,
            "trace": secrets.token_hex(16),
            "span": secrets.token_hex(8),
            "role": user[2],
            "actor": str(user[1]),
            "lookup": CIPHER.lookup_hash(subject, SUBJECT_CONTEXT),
            "encrypted": CIPHER.encrypt(subject, SUBJECT_CONTEXT),
        },
    )


@app.get("/floor/w3")
def floor_w3():  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        user = _caller(conn)
        lookup = CIPHER.lookup_hash(request.args["bsn"], BSN_CONTEXT)
        party = conn.execute(SEARCH, {"lookup": lookup}).one_or_none()
        if party is not None:
            _log(conn, user, str(party[0]), "GET /api/v1/parties", "search")
    items = [] if party is None else [{"id": str(party[0]), "type": party[1], "name": party[2]}]
    return jsonify(items=items, next_cursor=None)


@app.post("/floor/w1")
def floor_w1():  # type: ignore[no-untyped-def]
    body = request.get_json()
    involved = body["parties"][0]
    now = datetime.now(UTC)
    with transactions.begin() as conn:
        user = _caller(conn)
        party = conn.execute(PARTY, {"uuid": involved["party_id"]}).scalar_one_or_none()
        if party is None:
            abort(422)
        moment_uuid = uuid.uuid4()
        moment = conn.execute(
            MOMENT,
            {
                "uuid": moment_uuid,
                "channel": body["channel"],
                "direction": body["direction"],
                "subject": body["subject"],
                "text": body["text"],
                "outcome": body["outcome"],
                "at": now,
                "user": user[0],
            },
        ).scalar_one()
        conn.execute(
            INVOLVEMENT,
            {
                "uuid": uuid.uuid4(),
                "moment": moment,
                "party": party,
                "role": involved["role"],
                "at": now,
            },
        )
        payload = {"contact_moment_id": str(moment_uuid), "party_ids": [involved["party_id"]]}
        conn.execute(OUTBOX, {"uuid": uuid.uuid4(), "payload": json.dumps(payload), "at": now})
        _log(conn, user, involved["party_id"], "POST /api/v1/contact-moments", "create")
    return jsonify(id=str(moment_uuid)), 201
