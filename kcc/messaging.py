"""The outbound-messaging port: packages that can reach a party register a sender per channel.

A sender is ``func(party_uuid, text, language, reference) -> str | None``: it queues one
message to the party in the current transaction and returns the message's id, or ``None``
when it cannot reach the party on that channel (no address, or the party opted out). The
core and the journeys use it without knowing which package delivers.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

ChannelSender = Callable[[uuid.UUID, str, str, str], "str | None"]

_senders: dict[str, ChannelSender] = {}


def register_channel_sender(channel: str, func: ChannelSender) -> None:
    """Make ``channel`` (e.g. ``sms``, ``email``) available for messages to a party."""
    _senders[channel] = func


def available_channels() -> list[str]:
    return list(_senders)


def send_to_party(
    channel: str, party_uuid: uuid.UUID, text: str, language: str, reference: str
) -> str | None:
    """Queue ``text`` to the party on ``channel``; the message id, or ``None`` when it cannot go."""
    sender = _senders.get(channel)
    if sender is None:
        return None
    return sender(party_uuid, text, language, reference)
