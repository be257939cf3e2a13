"""Hand stored inbound messages to the threading job after commit, and sweep what a lost job left.

A stored inbound message without a conversation is its own durable work item: the webhook
commits the row and answers, a job threads it (rq, or inline without Redis), and a periodic
sweep threads every row that is still unthreaded after the grace period (Redis was down, a
worker died mid-job). Threading is exactly-once because ``thread_inbound`` serialises per
sender and does nothing for a row that already has its conversation.
"""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta

from flask import current_app
from sqlalchemy import or_, select, update

from channels.inbound.threading import thread_inbound
from channels.models import ChannelMessage
from kcc import jobs
from kcc.constants import Direction
from kcc.db import db, unit_of_work, utcnow
from kcc.privacy.activities import Activity
from kcc.privacy.context import system_processing

log = logging.getLogger(__name__)

THREAD_JOB = "channels.inbound.dispatch.thread_job"


def thread_after_commit(message_uuid: uuid.UUID) -> None:
    """Queue the threading job of ``message_uuid`` once the current transaction has committed."""
    message_id = str(message_uuid)
    db.after_commit(lambda: _enqueue(message_id), key=f"thread-{message_id}")


def _enqueue(message_id: str) -> None:
    try:
        jobs.enqueue(THREAD_JOB, message_id, job_id=f"thread-{message_id}")
    except Exception as exc:  # the message is stored; the sweep threads it later
        log.warning(
            "threading of message %s not queued (%s); the sweep will do it",
            message_id,
            type(exc).__name__,
        )


def thread_job(message_id: str) -> None:
    """Job: thread one stored inbound message into its conversation. Safe to run twice."""
    with (
        system_processing("channels.thread_inbound", Activity.CUSTOMER_CONTACT),
        unit_of_work(),
    ):
        thread_inbound(uuid.UUID(message_id))


def sweep_now() -> int:
    """Periodic job: the sweep with the configured grace period (``KCC_SWEEP_GRACE_SECONDS``)."""
    return sweep_unthreaded(current_app.config["KCC_SETTINGS"].sweep_grace_seconds)


def sweep_unthreaded(grace_seconds: int = 60, limit: int = 500) -> int:
    """Queue the threading of inbound messages still unthreaded after ``grace_seconds``.

    Each row is claimed for one grace period (``next_attempt_at``), so concurrent sweeps and
    the next round leave it to the job just queued. Returns how many were queued.
    """
    now = utcnow()
    cutoff = now - timedelta(seconds=grace_seconds)
    with unit_of_work() as session:
        query = (
            select(ChannelMessage.id, ChannelMessage.uuid)
            .where(
                ChannelMessage.conversation_id.is_(None),
                ChannelMessage.direction == Direction.INBOUND,
                ChannelMessage.created_at < cutoff,
                or_(
                    ChannelMessage.next_attempt_at.is_(None),
                    ChannelMessage.next_attempt_at < now,
                ),
            )
            .order_by(ChannelMessage.id)
            .limit(limit)
        )
        if db.dialect == "postgresql":
            query = query.with_for_update(skip_locked=True)
        rows = session.execute(query).all()
        if rows:
            session.execute(
                update(ChannelMessage)
                .where(ChannelMessage.id.in_([row.id for row in rows]))
                .values(
                    attempts=ChannelMessage.attempts + 1,
                    next_attempt_at=now + timedelta(seconds=max(grace_seconds, 1)),
                )
            )
    for row in rows:
        _enqueue(str(row.uuid))
    return len(rows)
