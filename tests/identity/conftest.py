"""Helpers for the identity tests: parties, contact moments and snapshots of referencing rows."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from kcc.db import db
from kcc.identity.references import party_references
from kcc.parties.models import Party


def person(caller: Any, surname: str, **fields: Any) -> dict[str, Any]:
    body = {"type": "person", "surname": surname, "given_names": "Test", **fields}
    response = caller.post("/api/v1/parties", json=body)
    assert response.status_code == 201, response.json
    return response.json


def contact(
    caller: Any, *party_ids: str, subject: str = "Vraag", role: str = "resident"
) -> dict[str, Any]:
    response = caller.post(
        "/api/v1/contact-moments",
        json={
            "channel": "phone",
            "subject": subject,
            "parties": [{"party_id": p, "role": role} for p in party_ids],
        },
    )
    assert response.status_code == 201, response.json
    return response.json


def task(caller: Any, party_id: str, description: str = "Terugbellen") -> dict[str, Any]:
    response = caller.post(
        "/api/v1/tasks",
        json={
            "kind": "callback",
            "party_id": party_id,
            "description": description,
            "assigned_team": "KCC",
        },
    )
    assert response.status_code == 201, response.json
    return response.json


def merge(caller: Any, survivor: str, duplicate: str, reason: str = "same person") -> Any:
    return caller.post(
        f"/api/v1/parties/{survivor}/merge", json={"duplicate_id": duplicate, "reason": reason}
    )


@pytest.fixture()
def snapshot(app: Flask) -> Callable[..., dict[str, list[dict[str, Any]]]]:
    """Every row of every table that references one of the given parties, as plain dicts."""

    def take(*party_uuids: str) -> dict[str, list[dict[str, Any]]]:
        with app.app_context():
            session = db.session()
            ids = list(
                session.scalars(
                    select(Party.id).where(Party.uuid.in_([uuid.UUID(p) for p in party_uuids]))
                )
            )
            found: dict[str, list[dict[str, Any]]] = {}
            for ref in party_references():
                pk = list(ref.table.primary_key.columns)
                rows = session.execute(
                    select(ref.table).where(ref.column.in_(ids)).order_by(*pk)
                ).mappings()
                found[ref.name] = [dict(r) for r in rows]
            db.remove()
            return found

    return take
