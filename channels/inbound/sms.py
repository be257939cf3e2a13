"""Inbound SMS and WhatsApp: store the message once per MessageSid and act on opt-out keywords."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Table
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from channels.constants import MessageStatus, OptOutKind
from channels.inbound.dispatch import thread_after_commit
from channels.models import ChannelMessage
from channels.optouts import opt_in, opt_out
from channels.twilio.keywords import classify
from kcc.constants import Channel, Direction
from kcc.db import db, utcnow
from kcc.privacy.bsn import protect_text

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
        if (form.get("NumMedia") or "0").isdecimal()
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


_INSERTS: dict[str, Any] = {}


def _insert_statement() -> Any:
    """``INSERT ... ON CONFLICT (channel, provider_sid) DO NOTHING RETURNING id``, built once.

    Core, not the ORM: the webhook's one statement skips the unit of work, and the same
    statement object lets SQLAlchemy reuse its compiled form on every request.
    """
    dialect = db.dialect
    if dialect not in _INSERTS:
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        table = cast(Table, ChannelMessage.__table__)
        _INSERTS[dialect] = (
            insert(table)
            .on_conflict_do_nothing(index_elements=["channel", "provider_sid"])
            .returning(table.c.id)
        )
    return _INSERTS[dialect]


def receive_sms(data: InboundSms) -> uuid.UUID | None:
    """Store one inbound message; a repeat of its MessageSid stores nothing. Returns the new id.

    An ordinary message is one ``INSERT ... ON CONFLICT DO NOTHING`` committed on its own
    (autocommit: no BEGIN and COMMIT round trips). An opt-out or opt-in keyword is stored in
    the request's transaction together with its effect, so the two commit as one, before the
    webhook answers. Threading into a conversation is a job queued after commit (``dispatch``).
    """
    message_uuid = uuid.uuid4()
    details = dict(data.details)
    if data.opt_out_type:
        details["opt_out_type"] = data.opt_out_type
    values = {
        "uuid": message_uuid,
        "channel": Channel.SMS.value,
        "direction": Direction.INBOUND.value,
        "body": data.body,
        "sender": data.sender,
        "recipient": data.recipient,
        "provider_sid": data.sid,
        "status": MessageStatus.RECEIVED.value,
        "media": data.media,
        "details": details,
        "attempts": 0,
        "created_at": utcnow(),
    }
    values["body"], values["details"] = protect_text(data.body, details)
    kind = classify(data.body, data.opt_out_type)
    if kind is None or kind == OptOutKind.HELP:
        assert db.engine is not None
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            new_id = conn.scalar(_insert_statement(), values)
    else:
        new_id = db.session().scalar(_insert_statement(), values)
        if new_id is not None:
            _apply_keyword(data, kind, new_id)
    if new_id is None:
        return None
    thread_after_commit(message_uuid)
    return message_uuid


def _apply_keyword(data: InboundSms, kind: OptOutKind, message_id: int) -> None:
    message = db.session().get(ChannelMessage, message_id)
    keyword = data.body.strip().upper()[:20] or None
    if kind == OptOutKind.STOP:
        source = "opt_out_type" if data.opt_out_type else "keyword"
        opt_out(data.sender, source, keyword, message)
    else:
        opt_in(data.sender, keyword, message)
