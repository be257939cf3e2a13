"""Messages to a party rather than to a conversation: the SMS and e-mail senders of the core's messaging port."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from channels.config import channel_settings
from channels.constants import ConversationStatus
from channels.conversations.services import find_open_thread, lock_thread, open_conversation
from channels.optouts import is_opted_out
from channels.outbound.service import SMS_MAX_CHARS, queue_message
from kcc.constants import AddressKind, Channel
from kcc.db import db
from kcc.parties.models import DigitalAddress, Party

PROACTIVE_SUBJECT = "Bericht van de gemeente"
EMAIL_SUBJECTS = {"nl": PROACTIVE_SUBJECT, "en": "A message from the municipality"}


def _party_address(party_id: int, kind: str) -> str | None:
    return db.session().scalar(
        select(DigitalAddress.address)
        .where(DigitalAddress.party_id == party_id, DigitalAddress.kind == kind)
        .order_by(DigitalAddress.is_default.desc(), DigitalAddress.id.desc())
        .limit(1)
    )


def party_phone(party_id: int) -> str | None:
    """The party's default phone number, else its newest one."""
    return _party_address(party_id, AddressKind.PHONE)


def party_email(party_id: int) -> str | None:
    """The party's default e-mail address, else its newest one."""
    return _party_address(party_id, AddressKind.EMAIL)


def send_sms_to_party(
    party_uuid: uuid.UUID, text: str, language: str, reference: str
) -> str | None:
    """Queue an SMS to the party's phone in its SMS conversation; ``None`` without a number or after STOP."""
    party = db.session().scalar(select(Party).where(Party.uuid == party_uuid))
    if party is None:
        return None
    address = party_phone(party.id)
    if address is None or is_opted_out(address):
        return None
    lock_thread(Channel.SMS, address)
    conversation = find_open_thread(Channel.SMS, address, channel_settings().quiet_period_minutes)
    if conversation is None:
        conversation = open_conversation(
            Channel.SMS, address, party, subject=PROACTIVE_SUBJECT, language=language
        )
    message = queue_message(conversation, text[:SMS_MAX_CHARS], author_id=None)
    message.details = {"reference": reference}
    if conversation.status == ConversationStatus.OPEN:
        conversation.status = ConversationStatus.PENDING
    db.session().flush()
    return str(message.uuid)


def send_email_to_party(
    party_uuid: uuid.UUID, text: str, language: str, reference: str
) -> str | None:
    """Queue an e-mail to the party's address in a new e-mail conversation; ``None`` without one.

    The subject is in the party's language; a reply threads into the conversation by the
    message's Message-ID. The SMTP send job delivers it after commit.
    """
    party = db.session().scalar(select(Party).where(Party.uuid == party_uuid))
    if party is None:
        return None
    address = party_email(party.id)
    if address is None:
        return None
    subject = EMAIL_SUBJECTS.get(language, EMAIL_SUBJECTS["en"])
    conversation = open_conversation(
        Channel.EMAIL, address, party, subject=subject, language=language
    )
    message = queue_message(conversation, text, author_id=None)
    message.details = {**message.details, "reference": reference}
    conversation.status = ConversationStatus.PENDING
    db.session().flush()
    return str(message.uuid)
