"""The floor under the core workloads: what Flask on gunicorn costs before the app does anything.

Two routes, served with the same gunicorn settings as the load runs:

- ``GET /floor/json``: a Flask view returning a small JSON object, no database, no auth;
- ``GET /floor/pg``: the same, plus one primary-key read from PostgreSQL (SQLAlchemy Core,
  pooled connection, autocommit), the smallest thing a request that touches data can do;
- ``GET /floor/w3?bsn=``: the three statements a search by BSN cannot do without (the bearer
  token checked by its keyed hash, the party found by its BSN's keyed hash, one
  processing-log record appended), each committing on its own, with no ORM, no schemas and no
  transaction block: the least W3 can cost in this stack;
- ``GET /floor/w3-phone?phone=``: the same for a search by phone number (normalised as the
  app does, then found by the address index);
- ``POST /floor/w1``: the writes recording a contact moment cannot do without, in one
  transaction (token check, party lookup, the moment, its involvement, the outbox event, the
  processing-log record): the least W1 can cost in this stack;
- ``GET /floor/w2/<party>``: the statements of the customer view (token check; the party with
  its identifiers and addresses; the newest 20 contact moments by the involvement index, the
  parties involved in them and their objects; the open tasks; the processing-log record),
  each committing on its own. Sections of other packages cost nothing here, as if a read
  model had told that they are empty: the least W2 can cost in this stack.

Whatever W1-W3 cost on top of these is the application. ``bench/core/load.py --floor`` (or
``--interleave``) runs them.
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
from kcc.parties.identifiers import normalise_phone
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
SEARCH_PHONE = text(
    "SELECT p.uuid, p.type, p.search_name FROM parties p"
    " JOIN digital_addresses a ON a.party_id = p.id WHERE a.kind = 'phone' AND a.address = :address"
    " AND p.removed_at IS NULL"
)
PARTY = text("SELECT id FROM parties WHERE uuid = :uuid")
VIEW_PARTY = text(
    "SELECT p.id, p.uuid, p.type, p.given_names, p.surname_prefix, p.surname, p.name,"
    " p.preferred_language, p.preferred_channel, p.is_active,"
    " (SELECT json_agg(json_build_object('kind', i.kind, 'display', i.display))"
    "  FROM party_identifiers i WHERE i.party_id = p.id),"
    " (SELECT json_agg(json_build_object('id', a.uuid, 'kind', a.kind, 'address', a.address,"
    "  'label', a.label, 'is_default', a.is_default)) FROM digital_addresses a"
    "  WHERE a.party_id = p.id)"
    " FROM parties p WHERE p.uuid = :uuid AND p.removed_at IS NULL"
)
# The party is compared with IS NOT DISTINCT FROM, as the app does (kcc/view/services.py):
# with "=" the generic plan PostgreSQL may choose for the prepared statement reads all of a
# heavy party's involvements for every listed row, and the floor is no longer the least.
VIEW_MOMENTS = text(
    "SELECT m.id, m.uuid, m.channel, m.direction, m.subject, m.text, m.outcome, m.language,"
    " m.confidential, m.occurred_at, m.external_id, m.details, m.created_at, u.uuid"
    " FROM involvements i JOIN contact_moments m ON m.id = i.contact_moment_id"
    " LEFT JOIN users u ON u.id = m.agent_id"
    " WHERE i.party_id = :party AND NOT EXISTS (SELECT 1 FROM involvements o"
    "  WHERE o.contact_moment_id = i.contact_moment_id AND o.party_id IS NOT DISTINCT FROM i.party_id"
    "  AND o.id < i.id)"
    " ORDER BY i.occurred_at DESC, i.contact_moment_id DESC LIMIT 21"
)
VIEW_INVOLVED = text(
    "SELECT i.contact_moment_id, p.uuid, i.role FROM involvements i"
    " LEFT JOIN parties p ON p.id = i.party_id WHERE i.contact_moment_id = ANY(:ids)"
    " ORDER BY i.id"
)
VIEW_OBJECTS = text(
    "SELECT contact_moment_id, object_type, object_id, register FROM subject_objects"
    " WHERE contact_moment_id = ANY(:ids) ORDER BY id"
)
VIEW_TASKS = text(
    "SELECT uuid, kind, status, description, due_at FROM tasks WHERE party_id = :party"
    " AND status IN ('open', 'in_progress') ORDER BY due_at, id LIMIT 50"
)
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


@app.get("/floor/w3-phone")
def floor_w3_phone():  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        user = _caller(conn)
        address = normalise_phone(request.args["phone"])
        party = conn.execute(SEARCH_PHONE, {"address": address}).first()
        if party is not None:
            _log(conn, user, str(party[0]), "GET /api/v1/parties", "search")
    items = [] if party is None else [{"id": str(party[0]), "type": party[1], "name": party[2]}]
    return jsonify(items=items, next_cursor=None)


@app.get("/floor/w2/<uuid:party_uuid>")
def floor_w2(party_uuid: uuid.UUID):  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        user = _caller(conn)
        party = conn.execute(VIEW_PARTY, {"uuid": party_uuid}).first()
        if party is None:
            abort(404)
        rows = conn.execute(VIEW_MOMENTS, {"party": party[0]}).all()
        moments = {
            row[0]: {
                "id": str(row[1]),
                "channel": row[2],
                "direction": row[3],
                "subject": row[4],
                "text": row[5],
                "outcome": row[6],
                "language": row[7],
                "confidential": row[8],
                "occurred_at": row[9].isoformat(),
                "external_id": row[10],
                "details": row[11],
                "created_at": row[12].isoformat(),
                "agent": str(row[13]) if row[13] else None,
                "parties": [],
                "objects": [],
            }
            for row in rows[:20]
        }
        ids = list(moments)
        for moment, involved, role in conn.execute(VIEW_INVOLVED, {"ids": ids}):
            moments[moment]["parties"].append(
                {"party_id": str(involved) if involved else None, "role": role}
            )
        for moment, kind, object_id, register in conn.execute(VIEW_OBJECTS, {"ids": ids}):
            moments[moment]["objects"].append({"type": kind, "id": object_id, "register": register})
        tasks = [
            {
                "id": str(t[0]),
                "kind": t[1],
                "status": t[2],
                "description": t[3],
                "due_at": t[4].isoformat() if t[4] else None,
            }
            for t in conn.execute(VIEW_TASKS, {"party": party[0]})
        ]
        _log(conn, user, str(party[1]), "GET /api/v1/parties/<uuid:party_id>/view", "read")
    return jsonify(
        party={
            "id": str(party[1]),
            "type": party[2],
            "given_names": party[3],
            "surname_prefix": party[4],
            "surname": party[5],
            "name": party[6],
            "preferred_language": party[7],
            "preferred_channel": party[8],
            "is_active": party[9],
            "identifiers": party[10] or [],
        },
        digital_addresses=party[11] or [],
        preferred_channel=party[8],
        contact_moments={"items": list(moments.values()), "next_cursor": None},
        open_tasks=tasks,
        conversations=[],
        journeys=[],
        suggestions=[],
        consents=[],
    )


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
