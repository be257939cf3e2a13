"""The generic row mover never violates a constraint: refused rows are left exactly as they were."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from kcc.db import db
from kcc.identity.references import reference_by_name, update_rows
from kcc.parties.models import DigitalAddress
from tests.identity.conftest import person


def test_rows_a_partial_unique_index_refuses_are_reported_and_left_alone(app, agent):
    owner = person(
        agent,
        "Index",
        digital_addresses=[
            {"kind": "phone", "address": "0613131313"},
            {"kind": "phone", "address": "0614141414"},
            {"kind": "email", "address": "index@example.nl"},
        ],
    )
    with app.app_context():
        ref = reference_by_name("digital_addresses", "party_id")
        assert ref is not None
        rows = list(db.session().scalars(select(DigitalAddress).order_by(DigitalAddress.id)))
        keys = [{"id": r.id} for r in rows]
        # Setting is_default on every row: the second phone would be a second default phone.
        refused = update_rows(ref, keys, {"is_default": True})
        db.commit()
        assert refused == [{"id": rows[1].id}]
        db.remove()
    after = agent.get(f"/api/v1/parties/{owner['id']}").json["digital_addresses"]
    assert [(a["address"], a["is_default"]) for a in after] == [
        ("+31613131313", True),
        ("+31614141414", False),
        ("index@example.nl", True),
    ]
    assert uuid.UUID(after[0]["id"])
