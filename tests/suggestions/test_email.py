"""Suggestions go out by e-mail (SMTP) when that is the resident's preferred permitted channel."""

from __future__ import annotations

import time
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import pytest
from flask.testing import FlaskClient

from channels.inbound.signed import sign
from tests.conftest import Caller
from tests.fakes.smtp_server import LocalSmtpServer
from tests.fakes.twilio_server import FakeTwilio
from tests.suggestions.conftest import grant, start_small

MAIL_SECRET = "mail-secret-for-tests-0123456789"


@pytest.fixture()
def smtp(channel_settings) -> Iterator[LocalSmtpServer]:  # type: ignore[no-untyped-def]
    with LocalSmtpServer() as server:
        channel_settings(smtp_host="127.0.0.1", smtp_port=server.port, email_secret=MAIL_SECRET)
        yield server


def _items(agent: Caller, person: Any) -> list[dict[str, Any]]:
    response = agent.get(f"/api/v1/parties/{person.uuid}/suggestions")
    assert response.status_code == 200, response.get_json()
    return response.get_json()["items"]  # type: ignore[no-any-return]


def _reply(client: FlaskClient, sender: str, to: EmailMessage, body: str, n: int) -> None:
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = str(to["From"])
    mail["Subject"] = f"Re: {to['Subject']}"
    mail["Date"] = "Mon, 23 Nov 2026 10:00:00 +0100"
    mail["Message-ID"] = f"<answer-{n}@example.nl>"
    mail["In-Reply-To"] = str(to["Message-ID"])
    mail["References"] = str(to["Message-ID"])
    mail.set_content(f"{body}\n\n> {to.get_content().splitlines()[0]}\n")
    raw = mail.as_bytes()
    timestamp = str(int(time.time()))
    response = client.post(
        "/channels/email/inbound",
        data=raw,
        headers={
            "X-KCC-Timestamp": timestamp,
            "X-KCC-Signature": sign(MAIL_SECRET, timestamp, raw),
        },
        content_type="message/rfc822",
    )
    assert response.status_code == 202, response.get_json()


def test_preferred_email_with_consent_for_any_channel_goes_out_by_smtp_in_english(
    small: str,
    make_person,
    agent: Caller,
    system: Caller,
    fake_twilio: FakeTwilio,
    smtp: LocalSmtpServer,
    run_jobs,
) -> None:  # type: ignore[no-untyped-def]
    person = make_person(language="en", channel="email", email="sanne@example.nl")
    grant(agent, person, channel="any")
    start_small(system, person)
    for _ in range(3):
        run_jobs()
    [item] = _items(agent, person)
    assert item["status"] == "sent" and item["channel"] == "email", item
    assert fake_twilio.sent() == [], "the resident prefers e-mail; no SMS"
    [mail] = smtp.messages
    assert mail["To"] == "sanne@example.nl"
    assert mail["From"] == "kcc@gemeente.example.nl"
    assert mail["Subject"] == "A message from the municipality"
    assert mail["In-Reply-To"] is None and mail["Message-ID"]
    body = mail.get_content().replace("\r\n", "\n")
    assert body.startswith("Waste pass\n\n")
    assert "Reply to this e-mail with YES or NO" in body and "Reply STOP" in body
    view = agent.get(f"/api/v1/parties/{person.uuid}/view").get_json()
    assert [c["channel"] for c in view["conversations"]] == ["email"]


def test_consent_for_email_only_sends_email_in_dutch_and_reply_ja_accepts(
    client: FlaskClient,
    small: str,
    make_person,
    agent: Caller,
    system: Caller,
    fake_twilio: FakeTwilio,
    smtp: LocalSmtpServer,
    run_jobs,
) -> None:  # type: ignore[no-untyped-def]
    person = make_person(language="nl", channel="sms", email="piet@example.nl")
    grant(agent, person, channel="email")
    start_small(system, person)
    for _ in range(3):
        run_jobs()
    assert [i["channel"] for i in _items(agent, person)] == ["email"]
    assert fake_twilio.sent() == []
    [mail] = smtp.messages
    assert mail["Subject"] == "Bericht van de gemeente"
    assert mail.get_content().startswith("Afvalpas\r\n")
    assert "Beantwoord deze e-mail met JA of NEE" in mail.get_content()
    _reply(client, "Piet <piet@example.nl>", mail, "Ja", 1)
    for _ in range(4):
        run_jobs()
    [item] = _items(agent, person)
    assert item["status"] == "accepted" and item["answered_by"] == "resident:email"


def test_stop_by_email_withdraws_email_consent_and_the_suggestion(
    client: FlaskClient,
    small: str,
    make_person,
    agent: Caller,
    system: Caller,
    smtp: LocalSmtpServer,
    run_jobs,
) -> None:  # type: ignore[no-untyped-def]
    person = make_person(language="en", channel="email", email="anna@example.nl")
    grant(agent, person, channel="email")
    start_small(system, person)
    for _ in range(3):
        run_jobs()
    [mail] = smtp.messages
    _reply(client, "anna@example.nl", mail, "STOP", 2)
    for _ in range(4):
        run_jobs()
    [item] = _items(agent, person)
    assert item["status"] == "withdrawn" and "withdrew consent" in item["note"]
    consents = agent.get(f"/api/v1/parties/{person.uuid}/consents").get_json()
    assert consents["current"] == []
    withdrawal = [r for r in consents["items"] if r["action"] == "withdrawn"]
    assert withdrawal and withdrawal[0]["method"] == "email"


def test_email_consent_without_an_address_sends_nothing(
    small: str,
    make_person,
    agent: Caller,
    system: Caller,
    fake_twilio: FakeTwilio,
    smtp: LocalSmtpServer,
    run_jobs,
) -> None:  # type: ignore[no-untyped-def]
    person = make_person(channel="email")
    grant(agent, person, channel="email")
    start_small(system, person)
    for _ in range(3):
        run_jobs()
    [item] = _items(agent, person)
    assert item["status"] == "proposed" and "no permitted channel reaches" in item["note"]
    assert smtp.messages == [] and fake_twilio.sent() == []
