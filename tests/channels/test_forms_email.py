"""Web forms and e-mail: HMAC-signed, fresh, never replayed; e-mail threads and replies by SMTP."""

from __future__ import annotations

import json
import time
from email.message import EmailMessage

import pytest

from channels.inbound.signed import sign
from channels.models import ChannelMessage, Conversation, MessageAttachment
from kcc.contacts.models import ContactMoment
from kcc.tasks.models import Task
from tests.channels.conftest import count
from tests.fakes.smtp_server import LocalSmtpServer

FORM_SECRET = "form-secret-for-tests-0123456789"
MAIL_SECRET = "mail-secret-for-tests-0123456789"


@pytest.fixture(autouse=True)
def secrets_set(channel_settings):
    channel_settings(webform_secret=FORM_SECRET, email_secret=MAIL_SECRET)


def _post(
    client,
    path,
    body: bytes,
    secret,
    timestamp=None,
    content_type="application/json",
    signature=None,
):
    timestamp = str(int(time.time()) if timestamp is None else timestamp)
    headers = {
        "X-KCC-Timestamp": timestamp,
        "X-KCC-Signature": signature or sign(secret, timestamp, body),
    }
    return client.post(path, data=body, headers=headers, content_type=content_type)


def _form(**extra):
    body = {
        "form_id": "melding-openbare-ruimte",
        "submission_id": "sub-1",
        "subject": "Losliggende stoeptegel",
        "submitter": {
            "bsn": "111222333",
            "given_names": "Anna",
            "surname": "Jansen",
            "email": "anna@example.nl",
        },
        "fields": {"locatie": "Dorpsstraat 1", "omschrijving": "Tegel ligt los"},
    }
    body.update(extra)
    return json.dumps(body).encode()


def test_form_becomes_contact_moment_and_task(app, client, agent):
    body = _form(task={"kind": "follow_up", "team": "Openbare ruimte"})
    response = _post(client, "/channels/web/forms", body, FORM_SECRET)
    assert response.status_code == 201, response.json
    assert response.json["task_id"]
    party = agent.get("/api/v1/parties?bsn=111222333").json["items"][0]
    view = agent.get(f"/api/v1/parties/{party['id']}/view").json
    moment = view["contact_moments"]["items"][0]
    assert moment["channel"] == "web" and moment["subject"] == "Losliggende stoeptegel"
    assert "Dorpsstraat 1" in moment["text"]
    assert view["open_tasks"][0]["assigned_team"] == "Openbare ruimte"


def test_form_replay_stale_and_forged_are_refused(app, client):
    body = _form()
    first = _post(client, "/channels/web/forms", body, FORM_SECRET, timestamp=int(time.time()))
    assert first.status_code == 201
    replay = client.post(
        "/channels/web/forms",
        data=body,
        content_type="application/json",
        headers={
            "X-KCC-Timestamp": first.request.headers["X-KCC-Timestamp"],
            "X-KCC-Signature": first.request.headers["X-KCC-Signature"],
        },
    )
    stale = _post(
        client,
        "/channels/web/forms",
        _form(submission_id="sub-2"),
        FORM_SECRET,
        timestamp=int(time.time()) - 600,
    )
    forged = _post(client, "/channels/web/forms", _form(submission_id="sub-3"), "wrong-secret")
    missing = client.post(
        "/channels/web/forms", data=_form(submission_id="sub-4"), content_type="application/json"
    )
    assert replay.status_code == 409
    assert [r.status_code for r in (stale, forged, missing)] == [403, 403, 403]
    assert all(r.mimetype == "application/problem+json" for r in (replay, stale, forged, missing))
    assert count(app, ContactMoment) == 1


def test_malformed_form_bodies_are_422(app, client):
    not_json = _post(client, "/channels/web/forms", b"form_id=x", FORM_SECRET)
    unknown_field = _post(client, "/channels/web/forms", _form(colour="blue"), FORM_SECRET)
    missing = _post(
        client, "/channels/web/forms", json.dumps({"form_id": "x"}).encode(), FORM_SECRET
    )
    bad_bsn = _post(
        client,
        "/channels/web/forms",
        _form(submitter={"bsn": "123456789", "surname": "X"}),
        FORM_SECRET,
    )
    assert [r.status_code for r in (not_json, unknown_field, missing, bad_bsn)] == [
        422,
        422,
        422,
        422,
    ]
    assert missing.json["invalid_params"][0]["name"] == "submission_id"
    assert count(app, ContactMoment) == 0
    assert count(app, Task) == 0


def _mail(
    subject="Vraag over afvalpas", message_id="<m1@example.nl>", in_reply_to=None, attach=False
) -> bytes:
    mail = EmailMessage()
    mail["From"] = "Piet Bakker <Piet.Bakker@Example.nl>"
    mail["To"] = "kcc@gemeente.example.nl"
    mail["Subject"] = subject
    mail["Date"] = "Mon, 23 Nov 2026 10:00:00 +0100"
    mail["Message-ID"] = message_id
    if in_reply_to:
        mail["In-Reply-To"] = in_reply_to
        mail["References"] = in_reply_to
    mail.set_content("Ik ben mijn afvalpas kwijt.")
    if attach:
        mail.add_attachment(
            b"%PDF-1.4 fake", maintype="application", subtype="pdf", filename="pas.pdf"
        )
    return mail.as_bytes()


def test_email_threads_and_agent_reply_goes_out_by_smtp(
    app, client, agent, run_jobs, channel_settings
):
    first = _post(
        client,
        "/channels/email/inbound",
        _mail(attach=True),
        MAIL_SECRET,
        content_type="message/rfc822",
    )
    assert first.status_code == 202, first.json
    run_jobs()
    conversation = agent.get("/api/v1/conversations?channel=email").json["items"][0]
    assert conversation["address"] == "piet.bakker@example.nl"
    detail = agent.get(f"/api/v1/conversations/{conversation['id']}").json
    assert detail["messages"][0]["media"][0]["content_type"] == "application/pdf"
    assert count(app, MessageAttachment) == 1

    with LocalSmtpServer() as smtp:
        channel_settings(smtp_host="127.0.0.1", smtp_port=smtp.port)
        reply = agent.post(
            f"/api/v1/conversations/{conversation['id']}/messages",
            json={"body": "U krijgt een nieuwe pas."},
        )
        assert reply.status_code == 201
        run_jobs()
        assert len(smtp.messages) == 1
        sent = smtp.messages[0]
    assert sent["To"] == "piet.bakker@example.nl"
    assert sent["In-Reply-To"] == "<m1@example.nl>"
    assert sent["Subject"] == "Re: Vraag over afvalpas"
    assert "nieuwe pas" in sent.get_content()

    answer = _mail(
        subject="Re: Re: Vraag over afvalpas",
        message_id="<m2@example.nl>",
        in_reply_to=sent["Message-ID"],
    )
    assert (
        _post(
            client, "/channels/email/inbound", answer, MAIL_SECRET, content_type="message/rfc822"
        ).status_code
        == 202
    )
    run_jobs()
    assert count(app, Conversation) == 1
    assert count(app, ChannelMessage) == 3
    messages = agent.get(f"/api/v1/conversations/{conversation['id']}").json["messages"]
    assert messages[1]["status"] == "sent"


def test_not_rfc5322_is_422_and_stores_nothing(app, client):
    for raw in (b"just some text without headers", b"", b"Subject: no sender\r\n\r\nbody"):
        response = _post(
            client, "/channels/email/inbound", raw, MAIL_SECRET, content_type="message/rfc822"
        )
        assert response.status_code == 422, raw
    assert count(app, ChannelMessage) == 0
