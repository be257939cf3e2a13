"""No BSN at rest in clear: residents and agents type them on every channel, the database keeps none."""

from __future__ import annotations

import json
import time
from email.message import EmailMessage
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import inspect, select

from channels.inbound.signed import sign
from channels.models import ChannelMessage
from kcc.contacts.models import ContactMoment
from kcc.db import Base, db
from kcc.privacy.bsn import SEALED_KEY, find, reveal
from tests.channels.conftest import channel_settings, fake_twilio, text_in  # noqa: F401
from tests.conftest import Caller
from tests.klantinteracties.test_flows import patch as ki_patch
from tests.klantinteracties.test_flows import person
from tests.klantinteracties.test_flows import post as ki_post

FORM_SECRET = "form-secret-for-tests-0123456789"
MAIL_SECRET = "mail-secret-for-tests-0123456789"

# Eleven-check-valid numbers, one per place they are typed.
RESIDENT = "111222333"  # registered through a form, quoted in other forms and by the agent
CHILD = "123456782"  # the resident's son, in a form's free text
OLD_STYLE = "012345672"  # written without its leading zero in a form's BSN field
SMS = "999993653"
CHAT = "999990019"
EMAIL = "999991723"
API = "999992491"
KI = "999995017"
KI_PARTY = "999996022"
KI_UPDATE = "999995029"
TASK = "999996009"
TASK_NOTE = "999996010"
ALL = [RESIDENT, CHILD, OLD_STYLE, SMS, CHAT, EMAIL, API, KI, KI_PARTY, KI_UPDATE, TASK, TASK_NOTE]
PHONE = "+31612345671"  # its last nine digits pass the eleven-check: it must stay as it is
IBAN = "NL91ABNA0417164300"


@pytest.fixture(autouse=True)
def secrets_set(channel_settings: Any) -> None:  # noqa: F811
    channel_settings(webform_secret=FORM_SECRET, email_secret=MAIL_SECRET)


def _signed(client: Any, path: str, body: bytes, secret: str, content_type: str) -> Any:
    timestamp = str(int(time.time()))
    headers = {"X-KCC-Timestamp": timestamp, "X-KCC-Signature": sign(secret, timestamp, body)}
    return client.post(path, data=body, headers=headers, content_type=content_type)


def _form(client: Any, submission: str, submitter: dict[str, str], **extra: Any) -> Any:
    body = {"form_id": "verhuizing", "submission_id": submission, "submitter": submitter, **extra}
    response = _signed(
        client, "/channels/web/forms", json.dumps(body).encode(), FORM_SECRET, "application/json"
    )
    assert response.status_code == 201, response.json
    return response.json


def _mail() -> bytes:
    mail = EmailMessage()
    mail["From"] = "Piet Bakker <piet@example.nl>"
    mail["To"] = "kcc@gemeente.example.nl"
    mail["Subject"] = f"Verhuizing, BSN {EMAIL[:3]}.{EMAIL[3:6]}.{EMAIL[6:]}"
    mail["Date"] = "Mon, 23 Nov 2026 10:00:00 +0100"
    mail["Message-ID"] = "<20261123.1000@mail.example.nl>"
    mail.set_content(f"Goedemorgen,\n\nMijn burgerservicenummer is {EMAIL}.\nIBAN {IBAN}.\n")
    return mail.as_bytes()


def _dump(app: Flask) -> list[tuple[str, str, str]]:
    """Every text and JSON value of every table, rendered as stored: (table, column, text)."""
    values = []
    with app.app_context():
        existing = set(inspect(db.engine).get_table_names())
        session = db.session()
        for table in Base.metadata.sorted_tables:
            if table.name not in existing:
                continue
            for row in session.execute(select(table)).mappings():
                for column, value in row.items():
                    if value is None or isinstance(value, bytes | memoryview):
                        continue
                    rendered = value if isinstance(value, str) else json.dumps(value, default=str)
                    values.append((table.name, column, rendered))
        db.remove()
    return values


def _run(
    app: Flask, client: Any, agent: Caller, system: Caller, sms_in: Any, run_jobs: Any
) -> None:
    # Web forms: the BSN as identifier, in a named field and in free text.
    _form(
        client,
        "f-1",
        {"bsn": RESIDENT, "given_names": "Anna", "surname": "Jansen", "email": "anna@example.nl"},
        fields={"toelichting": f"Mijn bsn is 1112 22 333, zoon {CHILD}", "iban": IBAN},
        task={"kind": "follow_up", "description": "Verhuizing van 111.222.333 verwerken"},
    )
    _form(
        client,
        "f-2",
        {"email": "nieuw@example.nl"},
        fields={"Burgerservicenummer": "1112.22.333", "telefoon": "0612345671"},
    )
    _form(client, "f-3", {"email": "oud@example.nl"}, fields={"BSN": OLD_STYLE[1:]})
    # SMS in, the agent's reply quoting the number.
    assert sms_in(PHONE, f"Mijn BSN is {SMS}, bel me op 06 1234 5671").status_code == 200
    run_jobs()
    sms = agent.get("/api/v1/conversations?channel=sms").json["items"][0]
    reply = agent.post(
        f"/api/v1/conversations/{sms['id']}/messages", json={"body": f"We vonden BSN {SMS}."}
    )
    assert reply.status_code == 201, reply.json
    run_jobs()
    # Chat in, the agent's reply.
    chat = client.post("/api/v1/chat/sessions", json={"display_name": "Bea"}).json
    said = client.post(
        f"/api/v1/chat/sessions/{chat['id']}/messages",
        json={"body": f"bsn: {CHAT[:4]} {CHAT[4:6]} {CHAT[6:]}"},
        headers={"X-Chat-Token": chat["token"]},
    )
    assert said.status_code == 201, said.json
    conversation = agent.get("/api/v1/conversations?channel=chat").json["items"][0]
    answer = agent.post(
        f"/api/v1/conversations/{conversation['id']}/messages",
        json={"body": f"Dank u, {CHAT} is bekend."},
    )
    assert answer.status_code == 201
    # E-mail in.
    mail = _signed(client, "/channels/email/inbound", _mail(), MAIL_SECRET, "message/rfc822")
    assert mail.status_code == 202, mail.json
    run_jobs()
    # A contact moment through the API, with the BSN in its subject, text and details.
    moment = agent.post(
        "/api/v1/contact-moments",
        json={
            "channel": "phone",
            "subject": f"Vraag over {API}",
            "text": f"Beller noemde bsn {API[:3]}-{API[3:6]}-{API[6:]}; IBAN {IBAN}",
            "details": {"bsn": API, "caller_number": "0612345671"},
        },
    )
    assert moment.status_code == 201, moment.json
    # A Klantinteracties klantcontact whose inhoud holds one.
    partij = person(system, bsn=KI_PARTY, surname="de Boer")
    made = ki_post(
        system,
        "/maak-klantcontact",
        {
            "klantcontact": {
                "kanaal": "telefoon",
                "onderwerp": "Paspoort",
                "inhoud": f"Klant gaf bsn {KI} op",
                "taal": "nld",
                "vertrouwelijk": False,
                "plaatsgevondenOp": "2026-11-01T10:00:00Z",
            },
            "betrokkene": {
                "wasPartij": {"uuid": partij["uuid"]},
                "rol": "klant",
                "initiator": True,
            },
        },
    )
    assert made.status_code == 201, made.get_json()
    contact = made.get_json()["klantcontact"]
    changed = ki_patch(
        system,
        f"/klantcontacten/{contact['uuid']}",
        {"inhoud": f"Aangevuld: bsn {KI_UPDATE}", "reactie": f"Antwoord over {KI_UPDATE}"},
    )
    assert changed.status_code == 200, changed.get_json()
    # Tasks: an agent's description and note, through the API and as a Klantinteracties task.
    task = agent.post(
        "/api/v1/tasks",
        json={"kind": "callback", "assigned_team": "KCC", "description": f"Bel {TASK} terug"},
    )
    assert task.status_code == 201, task.json
    noted = agent.patch(f"/api/v1/tasks/{task.json['id']}", json={"note": f"ook {TASK_NOTE}"})
    assert noted.status_code == 200, noted.json
    assert (noted.json["description"], noted.json["note"]) == (
        "Bel *****6009 terug",
        "ook *****6010",
    )
    actor = ki_post(
        system,
        "/actoren",
        {
            "naam": "Team Burgerzaken",
            "soortActor": "organisatorische_eenheid",
            "indicatieActief": True,
            "actorIdentificatie": {"omschrijving": "Burgerzaken"},
        },
    )
    internal = ki_post(
        system,
        "/internetaken",
        {
            "gevraagdeHandeling": "Terugbellen",
            "toelichting": f"Klant met bsn {TASK} wacht",
            "aanleidinggevendKlantcontact": {"uuid": contact["uuid"]},
            "toegewezenAanActoren": [{"uuid": actor.get_json()["uuid"]}],
            "status": "te_verwerken",
        },
    )
    assert internal.status_code == 201, internal.get_json()
    run_jobs()


def test_no_bsn_is_stored_in_clear_on_any_channel(
    app: Flask,
    client: Any,
    agent: Caller,
    system: Caller,
    text_in: Any,  # noqa: F811
    fake_twilio: Any,  # noqa: F811
    run_jobs: Any,
) -> None:
    _run(app, client, agent, system, text_in, run_jobs)

    dump = _dump(app)
    assert len(dump) > 100
    in_clear = [(t, c, v) for t, c, v in dump if find(v)]
    assert in_clear == []
    for table, column, value in dump:
        plain = "".join(ch for ch in value if ch not in " .-\u00a0")
        assert not [b for b in ALL if b in plain], (table, column, value)

    # Masked the way the product shows BSNs, and only the BSNs: phone numbers and IBANs stay.
    texts = "\n".join(v for t, c, v in dump if (t, c) == ("contact_moments", "text"))
    for bsn in (RESIDENT, CHILD, SMS, CHAT, API, KI_UPDATE):
        assert "*****" + bsn[-4:] in texts
    assert IBAN in texts and "0612345671" in texts and "06 1234 5671" in texts
    assert [m.body for m in fake_twilio.sent()] == ["We vonden BSN *****3653."]

    # The resident is still found by BSN, and the form that named it in a field is linked.
    found = agent.get(f"/api/v1/parties?bsn={RESIDENT}").json["items"]
    assert len(found) == 1
    moments = agent.get(f"/api/v1/contact-moments?party={found[0]['id']}").json["items"]
    assert sorted(m["details"]["submission_id"] for m in moments) == [
        "f-1",
        "f-2",
    ]
    assert agent.get(f"/api/v1/parties?bsn={KI_PARTY}").json["items"][0]["bsn_masked"] == (
        "*****6022"
    )

    # The numbers the product may need are kept beside the text, encrypted.
    with app.app_context():
        session = db.session()
        in_moments = [
            sorted(reveal(details))
            for details in session.scalars(select(ContactMoment.details))
            if SEALED_KEY in details
        ]
        in_messages = [
            (message.channel, message.direction, reveal(message.details))
            for message in session.scalars(select(ChannelMessage).order_by(ChannelMessage.id))
        ]
        db.remove()
    assert sorted(in_moments) == sorted(
        [sorted([CHILD, RESIDENT]), [RESIDENT], [OLD_STYLE], [API], sorted([KI, KI_UPDATE])]
    )
    assert in_messages == [
        ("sms", "inbound", [SMS]),
        ("sms", "outbound", [SMS]),
        ("chat", "inbound", [CHAT]),
        ("chat", "outbound", [CHAT]),
        ("email", "inbound", [EMAIL]),
    ]


def test_an_e_mail_id_that_looks_like_a_bsn_still_threads_the_reply(
    app: Flask, client: Any, agent: Caller, run_jobs: Any
) -> None:
    first_id = f"<{RESIDENT}@mail.example.nl>"
    for message_id, in_reply_to in ((first_id, None), ("<2@mail.example.nl>", first_id)):
        mail = EmailMessage()
        mail["From"] = "piet@example.nl"
        mail["To"] = "kcc@gemeente.example.nl"
        mail["Subject"] = "Afvalpas"
        mail["Date"] = "Mon, 23 Nov 2026 10:00:00 +0100"
        mail["Message-ID"] = message_id
        if in_reply_to:
            mail["In-Reply-To"] = in_reply_to
        mail.set_content("Nog een vraag.")
        sent = _signed(
            client, "/channels/email/inbound", mail.as_bytes(), MAIL_SECRET, "message/rfc822"
        )
        assert sent.status_code == 202, sent.json
        run_jobs()
    conversations = agent.get("/api/v1/conversations?channel=email").json["items"]
    assert len(conversations) == 1
    assert conversations[0]["message_count"] == 2
