"""The core's services for changing a recorded contact moment: each records its event and the
processing log; the transcript keeps its newest part."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import select

from kcc.contacts.changes import (
    TRANSCRIPT_CHARS,
    append_text,
    change_subject,
    close_contact,
    remove_texts,
)
from kcc.contacts.models import ContactMoment
from kcc.contacts.services import ContactInput, InvolvementInput, record_contact
from kcc.db import db, unit_of_work
from kcc.errors import NotFound, ValidationFailed
from kcc.events.models import OutboxEvent
from kcc.parties.services import PartyInput, register_party
from kcc.privacy.activities import Activity
from kcc.privacy.context import system_processing
from kcc.privacy.models import ProcessingRecord


@pytest.fixture()
def work(app: Flask) -> Iterator[None]:
    with app.app_context(), system_processing("test.contact-changes", Activity.CUSTOMER_CONTACT):
        with unit_of_work():
            yield
        db.remove()


def _moment(subject: str = "Vraag") -> tuple[uuid.UUID, uuid.UUID]:
    party = register_party(PartyInput(type="person", surname="Jansen"))
    recorded = record_contact(
        ContactInput(
            channel="sms", subject=subject, text="< eerste", parties=[InvolvementInput(party.uuid)]
        )
    )
    return recorded.contact_moment.uuid, party.uuid


def _events(name: str) -> list[dict[str, object]]:
    rows = db.session().scalars(select(OutboxEvent.payload).where(OutboxEvent.name == name))
    return [dict(r) for r in rows]


def test_the_transcript_grows_and_keeps_its_newest_part(work: None) -> None:
    moment_uuid, party_uuid = _moment()
    append_text(moment_uuid, "> antwoord", {"message_count": 2})
    moment = append_text(moment_uuid, "< " + "x" * TRANSCRIPT_CHARS, {"message_count": 3})
    assert len(moment.text) == TRANSCRIPT_CHARS and moment.text.endswith("x")
    assert moment.details == {"message_count": 3}
    events = _events("contact_moment.text_appended")
    assert len(events) == 2 and events[0]["party_ids"] == [str(party_uuid)]
    logged = db.session().scalars(
        select(ProcessingRecord.action).where(ProcessingRecord.operation == "test.contact-changes")
    )
    assert "update" in list(logged)


def test_closing_sets_the_outcome_and_refuses_an_unknown_one(work: None) -> None:
    moment_uuid, _ = _moment()
    with pytest.raises(ValidationFailed):
        close_contact(moment_uuid, "vergeten")
    moment = close_contact(moment_uuid, None, {"status": "closed"})
    assert moment.outcome == "answered" and moment.details["status"] == "closed"
    assert [e["outcome"] for e in _events("contact_moment.closed")] == ["answered"]


def test_a_subject_change_is_an_event_unless_nothing_changes(work: None) -> None:
    moment_uuid, party_uuid = _moment("SMS-gesprek")
    change_subject(moment_uuid, "  geboorte ")
    change_subject(moment_uuid, "geboorte")
    [event] = _events("contact_moment.subject_changed")
    assert event["subject"] == "geboorte" and event["previous_subject"] == "SMS-gesprek"
    assert event["party_ids"] == [str(party_uuid)] and event["direction"] == "inbound"
    with pytest.raises(ValidationFailed):
        change_subject(moment_uuid, " ")
    with pytest.raises(NotFound):
        change_subject(uuid.uuid4(), "geboorte")


def test_removed_texts_keep_the_rest_of_the_moment(work: None) -> None:
    moment_uuid, _ = _moment()
    moment_id = db.session().scalar(
        select(ContactMoment.id).where(ContactMoment.uuid == moment_uuid)
    )
    assert remove_texts([moment_id], "[verwijderd]") == 1
    assert remove_texts([], "[verwijderd]") == 0
    db.session().expire_all()
    moment = db.session().scalars(select(ContactMoment).where(ContactMoment.id == moment_id)).one()
    assert moment.text == "[verwijderd]" and moment.subject == "Vraag"
    [event] = _events("contact_moment.texts_removed")
    assert event["contact_moment_ids"] == [str(moment_uuid)]
