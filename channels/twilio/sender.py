"""Sends SMS and WhatsApp messages through Twilio's Messages API and finds lost sends again."""

from __future__ import annotations

from datetime import timedelta

import requests
from flask import current_app
from twilio.base.exceptions import TwilioRestException

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
        except TwilioRestException as exc:
            raise SendFailed(
                str(exc.code or exc.status), exc.msg or "Twilio error", exc.status >= 500
            ) from exc
        except requests.RequestException as exc:
            raise SendFailed("network", f"Twilio not reached: {type(exc).__name__}", True) from exc
        return SendResult(created.sid, TWILIO_STATUS.get(str(created.status), "sending"))

    def find_sent(self, outgoing: Outgoing, taken: set[str]) -> SendResult | None:
        """Twilio's list of messages to this number: one with our body, created since our first try."""
        since = (outgoing.first_attempt_at or utcnow()) - RECONCILE_WINDOW
        try:
            listed = twilio_client().messages.list(
                to=outgoing.recipient, from_=outgoing.sender, limit=RECONCILE_LIMIT
            )
        except TwilioRestException as exc:
            raise SendFailed(str(exc.code or exc.status), exc.msg or "Twilio error", True) from exc
        except requests.RequestException as exc:
            raise SendFailed("network", f"Twilio not reached: {type(exc).__name__}", True) from exc
        for item in sorted(listed, key=lambda m: m.date_created or since):
            if item.sid in taken or item.body != outgoing.body:
                continue
            if item.date_created is not None and item.date_created < since:
                continue
            return SendResult(item.sid, TWILIO_STATUS.get(str(item.status), "sending"))
        return None
