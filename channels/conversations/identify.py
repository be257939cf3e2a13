"""Identify the resident of a conversation: link a known party, or register one from it.

Nothing the resident wrote is lost either way: the messages stay in the conversation, and
its contact moment gets the party as its resident.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from channels.conversations.actions import link_party
from channels.conversations.services import get_conversation
from channels.models import Conversation
from kcc.constants import AddressKind, Channel, PartyType
from kcc.parties.services import AddressInput, PartyInput, register_party, update_party

# The conversation's address becomes the new party's address on these channels.
ADDRESS_KINDS = {Channel.SMS: AddressKind.PHONE, Channel.EMAIL: AddressKind.EMAIL}


@dataclass(frozen=True)
class ResidentInput:
    """Who the resident says they are."""

    surname: str
    given_names: str | None = None
    surname_prefix: str | None = None
    bsn: str | None = None


def _unnamed(conversation: Conversation) -> bool:
    party = conversation.party
    return (
        party is not None
        and not party.surname
        and not party.given_names
        and not party.name
        and not party.identifiers
    )


def identify_resident(conversation_uuid: uuid.UUID, person: ResidentInput) -> Conversation:
    """Give the conversation a named resident.

    An SMS or e-mail sender the core registered by address alone gets the names; an
    anonymous chat gets a new party (with the conversation's address on SMS and e-mail).
    """
    conversation = get_conversation(conversation_uuid, lock=True)
    names = {
        "given_names": person.given_names,
        "surname_prefix": person.surname_prefix,
        "surname": person.surname,
    }
    if _unnamed(conversation) and conversation.party is not None and not person.bsn:
        update_party(conversation.party.uuid, names)
        link_party(conversation_uuid, conversation.party.uuid)
    else:
        kind = ADDRESS_KINDS.get(Channel(conversation.channel))
        addresses = []
        if kind is not None and conversation.party is None:
            address = conversation.address.removeprefix("whatsapp:")
            addresses = [AddressInput(kind=kind, address=address, is_default=True)]
        party = register_party(
            PartyInput(
                type=PartyType.PERSON,
                given_names=person.given_names,
                surname_prefix=person.surname_prefix,
                surname=person.surname,
                bsn=person.bsn,
                digital_addresses=addresses,
            )
        )
        link_party(conversation_uuid, party.uuid)
    return conversation
