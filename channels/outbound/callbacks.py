"""Delivery status callbacks: applied through the status machine, never backwards."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from channels.constants import MessageStatus
from channels.models import ChannelMessage, Conversation
from channels.optouts import opt_out
from channels.status import TWILIO_STATUS, advance
from kcc.constants import Channel, Direction
from kcc.db import db, utcnow
from kcc.live import notify

OPTED_OUT_CODE = "21610"


def apply_status(
    message_uuid: uuid.UUID | None,
    provider_sid: str,
    provider_status: str,
    error_code: str | None = None,
    error_message: str | None = None,
) -> bool:
    """Move an outbound message forward to the provider's status; returns whether it moved.

    The message is found by our id in the callback URL (a callback can arrive before the send
    job recorded the provider's id) or else by the provider's id. Unknown messages are ignored.
    """
    query = select(ChannelMessage).where(ChannelMessage.direction == Direction.OUTBOUND)
    if message_uuid is not None:
        query = query.where(ChannelMessage.uuid == message_uuid)
    else:
        query = query.where(
            ChannelMessage.channel == Channel.SMS, ChannelMessage.provider_sid == provider_sid
        )
    if db.dialect == "postgresql":
        query = query.with_for_update(of=ChannelMessage)
    row = db.session().scalar(query)
    if row is None:
        return False
    if row.provider_sid is None and provider_sid:
        row.provider_sid = provider_sid
    target = TWILIO_STATUS.get(provider_status.lower())
    if target is None:
        return False
    if target != MessageStatus.SENDING:
        advance(row, MessageStatus.SENDING)
    moved = advance(row, target)
    if moved:
        row.status_updated_at = utcnow()
        row.lease_until = None
        row.next_attempt_at = None
        if error_code:
            row.error_code = error_code[:20]
            row.error_message = (error_message or f"Twilio error {error_code}")[:500]
        _tell_customer_view(row)
    if error_code == OPTED_OUT_CODE and row.channel == Channel.SMS:
        opt_out(row.recipient, "twilio_21610", None, None)
    db.session().flush()
    return moved


def _tell_customer_view(row: ChannelMessage) -> None:
    """The pages showing the resident's customer view update the reply's status."""
    if row.conversation_id is None:
        return
    conversation = db.session().get(Conversation, row.conversation_id)
    if conversation is None or conversation.party is None:
        return
    notify(
        f"party:{conversation.party.uuid}",
        "message.status",
        {"conversation_id": str(conversation.uuid), "message_id": str(row.uuid)},
    )
