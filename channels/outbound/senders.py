"""The sender abstraction: one ``Sender`` per channel, registered by name."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol


@dataclass(frozen=True)
class Outgoing:
    """A claimed outbound message, detached from the session while it is being sent."""

    uuid: uuid.UUID
    channel: str
    sender: str
    recipient: str
    body: str
    first_attempt_at: datetime | None
    reconcile: bool
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SendResult:
    provider_sid: str | None
    status: str


class SendFailed(Exception):
    """The provider refused or could not be reached; ``retryable`` says whether to try again."""

    def __init__(self, code: str, message: str, retryable: bool) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.retryable = retryable


class Sender(Protocol):
    def send(self, outgoing: Outgoing) -> SendResult:
        """Hand the message to the provider once."""

    def find_sent(self, outgoing: Outgoing, taken: set[str]) -> SendResult | None:
        """After an attempt with an unknown outcome: the provider's record of it, if it exists."""


SENDERS: dict[str, Sender] = {}


def register_sender(channel: str, sender: Sender) -> None:
    SENDERS[channel] = sender


def sender_for(channel: str) -> Sender:
    try:
        return SENDERS[channel]
    except KeyError:
        raise SendFailed("no_sender", f"no sender for channel {channel}", retryable=False) from None
