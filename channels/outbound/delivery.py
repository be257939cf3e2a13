"""The send job: claim a queued row, reconcile an unknown earlier attempt, send once, record.

A row is sent at most once: the claim and the attempt counter are committed before the
provider is called, and a row whose earlier attempt has an unknown outcome (a timeout, a 5xx,
a killed worker) is first looked up in the provider's own list.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update

from channels.config import channel_settings
from channels.constants import MessageStatus
from channels.models import ChannelMessage
from channels.optouts import is_opted_out, opt_out
from channels.outbound.senders import Outgoing, SendFailed, SendResult, sender_for
from channels.status import advance
from kcc import jobs
from kcc.constants import Channel, Direction
from kcc.db import unit_of_work, utcnow
from kcc.messaging import send_refusal
from kcc.privacy.activities import Activity
from kcc.privacy.context import system_processing

log = logging.getLogger(__name__)

DELIVER_JOB = "channels.outbound.delivery.deliver"
OPTED_OUT_CODE = "21610"
CANCELLED_CODE = "cancelled"
PENDING = (MessageStatus.QUEUED, MessageStatus.SENDING)


def deliver(message_id: str) -> str:
    """Job: send one outbound message. Safe to run twice or concurrently. Returns what happened."""
    with system_processing("channels.deliver", Activity.CUSTOMER_CONTACT):
        outgoing = _claim(uuid.UUID(message_id))
        if outgoing is None:
            return "skipped"
        attempted = False
        try:
            sender = sender_for(outgoing.channel)
            if outgoing.reconcile:
                found = sender.find_sent(outgoing, _taken_sids(outgoing.channel))
                if found is not None:
                    _record_sent(outgoing.uuid, found)
                    return "reconciled"
            refused = _start_attempt(outgoing.uuid)
            if refused is not None:
                return "cancelled"
            attempted = True
            result = sender.send(outgoing)
        except SendFailed as failure:
            return _record_failure(outgoing, failure, attempted)
        except Exception as exc:
            # Whatever a sender raises is this message's failure, retried with backoff; it
            # must never stop the job or the sweep that sends the other messages.
            log.exception("sending %s raised %s", outgoing.uuid, type(exc).__name__)
            unexpected = SendFailed("error", f"unexpected {type(exc).__name__} while sending", True)
            return _record_failure(outgoing, unexpected, attempted)
        _record_sent(outgoing.uuid, result)
        return "sent"


def _claim(message_uuid: uuid.UUID) -> Outgoing | None:
    """Lease a sendable row."""
    now = utcnow()
    lease = now + timedelta(seconds=channel_settings().send_lease_seconds)
    with unit_of_work() as session:
        claimed = session.execute(
            update(ChannelMessage)
            .where(
                ChannelMessage.uuid == message_uuid,
                ChannelMessage.direction == Direction.OUTBOUND,
                ChannelMessage.provider_sid.is_(None),
                ChannelMessage.status.in_(PENDING),
                or_(ChannelMessage.lease_until.is_(None), ChannelMessage.lease_until < now),
            )
            .values(lease_until=lease)
            # A fresh session holds no rows to synchronise; evaluating the criteria in Python
            # for that cost more CPU than the rest of the claim.
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            return None
        row = session.scalars(
            select(ChannelMessage).where(ChannelMessage.uuid == message_uuid)
        ).one()
        if row.channel == Channel.SMS and is_opted_out(row.recipient):
            _fail(row, "opted_out", "the recipient withdrew SMS contact (STOP)")
            return None
        if row.attempts >= channel_settings().max_send_attempts:
            _fail(
                row,
                row.error_code or "attempts",
                row.error_message or "gave up after repeated failures",
            )
            return None
        outgoing = Outgoing(
            uuid=row.uuid,
            channel=row.channel,
            sender=row.sender,
            recipient=row.recipient,
            body=row.body,
            first_attempt_at=row.attempt_started_at,
            reconcile=row.attempt_started_at is not None,
            details=dict(row.details or {}),
        )
        return outgoing


def _start_attempt(message_uuid: uuid.UUID) -> str | None:
    """Committed before the provider is called: a crash after this point leaves the evidence.

    At this moment the message's owner may still refuse it (a suggestion whose consent was
    withdrawn after it was queued): the row is then failed, not sent, and the reason returned.
    The owner's check locks what it reads until this transaction commits, so a withdrawal
    either commits first and is seen here, or waits until the attempt is recorded.
    """
    with unit_of_work() as session:
        row = session.scalars(
            select(ChannelMessage).where(ChannelMessage.uuid == message_uuid)
        ).one()
        refusal = send_refusal((row.details or {}).get("reference"))
        if refusal is not None:
            _fail(row, CANCELLED_CODE, refusal)
            log.info("sending %s cancelled: %s", message_uuid, refusal)
            return refusal
        _mark_attempt(row)
        return None


def _mark_attempt(row: ChannelMessage) -> None:
    row.attempts += 1
    row.attempt_started_at = row.attempt_started_at or utcnow()
    advance(row, MessageStatus.SENDING)
    row.status_updated_at = utcnow()


def _taken_sids(channel: str) -> set[str]:
    with unit_of_work() as session:
        rows = session.scalars(
            select(ChannelMessage.provider_sid).where(
                ChannelMessage.channel == channel,
                ChannelMessage.direction == Direction.OUTBOUND,
                ChannelMessage.provider_sid.is_not(None),
                ChannelMessage.created_at >= utcnow() - timedelta(days=1),
            )
        )
        return {sid for sid in rows if sid}


def _record_sent(message_uuid: uuid.UUID, result: SendResult) -> None:
    with unit_of_work() as session:
        row = session.scalars(
            select(ChannelMessage)
            .where(ChannelMessage.uuid == message_uuid)
            .with_for_update(of=ChannelMessage)
        ).one()
        if row.provider_sid is None:
            row.provider_sid = result.provider_sid
        advance(row, MessageStatus.SENDING)
        advance(row, result.status)
        row.sent_at = row.sent_at or utcnow()
        row.status_updated_at = utcnow()
        row.lease_until = None
        row.next_attempt_at = None
        row.error_code = None
        row.error_message = None


def _record_failure(outgoing: Outgoing, failure: SendFailed, attempted: bool) -> str:
    """Keep the reason on the row; retry with backoff until the attempts run out, then fail.

    A failed lookup of an earlier attempt counts as an attempt too, so that a provider whose
    message list keeps failing cannot keep a message pending for ever.
    """
    with unit_of_work() as session:
        row = session.scalars(
            select(ChannelMessage).where(ChannelMessage.uuid == outgoing.uuid)
        ).one()
        if not attempted:
            row.attempts += 1
        row.error_code = failure.code[:20]
        row.error_message = failure.message[:500]
        if failure.code == OPTED_OUT_CODE and row.channel == Channel.SMS:
            opt_out(row.recipient, "twilio_21610", None, None)
        if not failure.retryable:
            _fail(row, failure.code, failure.message)
            return "failed"
        if row.attempts >= channel_settings().max_send_attempts:
            _fail(row, failure.code, f"gave up after {row.attempts} attempts: {failure.message}")
            log.warning("sending %s failed for good (%s)", outgoing.uuid, failure.code)
            return "failed"
        delay = backoff(row.attempts)
        row.next_attempt_at = utcnow() + delay
        row.lease_until = None
        attempts = row.attempts
    log.warning("sending %s failed (%s); retry in %s", outgoing.uuid, failure.code, delay)
    _schedule(str(outgoing.uuid), attempts, delay)
    return "retry"


def _fail(row: ChannelMessage, code: str, message: str) -> None:
    row.error_code = code[:20]
    row.error_message = message[:500]
    advance(row, MessageStatus.FAILED)
    row.status_updated_at = utcnow()
    row.lease_until = None
    row.next_attempt_at = None


def backoff(attempts: int) -> timedelta:
    """5 s, 10 s, 20 s, ... up to 5 minutes."""
    return timedelta(seconds=min(5 * 2 ** max(attempts - 1, 0), 300))


def _schedule(message_id: str, attempt: int, delay: timedelta) -> None:
    try:
        jobs.enqueue(DELIVER_JOB, message_id, job_id=f"send-{message_id}-{attempt}", delay=delay)
    except Exception as exc:  # the periodic sweep retries when the queue is unreachable
        log.warning(
            "retry of %s not scheduled (%s); the sweep will pick it up",
            message_id,
            type(exc).__name__,
        )


def enqueue_delivery(message_id: str) -> None:
    """Hand a queued message to the send job now."""
    try:
        jobs.enqueue(DELIVER_JOB, message_id, job_id=f"send-{message_id}")
    except Exception as exc:
        log.warning(
            "send of %s not queued (%s); the sweep will pick it up", message_id, type(exc).__name__
        )


def sweep_due(now: datetime | None = None, limit: int = 200) -> int:
    """Periodic job: send outbound rows that are due (retries, lost jobs, crashed workers)."""
    now = now or utcnow()
    grace = now - timedelta(seconds=channel_settings().send_lease_seconds)
    with unit_of_work() as session:
        ids = list(
            session.scalars(
                select(ChannelMessage.uuid)
                .where(
                    ChannelMessage.direction == Direction.OUTBOUND,
                    ChannelMessage.status.in_(PENDING),
                    ChannelMessage.provider_sid.is_(None),
                    or_(ChannelMessage.lease_until.is_(None), ChannelMessage.lease_until < now),
                    or_(
                        ChannelMessage.next_attempt_at <= now,
                        (ChannelMessage.next_attempt_at.is_(None))
                        & (ChannelMessage.created_at < grace),
                    ),
                )
                .order_by(ChannelMessage.id)
                .limit(limit)
            )
        )
    for message_uuid in ids:
        try:
            deliver(str(message_uuid))
        except Exception:
            # deliver() keeps a sender's failures on the row; this is the database or a bug.
            # The next round tries this message again, the others are not held up.
            log.exception("sweep: sending %s failed; it is tried again next round", message_uuid)
    return len(ids)
