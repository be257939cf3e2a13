"""The customer view skips sections it found empty, and is right at once after every kind of
write that can fill one: ORM objects, Core inserts, a party_id moved by an update (as a
merge does), and a statement that does not say which party."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Uuid, insert, literal, select, update

from channels.models import Conversation
from kcc.db import db
from kcc.parties.models import Party
from kcc.view.models import ViewSummary
from tests.api.test_view import register
from tests.statements import counted_statements


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


def test_empty_sections_cost_no_statement_once_known(agent):
    party = register(agent)
    first = _view(agent, party)
    assert [first[s] for s in ("conversations", "journeys", "suggestions", "consents")] == [
        [],
        [],
        [],
        [],
    ]
    with counted_statements() as asked:
        again = _view(agent, party)
    assert again == first
    with counted_statements() as without_summary:
        db.session().query(ViewSummary).delete()
        db.commit()
        db.remove()
        _view(agent, party)
    # The summary's one read replaces the four sections' five statements (and the save).
    assert len(asked) <= len(without_summary) - 5


def test_the_view_is_right_at_once_after_each_kind_of_write(app, agent):
    party, other = register(agent), register(agent, "De Vries")
    assert _view(agent, party)["consents"] == []  # every section is now known empty

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

    # A statement that does not say which party: every summary is forgotten.
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


def test_a_write_rolled_back_leaves_the_summary_as_it_was(app, agent):
    party = register(agent)
    _view(agent, party)
    with app.app_context():
        db.session().add(Conversation(**_conversation(_key(party), "never")))
        db.session().flush()
        db.rollback()
        db.remove()
    assert _view(agent, party)["conversations"] == []
