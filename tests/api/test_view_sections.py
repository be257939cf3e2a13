"""The customer view asks the sections' tables once whether they hold rows of the party and
calls only the sections that do; the answer is read in the view's own transaction, so it is
right at once after every kind of write that can fill one: ORM objects, Core inserts, a
party_id moved by an update (as a merge does), and an insert from a select."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from sqlalchemy import Uuid, insert, literal, select, update

from channels.models import Conversation
from kcc.db import db
from kcc.parties.models import Party
from kcc.view.services import SECTIONS, register_section
from tests.api.test_view import register
from tests.statements import counted_statements

# The tables the four sections read their rows from.
SECTION_TABLES = (
    "conversations",
    "journey_instances",
    "suggestions",
    "consent_requests",
    "consent_records",
)


def _view(caller: Any, party: str) -> dict[str, Any]:
    response = caller.get(f"/api/v1/parties/{party}/view")
    assert response.status_code == 200, response.json
    return response.json  # type: ignore[no-any-return]


def _key(party: str) -> int:
    key = db.session().scalar(select(Party.id).where(Party.uuid == uuid.UUID(party)))
    assert key is not None
    return key


def _conversation(party_key: int | None, subject: str) -> dict[str, Any]:
    return {
        "uuid": uuid.uuid4(),
        "channel": "sms",
        "address": "+31612345678",
        "party_id": party_key,
        "subject": subject,
        "status": "open",
        "priority": "normal",
        "language": "nl",
        "message_count": 0,
    }


def _reading(statements: list[str], table: str) -> list[str]:
    """The statements that read ``table`` other than through an EXISTS (the one probe)."""
    pattern = re.compile(rf"\bFROM {table}\b", re.IGNORECASE)
    return [s for s in statements if pattern.search(s) and "EXISTS" not in s.upper()]


def test_empty_sections_cost_one_statement_together(agent):
    party = register(agent)
    _view(agent, party)  # caches that are not per request
    with counted_statements() as asked:
        view = _view(agent, party)
    assert [view[s] for s in SECTIONS] == [[], [], [], []]
    probes = [s for s in asked if "AS conversations" in s]
    assert len(probes) == 1, probes
    assert all(re.search(rf"\b{t}\b", probes[0]) for t in SECTION_TABLES), probes[0]
    for table in SECTION_TABLES:
        assert _reading(asked, table) == [], table


def test_a_section_with_rows_is_asked_and_the_others_are_not(agent):
    party = register(agent)
    granted = agent.post(
        f"/api/v1/parties/{party}/consents",
        json={"purpose": "proactive", "channel": "sms", "method": "counter"},
    )
    assert granted.status_code == 201, granted.json
    with counted_statements() as asked:
        view = _view(agent, party)
    assert [c["status"] for c in view["consents"]] == ["granted"]
    assert _reading(asked, "consent_records")
    for table in ("conversations", "journey_instances", "suggestions", "consent_requests"):
        assert _reading(asked, table) == [], table


def test_the_first_view_of_a_party_costs_what_every_later_one_does(agent):
    """No per-party memory to build: a party never viewed costs no more than one viewed
    before (the load of a front office is mostly residents seen for the first time in a
    while)."""
    first, second = register(agent), register(agent, "De Vries")
    _view(agent, first)
    with counted_statements() as again:
        _view(agent, first)
    with counted_statements() as never_seen:
        _view(agent, second)
    assert len(never_seen) == len(again)


def test_a_section_must_name_tables_with_a_party(app):
    from kcc.auth.models import User

    with pytest.raises(ValueError, match="no party_id"):
        register_section("consents", lambda party: [], tables=[User])


def test_the_view_is_right_at_once_after_each_kind_of_write(app, agent):
    party, other = register(agent), register(agent, "De Vries")
    assert _view(agent, party)["consents"] == []

    # Through a core service (ORM unit of work) and its API.
    granted = agent.post(
        f"/api/v1/parties/{party}/consents",
        json={"purpose": "proactive", "channel": "sms", "method": "counter"},
    )
    assert granted.status_code == 201, granted.json
    assert [c["status"] for c in _view(agent, party)["consents"]] == ["granted"]

    # An ORM object of another package.
    assert _view(agent, party)["conversations"] == []
    with app.app_context():
        db.session().add(Conversation(**_conversation(_key(party), "orm")))
        db.commit()
        db.remove()
    assert [c["subject"] for c in _view(agent, party)["conversations"]] == ["orm"]

    # A Core insert, and a row moved to another party by an update (as a merge moves rows).
    assert _view(agent, other)["conversations"] == []
    table = Conversation.__table__
    with app.app_context():
        db.session().execute(insert(table), [_conversation(None, "core")])
        db.session().execute(
            update(table).where(table.c.subject == "core").values(party_id=_key(other))
        )
        db.commit()
        db.remove()
    assert [c["subject"] for c in _view(agent, other)["conversations"]] == ["core"]

    # An insert from a select, which does not say which party.
    third = register(agent, "Bakker")
    assert _view(agent, third)["conversations"] == []
    with app.app_context():
        source = select(
            literal(uuid.uuid4(), Uuid()),
            literal("sms"),
            literal("+31600000000"),
            Party.id,
            literal("from select"),
            literal("open"),
            literal("normal"),
            literal("nl"),
            literal(0),
        ).where(Party.uuid == uuid.UUID(third))
        db.session().execute(
            insert(table).from_select(
                [
                    "uuid",
                    "channel",
                    "address",
                    "party_id",
                    "subject",
                    "status",
                    "priority",
                    "language",
                    "message_count",
                ],
                source,
            )
        )
        db.commit()
        db.remove()
    assert [c["subject"] for c in _view(agent, third)["conversations"]] == ["from select"]


def test_a_write_rolled_back_shows_nothing(app, agent):
    party = register(agent)
    _view(agent, party)
    with app.app_context():
        db.session().add(Conversation(**_conversation(_key(party), "never")))
        db.session().flush()
        db.rollback()
        db.remove()
    assert _view(agent, party)["conversations"] == []
