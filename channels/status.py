"""The delivery status of an outbound message: a machine that only ever moves forward."""

from __future__ import annotations

from typing import Protocol

from statemachine import State, StateMachine
from statemachine.exceptions import TransitionNotAllowed

from channels.constants import MessageStatus

# Twilio's statuses mapped onto ours; the ones before "sent" all mean "with the provider".
TWILIO_STATUS = {
    "accepted": MessageStatus.SENDING,
    "scheduled": MessageStatus.SENDING,
    "queued": MessageStatus.SENDING,
    "sending": MessageStatus.SENDING,
    "sent": MessageStatus.SENT,
    "delivered": MessageStatus.DELIVERED,
    "undelivered": MessageStatus.UNDELIVERED,
    "failed": MessageStatus.FAILED,
    "canceled": MessageStatus.FAILED,
    "read": MessageStatus.READ,
}


class DeliveryMachine(StateMachine):
    """queued -> sending -> sent -> delivered / undelivered / failed / read; never backwards."""

    queued = State(initial=True, value=MessageStatus.QUEUED.value)
    sending = State(value=MessageStatus.SENDING.value)
    sent = State(value=MessageStatus.SENT.value)
    delivered = State(value=MessageStatus.DELIVERED.value)
    undelivered = State(final=True, value=MessageStatus.UNDELIVERED.value)
    failed = State(final=True, value=MessageStatus.FAILED.value)
    read = State(final=True, value=MessageStatus.READ.value)

    to_sending = queued.to(sending)
    to_sent = queued.to(sent) | sending.to(sent)
    to_delivered = queued.to(delivered) | sending.to(delivered) | sent.to(delivered)
    to_undelivered = queued.to(undelivered) | sending.to(undelivered) | sent.to(undelivered)
    to_failed = queued.to(failed) | sending.to(failed) | sent.to(failed)
    to_read = queued.to(read) | sending.to(read) | sent.to(read) | delivered.to(read)


class HasStatus(Protocol):
    status: str


def advance(row: HasStatus, target: str) -> bool:
    """Move ``row.status`` to ``target`` when that is forward; return whether it moved."""
    if row.status == target:
        return False
    machine = DeliveryMachine(row, state_field="status")
    try:
        machine.send(f"to_{target}")
    except TransitionNotAllowed:
        return False
    return True
