"""Inbound SMS and WhatsApp: store the message once per MessageSid and act on opt-out keywords."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from channels.constants import MessageStatus, OptOutKind
from channels.events import InboundMessageStored
from channels.models import ChannelMessage
from channels.optouts import opt_in, opt_out
from channels.twilio.keywords import classify
from kcc.constants import Channel, Direction
from kcc.db import db, utcnow
from kcc.events.outbox import record

MAX_MEDIA = 10


@dataclass
class InboundSms:
    """What a Twilio inbound webhook carries that we keep."""

    sid: str
    sender: str
    recipient: str
    body: str = ""
    media: list[dict[str, str]] = field(default_factory=list)
    opt_out_type: str | None = None
    details: dict[str, Any] = field(default_factory=dict)


def parse_twilio_form(form: Any) -> InboundSms:
    """Turn Twilio's form fields into an ``InboundSms``; media stay references with their type."""
    count = (
        min(int(form.get("NumMedia") or 0), MAX_MEDIA)
        if (form.get("NumMedia") or "0").isdigit()
        else 0
    )
    media = [
        {"url": form.get(f"MediaUrl{i}", ""), "content_type": form.get(f"MediaContentType{i}", "")}
        for i in range(count)
        if form.get(f"MediaUrl{i}")
    ]
    sender = form.get("From", "")
    details = {
        key: form.get(key)
        for key in ("AccountSid", "MessagingServiceSid", "NumSegments", "ProfileName", "WaId")
        if form.get(key)
    }
    details["via"] = "whatsapp" if sender.startswith("whatsapp:") else "sms"
    return InboundSms(
        sid=form.get("MessageSid") or form.get("SmsSid") or "",
        sender=sender,
        recipient=form.get("To", ""),
        body=form.get("Body", ""),
        media=media,
        opt_out_type=form.get("OptOutType") or None,
        details=details,
    )


def _insert_once(values: dict[str, Any]) -> int | None:
    """One INSERT ... ON CONFLICT DO NOTHING: the id of the new row, or None for a repeat."""
    dialect = db.dialect
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    stmt = (
        insert(ChannelMessage)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["channel", "provider_sid"])
        .returning(ChannelMessage.id)
    )
    return db.session().scalar(stmt)


def receive_sms(data: InboundSms) -> bool:
    """Store one inbound message; a repeat of its MessageSid stores nothing. Returns whether new.

    Opt-out and opt-in keywords take effect in the same transaction; threading into a
    conversation happens after the response, from the outbox.
    """
    message_uuid = uuid.uuid4()
    new_id = _insert_once(
        {
            "uuid": message_uuid,
            "channel": Channel.SMS.value,
            "direction": Direction.INBOUND.value,
            "body": data.body,
            "sender": data.sender,
            "recipient": data.recipient,
            "provider_sid": data.sid,
            "status": MessageStatus.RECEIVED.value,
            "media": data.media,
            "details": {
                **data.details,
                **({"opt_out_type": data.opt_out_type} if data.opt_out_type else {}),
            },
            "attempts": 0,
            "created_at": utcnow(),
        }
    )
    if new_id is None:
        return False
    kind = classify(data.body, data.opt_out_type)
    if kind is not None and kind != OptOutKind.HELP:
        message = db.session().get(ChannelMessage, new_id)
        keyword = data.body.strip().upper()[:20] or None
        if kind == OptOutKind.STOP:
            opt_out(
                data.sender, "opt_out_type" if data.opt_out_type else "keyword", keyword, message
            )
        else:
            opt_in(data.sender, keyword, message)
    record(InboundMessageStored(message_id=str(message_uuid), channel=Channel.SMS))
    return True
