"""Sends SMS and WhatsApp messages through Twilio's Messages API and finds lost sends again."""

from __future__ import annotations

from datetime import timedelta

import requests
from flask import current_app
from twilio.base.exceptions import TwilioException, TwilioRestException

from channels.outbound.senders import Outgoing, SendFailed, SendResult
from channels.status import TWILIO_STATUS
from channels.twilio.client import twilio_client
from kcc.db import utcnow

RECONCILE_WINDOW = timedelta(minutes=2)
RECONCILE_LIMIT = 100


def status_callback_url(message_uuid: str) -> str | None:
    base = current_app.config["KCC_SETTINGS"].public_base_url
    return f"{base}/channels/twilio/status?m={message_uuid}" if base else None


class TwilioSmsSender:
    """The ``sms`` channel's sender."""

    def send(self, outgoing: Outgoing) -> SendResult:
        options = {"to": outgoing.recipient, "from_": outgoing.sender, "body": outgoing.body}
        callback = status_callback_url(str(outgoing.uuid))
        if callback:
            options["status_callback"] = callback
        try:
            created = twilio_client().messages.create(**options)
        except (TwilioException, requests.RequestException) as exc:
            raise provider_failure(exc, "send") from exc
        return SendResult(created.sid, TWILIO_STATUS.get(str(created.status), "sending"))

    def find_sent(self, outgoing: Outgoing, taken: set[str]) -> SendResult | None:
        """Twilio's list of messages to this number: one with our body, created since our first try."""
        since = (outgoing.first_attempt_at or utcnow()) - RECONCILE_WINDOW
        try:
            listed = twilio_client().messages.list(
                to=outgoing.recipient, from_=outgoing.sender, limit=RECONCILE_LIMIT
            )
        except (TwilioException, requests.RequestException) as exc:
            # The earlier attempt's outcome is still unknown: never give up on the lookup
            # for a refusal alone, or a resend could duplicate the SMS.
            failure = provider_failure(exc, "message list")
            raise SendFailed(failure.code, failure.message, True) from exc
        for item in sorted(listed, key=lambda m: m.date_created or since):
            if item.sid in taken or item.body != outgoing.body:
                continue
            if item.date_created is not None and item.date_created < since:
                continue
            return SendResult(item.sid, TWILIO_STATUS.get(str(item.status), "sending"))
        return None


def provider_failure(exc: Exception, call: str) -> SendFailed:
    """What went wrong talking to Twilio, as a failure of this one message.

    A 429, a 5xx or an unreachable API is retried; any other refusal is final. The SDK raises
    a bare ``TwilioException`` (no status attribute) when a list page answers non-200.
    """
    if isinstance(exc, requests.RequestException):
        return SendFailed("network", f"Twilio not reached ({call}): {type(exc).__name__}", True)
    if isinstance(exc, TwilioRestException):
        status = exc.status
        return SendFailed(
            str(exc.code or status), exc.msg or f"Twilio answered {status}", _retryable(status)
        )
    response = exc.args[1] if len(exc.args) > 1 else None
    status = getattr(response, "status_code", None)
    if isinstance(status, int):
        return SendFailed(
            str(status), f"Twilio answered {status} to the {call}", _retryable(status)
        )
    return SendFailed(
        "twilio", f"Twilio error on the {call}: {exc.args[0] if exc.args else exc}", True
    )


def _retryable(status: int) -> bool:
    return status == 429 or status >= 500
