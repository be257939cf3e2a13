"""Thread stored inbound messages into conversations, finding or creating the sender's party."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from channels.config import channel_settings
from channels.constants import OptOutKind, ThreadKeyKind
from channels.conversations.services import (
    add_message,
    find_open_thread,
    lock_thread,
    open_conversation,
    subject_of,
)
from channels.models import ChannelMessage, Conversation, ConversationKey
from channels.optouts import is_opted_out
from channels.outbound.service import queue_message
from channels.parties import party_by_address
from channels.twilio.keywords import classify, help_text
from kcc.constants import AddressKind, Channel, PartyType
from kcc.db import db
from kcc.errors import ValidationFailed
from kcc.parties.identifiers import normalise_email, normalise_phone
from kcc.parties.models import Party
from kcc.parties.services import AddressInput, PartyInput, register_party


def thread_inbound(message_uuid: uuid.UUID) -> None:
    """Put a stored inbound message into its conversation. Safe to run twice."""
    session = db.session()
    message = session.scalar(select(ChannelMessage).where(ChannelMessage.uuid == message_uuid))
    if message is None or message.conversation_id is not None:
        return
    lock_thread(message.channel, message.sender)
    session.refresh(message)
    if message.conversation_id is not None:
        return
    if message.channel == Channel.EMAIL:
        conversation = _email_thread(message)
    else:
        conversation = _sms_thread(message)
    add_message(conversation, message)
    if message.channel == Channel.SMS:
        _answer_help(conversation, message)


def _sms_thread(message: ChannelMessage) -> Conversation:
    quiet = channel_settings().quiet_period_minutes
    found = find_open_thread(Channel.SMS, message.sender, quiet, include_closed=True)
    if found is not None:
        return found
    party = party_for_address(AddressKind.PHONE, message.sender.removeprefix("whatsapp:"))
    language = party.preferred_language if party is not None else "nl"
    # The first line of the resident's text is the subject: "geboorte" may start a journey.
    return open_conversation(
        Channel.SMS, message.sender, party, subject=subject_of(message), language=language
    )


def _email_thread(message: ChannelMessage) -> Conversation:
    session = db.session()
    keys = [
        k for k in [message.details.get("in_reply_to"), *message.details.get("references", [])] if k
    ]
    conversation = None
    if keys:
        conversation = session.scalar(
            select(Conversation)
            .join(ConversationKey, ConversationKey.conversation_id == Conversation.id)
            .where(
                ConversationKey.kind == ThreadKeyKind.EMAIL_MESSAGE_ID,
                ConversationKey.key.in_(keys),
            )
            .order_by(Conversation.id.desc())
            .limit(1)
        )
    if conversation is None:
        party = party_for_address(AddressKind.EMAIL, message.sender)
        subject = str(message.details.get("subject") or "")
        conversation = open_conversation(Channel.EMAIL, message.sender, party, subject=subject)
    if message.provider_sid:
        session.add(
            ConversationKey(
                conversation_id=conversation.id,
                kind=ThreadKeyKind.EMAIL_MESSAGE_ID,
                key=message.provider_sid,
            )
        )
    return conversation


def party_for_address(kind: str, raw: str) -> Party | None:
    """The party with this phone number or e-mail address (merges followed), else a new one.

    A new party is unidentified: it holds only the address.
    """
    try:
        address = normalise_phone(raw) if kind == AddressKind.PHONE else normalise_email(raw)
    except ValidationFailed:
        return None
    party = party_by_address(kind, address)
    if party is not None:
        return party
    return register_party(
        PartyInput(
            type=PartyType.PERSON,
            names_required=False,
            digital_addresses=[
                AddressInput(
                    kind=kind, address=address, label="unidentified sender", is_default=True
                )
            ],
        )
    )


def _answer_help(conversation: Conversation, message: ChannelMessage) -> None:
    if message.details.get("opt_out_type"):
        return  # Twilio's Advanced Opt-Out answered this keyword itself
    if classify(message.body) != OptOutKind.HELP or is_opted_out(message.sender):
        return
    language = conversation.party.preferred_language if conversation.party is not None else "nl"
    queue_message(conversation, help_text(language), author_id=None)
