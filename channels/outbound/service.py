"""Agent replies: an outbound message is a row first (queued), sent by a job after commit."""

from __future__ import annotations

import uuid
from email.utils import make_msgid
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from channels.config import channel_settings
from channels.constants import ConversationStatus, MessageStatus, ThreadKeyKind
from channels.conversations.services import add_message, get_conversation
from channels.models import ChannelMessage, Conversation, ConversationKey
from channels.optouts import is_opted_out
from channels.outbound.delivery import enqueue_delivery
from kcc.constants import Channel, Direction
from kcc.db import db, utcnow
from kcc.errors import Conflict, ValidationFailed
from kcc.privacy.bsn import protect_text

SMS_MAX_CHARS = 1600


def reply(conversation_uuid: uuid.UUID, body: str, author_id: int | None) -> ChannelMessage:
    """Queue an agent's reply on the conversation's own channel."""
    conversation = get_conversation(conversation_uuid, lock=True)
    if conversation.status == ConversationStatus.CLOSED:
        raise Conflict(_l("this conversation is closed; a reply needs an open conversation"))
    if conversation.channel == Channel.SMS:
        if len(body) > SMS_MAX_CHARS:
            raise ValidationFailed.field(
                "body",
                _l(
                    "an SMS reply has at most %(count)s characters",
                    count=SMS_MAX_CHARS,
                ),
            )
        if is_opted_out(conversation.address):
            raise Conflict(
                _l(
                    "%(address)s withdrew SMS contact (STOP); no SMS may be sent",
                    address=conversation.address,
                )
            )
    message = queue_message(conversation, body, author_id)
    if conversation.status == ConversationStatus.OPEN:
        conversation.status = ConversationStatus.PENDING
    return message


def _sender_address(conversation: Conversation) -> str:
    if conversation.channel == Channel.SMS:
        number = current_app.config["KCC_SETTINGS"].twilio_from_number or ""
        return f"whatsapp:{number}" if conversation.address.startswith("whatsapp:") else number
    if conversation.channel == Channel.EMAIL:
        return channel_settings().smtp_from
    return "kcc"


def _email_headers(conversation: Conversation) -> dict[str, Any]:
    """Message-ID of the reply (a thread key at once) and the headers that thread it."""
    domain = channel_settings().smtp_from.rpartition("@")[2] or "kcc.invalid"
    message_id = make_msgid(domain=domain)
    last = db.session().scalar(
        select(ChannelMessage)
        .where(
            ChannelMessage.conversation_id == conversation.id,
            ChannelMessage.direction == Direction.INBOUND,
        )
        .order_by(ChannelMessage.id.desc())
        .limit(1)
    )
    in_reply_to = last.provider_sid if last is not None else None
    references = [*(last.details.get("references") or []), in_reply_to] if last is not None else []
    db.session().add(
        ConversationKey(
            conversation_id=conversation.id, kind=ThreadKeyKind.EMAIL_MESSAGE_ID, key=message_id
        )
    )
    # The first message of a conversation we start (a proactive e-mail) answers nothing.
    subject = (
        conversation.subject
        if last is None or conversation.subject.lower().startswith("re:")
        else f"Re: {conversation.subject}"
    )
    return {
        "message_id": message_id,
        "in_reply_to": in_reply_to,
        "references": [r for r in references if r],
        "subject": subject,
    }


def queue_message(conversation: Conversation, body: str, author_id: int | None) -> ChannelMessage:
    """Store an outbound message in ``conversation``; chat messages are ready for the long poll."""
    is_chat = conversation.channel == Channel.CHAT
    message = ChannelMessage(
        channel=conversation.channel,
        direction=Direction.OUTBOUND,
        body=body,
        sender=_sender_address(conversation),
        recipient=conversation.address,
        status=MessageStatus.SENT if is_chat else MessageStatus.QUEUED,
        author_id=author_id,
        sent_at=utcnow() if is_chat else None,
        media=[],
        details={},
    )
    if conversation.channel == Channel.EMAIL:
        message.details = _email_headers(conversation)
    message.body, message.details = protect_text(body, message.details, {"subject"})
    db.session().add(message)
    add_message(conversation, message)
    if not is_chat:
        message_id = str(message.uuid)
        db.after_commit(lambda: enqueue_delivery(message_id), key=f"send-{message_id}")
    return message
