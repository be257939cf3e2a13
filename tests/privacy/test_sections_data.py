"""Data made through each package's own API and webhooks is in the export, and gone after
erasure (or kept, with the reason); erasure says complete only when nothing erasable is left."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask
from sqlalchemy import select

from kcc.db import Base, db
from kcc.rights.sections import privacy_sections
from tests.conftest import Caller
from tests.fakes.twilio_server import FakeTwilio
from tests.klantinteracties.test_flows import person, post
from tests.suggestions.conftest import Person, consented_and_started

REQUEST = {"reason": "request by letter of 1 December 2026"}

IBAN = "NL91ABNA0417164300"
SMS_TEXT = "Mijn container is weer niet geleegd"
ATTACHMENT = "DOC-2026-4711"


def _ki(system: Caller, resident: Person) -> dict[str, str]:
    """A bank account, a representation, a category and a contact with an attachment, all
    through the Klantinteracties API."""
    partij = {"uuid": str(resident.uuid)}
    account = post(system, "/rekeningnummers", {"partij": partij, "iban": IBAN})
    assert account.status_code == 201, account.get_json()
    carer = person(system, bsn="123456782", surname="Mantelzorger")
    represent = post(
        system,
        "/vertegenwoordigingen",
        {"vertegenwoordigendePartij": {"uuid": carer["uuid"]}, "vertegenwoordigdePartij": partij},
    )
    assert represent.status_code == 201, represent.get_json()
    category = post(system, "/categorieen", {"naam": "mantelzorgontvanger"}).get_json()
    relation = post(
        system, "/categorie-relaties", {"partij": partij, "categorie": {"uuid": category["uuid"]}}
    )
    assert relation.status_code == 201, relation.get_json()
    made = post(
        system,
        "/maak-klantcontact",
        {
            "klantcontact": {
                "kanaal": "balie",
                "onderwerp": "Mantelzorg",
                "inhoud": "Vraag over mantelzorgcompliment",
                "taal": "nld",
                "vertrouwelijk": False,
                "plaatsgevondenOp": "2026-11-02T10:00:00Z",
            },
            "betrokkene": {"wasPartij": partij, "rol": "klant", "initiator": True},
        },
    )
    assert made.status_code == 201, made.get_json()
    contact = made.get_json()["klantcontact"]["uuid"]
    bijlage = post(
        system,
        "/bijlagen",
        {
            "wasBijlageVanKlantcontact": {"uuid": contact},
            "bijlageidentificator": {
                "objectId": ATTACHMENT,
                "codeObjecttype": "document",
                "codeRegister": "drc",
                "codeSoortObjectId": "id",
            },
        },
    )
    assert bijlage.status_code == 201, bijlage.get_json()
    return {"carer": carer["uuid"], "contact": contact}


def _everything(
    agent: Caller,
    system: Caller,
    resident: Person,
    text_in: Any,
    run_jobs: Callable[[], int],
) -> dict[str, str]:
    consented_and_started(agent, system, resident, run_jobs)  # journey, suggestion by SMS
    assert text_in(resident.phone, SMS_TEXT).status_code == 200  # signed Twilio webhook
    run_jobs()
    return _ki(system, resident)


def _rows_holding(app: Flask, values: list[str], skip: set[str]) -> dict[str, list[str]]:
    """Tables (outside ``skip``) with a cell that contains one of ``values``."""
    found: dict[str, list[str]] = {}
    with app.app_context():
        session = db.session()
        for table in Base.metadata.sorted_tables:
            if table.name in skip:
                continue
            for row in session.execute(select(table)):
                text = " ".join(str(cell) for cell in row)
                hits = [v for v in values if v in text]
                if hits:
                    found.setdefault(table.name, []).extend(hits)
        db.remove()
    return found


def test_every_package_in_the_export_and_gone_after_erasure(
    app: Flask,
    small: str,
    make_person: Callable[..., Person],
    agent: Caller,
    system: Caller,
    supervisor: Caller,
    fake_twilio: FakeTwilio,
    text_in: Any,
    run_jobs: Callable[[], int],
) -> None:
    resident = make_person()
    made = _everything(agent, system, resident, text_in, run_jobs)

    doc = agent.get(f"/api/v1/parties/{resident.uuid}/export").get_json()
    assert doc["bank_accounts"] == [
        {
            "party_id": str(resident.uuid),
            "iban": IBAN,
            "bic": "",
            "preferred": False,
            "added_at": doc["bank_accounts"][0]["added_at"],
        }
    ]
    assert doc["representations"][0]["representative"] == made["carer"]
    assert doc["categories"][0]["category"] == "mantelzorgontvanger"
    assert doc["contact_attachments"] == [
        {
            "contact_moment_id": made["contact"],
            "object_id": ATTACHMENT,
            "object_type": "document",
            "register": "drc",
        }
    ]
    bodies = [m["body"] for c in doc["conversations"] for m in c["messages"]]
    assert SMS_TEXT in bodies and any(b.startswith("Afvalpas") for b in bodies)
    assert doc["journeys"][0]["journey"] == "small" and doc["journeys"][0]["steps"]
    assert doc["suggestions"][0]["service"] == "waste-pass"
    assert doc["life_events"][0]["type"] == "nl.test.started"
    assert doc["consents"] and doc["processing_log"]
    assert {s.name for s in privacy_sections() if s.export is not None} <= set(doc)

    personal = [IBAN, resident.phone, SMS_TEXT, ATTACHMENT, "de Vries", resident.bsn]
    assert set(_rows_holding(app, personal, set())) >= {
        "bank_accounts",
        "channel_messages",
        "contact_attachments",
        "parties",
    }

    erased = supervisor.post(
        f"/api/v1/parties/{resident.uuid}/erasure",
        json=REQUEST,
    )
    assert erased.status_code == 200, erased.get_json()
    body = erased.get_json()
    assert body["complete"] is True and body["left"] == {}, (body["left"], body["kept"])
    for name in ("bank_accounts", "categories", "conversations", "journeys", "life_events"):
        assert body["erased"][name] >= 1, name
    assert body["erased"]["representations"] == 1
    kept = {k["section"]: k for k in body["kept"]}
    assert set(kept) == {"consents", "processing_log", "identity"}, body["kept"]

    doc = agent.get(f"/api/v1/parties/{resident.uuid}/export").get_json()
    for name in (
        "bank_accounts",
        "representations",
        "categories",
        "contact_attachments",
        "conversations",
        "journeys",
        "suggestions",
        "life_events",
        "contact_moments",
        "addresses",
    ):
        assert doc[name] == [], name
    # Nothing the resident told us is left anywhere but in what is kept on purpose.
    left = _rows_holding(app, personal, {"consent_records", "processing_log"})
    assert left == {}, left


def test_erasure_is_not_complete_while_a_row_is_left(
    app: Flask,
    make_person: Callable[..., Person],
    system: Caller,
    supervisor: Caller,
) -> None:
    """A section whose eraser leaves rows behind makes the answer say so, by name."""
    from kcc.rights.sections import PrivacySection, register_privacy_section

    resident = make_person()
    assert (
        post(
            system, "/rekeningnummers", {"partij": {"uuid": str(resident.uuid)}, "iban": IBAN}
        ).status_code
        == 201
    )
    real = next(s for s in privacy_sections() if s.name == "bank_accounts")
    broken = PrivacySection(
        real.name, real.tables, export=real.export, erase=lambda _parties: 0, count=real.count
    )
    register_privacy_section(broken)
    try:
        body = supervisor.post(
            f"/api/v1/parties/{resident.uuid}/erasure",
            json=REQUEST,
        ).get_json()
    finally:
        register_privacy_section(real)
    assert body["complete"] is False and body["left"] == {"bank_accounts": 1}, body


def test_what_is_kept_is_listed_with_the_reason(
    make_person: Callable[..., Person],
    agent: Caller,
    system: Caller,
    supervisor: Caller,
    text_in: Any,
    run_jobs: Callable[[], int],
) -> None:
    """A STOP stays (else messages would start again); an open complaint holds its contact
    moment with the attachment; the erasure is not complete until the complaint is closed."""
    resident = make_person()
    assert text_in(resident.phone, "STOP").status_code == 200
    run_jobs()
    made = _ki(system, resident)
    complaint = agent.post(
        "/api/v1/tasks",
        json={
            "kind": "complaint",
            "party_id": str(resident.uuid),
            "contact_moment_id": made["contact"],
            "description": "Klacht over de behandeling",
            "assigned_team": "KCC",
        },
    )
    assert complaint.status_code == 201, complaint.get_json()

    body = supervisor.post(
        f"/api/v1/parties/{resident.uuid}/erasure",
        json=REQUEST,
    ).get_json()
    assert body["complete"] is False and body["left"] == {}, body
    kept = {k["section"]: k for k in body["kept"]}
    assert "art. 21" in kept["sms_opt_outs"]["why"] and kept["sms_opt_outs"]["count"] == 1
    assert "goes with it" in kept["contact_attachments"]["why"]
    assert kept["tasks"]["held"] is True and "statutory term" in kept["tasks"]["why"]
    assert body["erased"]["bank_accounts"] == 1 and body["erased"]["identity"] == 0
    doc = agent.get(f"/api/v1/parties/{resident.uuid}/export").get_json()
    assert [a["object_id"] for a in doc["contact_attachments"]] == [ATTACHMENT]
    assert doc["sms_opt_outs"][0]["address"] == resident.phone
    assert doc["bank_accounts"] == []
