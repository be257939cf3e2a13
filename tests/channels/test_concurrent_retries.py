"""A retry racing its first copy: five concurrent copies of each idempotent write, on PostgreSQL.

Every copy answers as the first did (same body) or 409, never 5xx, and one row is stored.
The copies go over HTTP to a threaded live server, as a provider's retries would.
"""

from __future__ import annotations

import json
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from email.message import EmailMessage
from typing import Any

import pytest
import requests
from flask import Flask

from channels.inbound.signed import sign
from channels.models import ChannelMessage
from kcc.contacts.models import ContactMoment
from kcc.http.models import IdempotencyRecord
from kcc.parties.models import Party
from kcc.tasks.models import Task
from tests.channels.conftest import PUBLIC, SMS_PATH, count
from tests.fakes.live_server import live_server
from tests.fakes.twilio_server import FakeTwilio, deliver_signed, http_poster

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not os.environ.get("KCC_TEST_DATABASE_URL"),
        reason="needs PostgreSQL (KCC_TEST_DATABASE_URL): SQLite serialises all writes",
    ),
]

COPIES = 5
FORM_SECRET = "form-secret-for-tests-0123456789"
MAIL_SECRET = "mail-secret-for-tests-0123456789"


@pytest.fixture()
def base(app: Flask, channel_settings: Any) -> Iterator[str]:
    channel_settings(webform_secret=FORM_SECRET, email_secret=MAIL_SECRET)
    with live_server(app) as url:
        yield url


def _concurrently(call: Callable[[int], requests.Response]) -> list[requests.Response]:
    barrier = threading.Barrier(COPIES)

    def run(i: int) -> requests.Response:
        barrier.wait()
        return call(i)

    with ThreadPoolExecutor(COPIES) as pool:
        return list(pool.map(run, range(COPIES)))


def _assert_one_answer(responses: list[requests.Response]) -> None:
    """No 5xx; every success carries the same body; at least one copy succeeded."""
    statuses = [r.status_code for r in responses]
    assert all(s < 500 for s in statuses), [(r.status_code, r.text) for r in responses]
    succeeded = [r for r in responses if r.status_code != 409]
    assert succeeded, statuses
    assert all(200 <= r.status_code < 300 for r in succeeded), [r.text for r in responses]
    assert len({_stable(r) for r in succeeded}) == 1, [r.text for r in succeeded]
    for refused in (r for r in responses if r.status_code == 409):
        assert refused.headers["Content-Type"].startswith("application/problem+json")
        assert refused.json()["detail"]


def _stable(response: requests.Response) -> str:
    return json.dumps(response.json(), sort_keys=True)


def test_twilio_sms_with_one_message_sid(app: Flask, base: str, fake_twilio: FakeTwilio) -> None:
    form = fake_twilio.inbound_form("+31612345678", "Vijf keer tegelijk")
    post = http_poster(base)
    responses = _concurrently(lambda _: deliver_signed(fake_twilio, post, PUBLIC, SMS_PATH, form))
    assert [r.status_code for r in responses] == [200] * COPIES
    assert count(app, ChannelMessage) == 1


def test_contact_moment_with_one_external_id(app: Flask, base: str, agent: Any) -> None:
    body = {
        "channel": "phone",
        "direction": "inbound",
        "subject": "Vraag over afvalpas",
        "external_id": "call-2026-0001",
    }
    headers = {"Authorization": f"Bearer {agent.token}"}
    responses = _concurrently(
        lambda _: requests.post(
            f"{base}/api/v1/contact-moments", json=body, headers=headers, timeout=30
        )
    )
    _assert_one_answer(responses)
    assert count(app, ContactMoment) == 1


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/contact-moments", {"channel": "counter", "direction": "inbound"}),
        ("/api/v1/parties", {"type": "person", "surname": "Jansen", "given_names": "Anna"}),
    ],
)
def test_post_with_one_idempotency_key(
    app: Flask, base: str, agent: Any, path: str, body: dict[str, str]
) -> None:
    headers = {"Authorization": f"Bearer {agent.token}", "Idempotency-Key": str(uuid.uuid4())}
    responses = _concurrently(
        lambda _: requests.post(f"{base}{path}", json=body, headers=headers, timeout=30)
    )
    _assert_one_answer(responses)
    # The copies wait for the first one's claim on the key and replay its answer.
    assert [r.status_code for r in responses] == [201] * COPIES
    assert sum(r.headers.get("Idempotent-Replayed") == "true" for r in responses) == COPIES - 1
    model = ContactMoment if path.endswith("contact-moments") else Party
    assert count(app, model) == 1
    assert count(app, IdempotencyRecord) == 1


SUBMITTERS = {
    "new-resident": {
        "bsn": "111222333",
        "given_names": "Anna",
        "surname": "Jansen",
        "email": "anna@example.nl",
    },
    "email-only": {"email": "piet@example.nl"},
    "anonymous": {},
}


def _form(submitter: str) -> bytes:
    body: dict[str, Any] = {
        "form_id": "melding-openbare-ruimte",
        "submission_id": "sub-42",
        "subject": "Losliggende stoeptegel",
        "submitter": SUBMITTERS[submitter],
        "fields": {"locatie": "Dorpsstraat 1"},
        "task": {"kind": "follow_up", "team": "Buitendienst"},
    }
    return json.dumps(body).encode()


def _email() -> bytes:
    message = EmailMessage()
    message["From"] = "Anna Jansen <anna@example.nl>"
    message["To"] = "kcc@gemeente.example.nl"
    message["Subject"] = "Vraag over parkeervergunning"
    message["Date"] = "Wed, 02 Dec 2026 10:00:00 +0100"
    message["Message-ID"] = "<vraag-42@example.nl>"
    message.set_content("Wanneer krijg ik mijn vergunning?")
    return message.as_bytes()


def _signed_post(base: str, path: str, body: bytes, secret: str, timestamp: int) -> Any:
    headers = {
        "X-KCC-Timestamp": str(timestamp),
        "X-KCC-Signature": sign(secret, str(timestamp), body),
        "Content-Type": "application/json" if path.endswith("forms") else "message/rfc822",
    }
    return requests.post(f"{base}{path}", data=body, headers=headers, timeout=30)


@pytest.mark.parametrize("submitter", sorted(SUBMITTERS))
@pytest.mark.parametrize("resigned", [False, True], ids=["same-signature", "signed-anew"])
def test_web_form_submission(app: Flask, base: str, resigned: bool, submitter: str) -> None:
    body = _form(submitter)
    now = int(time.time())
    responses = _concurrently(
        lambda i: _signed_post(
            base, "/channels/web/forms", body, FORM_SECRET, now - (i if resigned else 0)
        )
    )
    _assert_one_answer(responses)
    assert count(app, ContactMoment) == 1
    assert count(app, Task) == 1
    assert count(app, Party) == (0 if submitter == "anonymous" else 1)


@pytest.mark.parametrize("resigned", [False, True], ids=["same-signature", "signed-anew"])
def test_inbound_email(app: Flask, base: str, resigned: bool) -> None:
    body = _email()
    now = int(time.time())
    responses = _concurrently(
        lambda i: _signed_post(
            base, "/channels/email/inbound", body, MAIL_SECRET, now - (i if resigned else 0)
        )
    )
    _assert_one_answer(responses)
    assert count(app, ChannelMessage) == 1
