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
SendCheck = Callable[[str], "str | None"]

_senders: dict[str, ChannelSender] = {}
_send_checks: dict[str, SendCheck] = {}


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


def register_send_check(prefix: str, check: SendCheck) -> None:
    """Let a package veto, at the moment of sending, messages whose reference is ``prefix:...``.

    ``check(reference)`` runs inside the send job's last transaction before the provider is
    called; it may lock and change rows, and returns why the message may no longer go, or
    ``None``. Messages queued for a proactive suggestion use it so that a consent withdrawn
    after the message was queued still stops it.
    """
    _send_checks[prefix] = check


def send_refusal(reference: str | None) -> str | None:
    """Why the message with ``reference`` may no longer be sent (``None``: it may go)."""
    if not reference:
        return None
    check = _send_checks.get(reference.partition(":")[0])
    return check(reference) if check is not None else None
