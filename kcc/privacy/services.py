"""Append processing-log records and read them back; there is no update or delete."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any, cast

from flask import current_app
from sqlalchemy import Table, insert, select

from kcc.crypto import DataCipher
from kcc.db import db, utcnow
from kcc.pagination import decode_cursor, encode_cursor
from kcc.privacy.context import current
from kcc.privacy.models import ProcessingRecord

SUBJECT_CONTEXT = "processing-log/party"
LOG_TABLE = cast(Table, ProcessingRecord.__table__)
# No RETURNING of the key (the default for one row): nothing reads it.
_INSERT_RECORD = insert(LOG_TABLE).inline()


def cipher() -> DataCipher:
    return current_app.extensions["kcc.cipher"]  # type: ignore[no-any-return]


def subject_lookup(party_uuid: uuid.UUID) -> str:
    return cipher().lookup_hash(str(party_uuid), SUBJECT_CONTEXT)


def log_processing(party_uuids: Iterable[uuid.UUID], action: str, status: str = "ok") -> None:
    """Append one record per party for the current request or job (a single INSERT)."""
    rows = log_rows(party_uuids, action, status)
    if rows:
        # A Core insert on the scope's connection (flushed first, as the ORM's insert would
        # be): cheaper than the ORM's.
        db.connection().execute(_INSERT_RECORD, rows if len(rows) > 1 else rows[0])


def log_rows(
    party_uuids: Iterable[uuid.UUID], action: str, status: str = "ok"
) -> list[dict[str, Any]]:
    """The records :func:`log_processing` appends, for a caller that writes them in a
    statement of its own, committed with what it records (``LOG_TABLE``)."""
    ctx = current()
    now = utcnow()
    c = cipher()
    return [
        {
            "uuid": uuid.uuid4(),
            "occurred_at": now,
            "trace_id": ctx.trace_id,
            "span_id": ctx.span_id,
            "operation": ctx.operation[:100],
            "action": action,
            "activity": ctx.activity,
            "status": status,
            "actor_type": ctx.actor_type,
            "actor_id": ctx.actor_id,
            "subject_type": "party",
            "subject_lookup": c.lookup_hash(str(p), SUBJECT_CONTEXT),
            "subject_encrypted": c.encrypt(str(p), SUBJECT_CONTEXT),
        }
        for p in dict.fromkeys(party_uuids)
    ]


def list_processing(
    party_uuid: uuid.UUID | None,
    limit: int,
    cursor: str | None,
    since: datetime | None = None,
    *,
    actor_id: str | None = None,
    activity: str | None = None,
    action: str | None = None,
) -> tuple[list[dict[str, Any]], str | None]:
    """Newest first, keyset-paginated; the party uuid is decrypted for the supervisor.

    ``actor_id`` (a user's uuid or a job's name), ``activity`` and ``action`` narrow it down.
    """
    query = select(ProcessingRecord).order_by(ProcessingRecord.id.desc()).limit(limit + 1)
    if actor_id:
        query = query.where(ProcessingRecord.actor_id == actor_id)
    if activity:
        query = query.where(ProcessingRecord.activity == activity)
    if action:
        query = query.where(ProcessingRecord.action == action)
    if party_uuid is not None:
        query = query.where(ProcessingRecord.subject_lookup == subject_lookup(party_uuid))
    if since is not None:
        query = query.where(ProcessingRecord.occurred_at >= since)
    after = decode_cursor(cursor, {"id": int})
    if after is not None:
        query = query.where(ProcessingRecord.id < after["id"])
    rows = list(db.session().scalars(query))
    next_cursor = encode_cursor({"id": rows[limit - 1].id}) if len(rows) > limit else None
    c = cipher()
    items = [
        {
            "id": r.uuid,
            "occurred_at": r.occurred_at,
            "trace_id": r.trace_id,
            "span_id": r.span_id,
            "operation": r.operation,
            "action": r.action,
            "activity": r.activity,
            "status": r.status,
            "actor_type": r.actor_type,
            "actor_id": r.actor_id,
            "party_id": c.decrypt(r.subject_encrypted, SUBJECT_CONTEXT),
        }
        for r in rows[:limit]
    ]
    return items, next_cursor
