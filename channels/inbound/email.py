"""Inbound e-mail: a raw RFC 5322 message, parsed with the standard library, stored once."""

from __future__ import annotations

import hashlib
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from channels.constants import MessageStatus
from channels.inbound.dispatch import thread_after_commit
from channels.models import ChannelMessage, MessageAttachment
from kcc.constants import Channel, Direction
from kcc.db import db
from kcc.errors import ValidationFailed
from kcc.parties.identifiers import normalise_email
from kcc.privacy.bsn import protect_text

MAX_BODY_CHARS = 100_000


def parse_email(raw: bytes) -> EmailMessage:
    """Parse ``raw``; refuse what is not an RFC 5322 message (no From, no Date, broken headers)."""
    if not raw.strip():
        raise ValidationFailed.field("body", _l("the request holds no e-mail message"))
    message = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(message, EmailMessage)
    header_defects = [d for d in message.defects if "Header" in type(d).__name__]
    if header_defects or not message.keys():
        raise ValidationFailed.field(
            "body", _l("not an RFC 5322 message: the header section is malformed")
        )
    for name in ("From", "Date"):
        if not message.get(name):
            raise ValidationFailed.field(
                name, _l("an RFC 5322 message has a %(name)s header", name=name)
            )
    if not parseaddr(str(message["From"]))[1]:
        raise ValidationFailed.field("From", _l("no address in the From header"))
    return message


def _ids(value: str | None) -> list[str]:
    return [
        part.strip()
        for part in (value or "").replace("\n", " ").split()
        if part.strip().startswith("<")
    ]


def _text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        return str(part.get_content())[:MAX_BODY_CHARS]
    except (LookupError, UnicodeDecodeError):
        return part.get_payload(decode=True).decode("utf-8", "replace")[:MAX_BODY_CHARS]  # type: ignore[union-attr]


def receive_email(raw: bytes) -> tuple[ChannelMessage, bool]:
    """Store one e-mail with its attachments as referenced blobs; a repeat of its Message-ID is a no-op."""
    message = parse_email(raw)
    sender = normalise_email(parseaddr(str(message["From"]))[1], field="From")
    message_id = (
        str(message.get("Message-ID") or "").strip()
        or f"<{hashlib.sha256(raw).hexdigest()}@kcc.invalid>"
    )
    session = db.session()
    existing = session.scalar(
        select(ChannelMessage).where(
            ChannelMessage.channel == Channel.EMAIL, ChannelMessage.provider_sid == message_id
        )
    )
    if existing is not None:
        return existing, False
    recipients = [
        address for _, address in getaddresses([str(v) for v in message.get_all("To", [])])
    ]
    stored = ChannelMessage(
        channel=Channel.EMAIL,
        direction=Direction.INBOUND,
        body=_text(message),
        sender=sender,
        recipient=", ".join(recipients)[:254],
        provider_sid=message_id[:200],
        status=MessageStatus.RECEIVED,
        media=[],
        details={
            "subject": str(message.get("Subject") or "")[:200],
            "in_reply_to": next(iter(_ids(str(message.get("In-Reply-To") or ""))), None),
            "references": _ids(str(message.get("References") or "")),
        },
    )
    stored.body, stored.details = protect_text(stored.body, stored.details, {"subject"})
    for part in message.iter_attachments():
        content = part.get_payload(decode=True) or b""
        assert isinstance(content, bytes)
        stored.attachments.append(
            MessageAttachment(
                filename=(part.get_filename() or "")[:255],
                content_type=part.get_content_type(),
                size=len(content),
                sha256=hashlib.sha256(content).hexdigest(),
                content=content,
            )
        )
    try:
        with session.begin_nested():
            session.add(stored)
            session.flush()
    except IntegrityError:
        found = session.scalars(
            select(ChannelMessage).where(
                ChannelMessage.channel == Channel.EMAIL, ChannelMessage.provider_sid == message_id
            )
        ).one()
        return found, False
    stored.media = [
        {
            "attachment_id": str(a.uuid),
            "filename": a.filename,
            "content_type": a.content_type,
            "size": a.size,
        }
        for a in stored.attachments
    ]
    thread_after_commit(stored.uuid)
    return stored, True
