"""The outgoing CloudEvent for a resident's yes: a durable row per subscriber, then a job that
posts it signed, retried with exponential backoff and marked failed after ``MAX_ATTEMPTS``.

Delivery is at least once: a crash between the receiver's 2xx and our commit repeats the post,
so receivers deduplicate on the CloudEvent ``id``. The row is locked while it is posted, so two
jobs for one row never both post it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
import uuid
from datetime import datetime, timedelta
from typing import Any

import requests
from sqlalchemy import select

from journeys.outgoing.models import ServiceDelivery, ServiceSubscriber
from kcc import jobs
from kcc.db import db, unit_of_work, utcnow
from kcc.privacy.services import cipher

log = logging.getLogger(__name__)

EVENT_TYPE = "nl.nijmegen.kcc.service.requested"
EVENT_SOURCE = "/kcc/journeys/suggestions"
SIGNING_CONTEXT = "kcc/service-subscriber/secret"
SIGNATURE_HEADER = "X-KCC-Signature"
TIMESTAMP_HEADER = "X-KCC-Timestamp"
CONTENT_TYPE = "application/cloudevents+json; charset=utf-8"
MAX_ATTEMPTS = 6
BACKOFF_SECONDS = 30
TIMEOUT_SECONDS = 5.0
SEND_JOB = "journeys.outgoing.delivery.send"
# The CloudEvent id is derived from the suggestion, so recording twice finds the same event.
_ID_NAMESPACE = uuid.UUID("8a0f1f9e-4a51-4a3c-9b3e-2f6b8d1c7e55")


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=<hex>`` of HMAC-SHA256 over ``<timestamp>.<body>`` with the subscriber's secret."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return f"sha256={mac.hexdigest()}"


def backoff(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failure: 30 s, 60 s, 120 s, ..."""
    return timedelta(seconds=BACKOFF_SECONDS * 2 ** max(attempts - 1, 0))


def cloud_event(
    suggestion_id: uuid.UUID, service: str, party_id: uuid.UUID, task_id: str | None
) -> dict[str, Any]:
    """The CloudEvent 1.0 (structured mode): the service, the resident and the task only."""
    return {
        "specversion": "1.0",
        "id": str(uuid.uuid5(_ID_NAMESPACE, f"service.requested:{suggestion_id}")),
        "source": EVENT_SOURCE,
        "type": EVENT_TYPE,
        "subject": str(suggestion_id),
        "time": utcnow().isoformat(),
        "datacontenttype": "application/json",
        "data": {"service": service, "party_id": str(party_id), "task_id": task_id},
    }


def record_requested(
    suggestion_id: uuid.UUID, service: str, party_row_id: int, party_id: uuid.UUID, task_id: str
) -> int:
    """Write a pending delivery for each active subscriber of ``service`` (once per event);
    the posting job runs after commit. Returns how many rows were written now."""
    session = db.session()
    subscribers = session.scalars(
        select(ServiceSubscriber).where(
            ServiceSubscriber.service == service, ServiceSubscriber.active.is_(True)
        )
    ).all()
    event = cloud_event(suggestion_id, service, party_id, task_id)
    written: list[str] = []
    for subscriber in subscribers:
        exists = session.scalar(
            select(ServiceDelivery.id).where(
                ServiceDelivery.subscriber_id == subscriber.id,
                ServiceDelivery.event_id == event["id"],
            )
        )
        if exists is not None:
            continue
        row = ServiceDelivery(
            uuid=uuid.uuid4(),
            subscriber_id=subscriber.id,
            party_id=party_row_id,
            event_id=event["id"],
            subject=str(suggestion_id),
            body=event,
            status="pending",
            attempts=0,
            next_attempt_at=utcnow(),
        )
        session.add(row)
        written.append(str(row.uuid))
    if written:
        session.flush()
        pending: list[str] = session.info.setdefault("service_deliveries", [])
        pending.extend(written)
        db.after_commit(_enqueue_pending, key="service_deliveries")
    return len(written)


def _enqueue_pending() -> None:
    for delivery_id in db.session().info.pop("service_deliveries", []):
        try:
            jobs.enqueue(SEND_JOB, delivery_id, job_id=f"service-delivery-{delivery_id}-0")
        except Exception as exc:  # the queue being down must not fail the caller; the sweep sends
            log.warning("delivery %s not queued (%s)", delivery_id, type(exc).__name__)


def send(delivery_id: str, now: str | None = None) -> str:
    """Job: post one pending, due delivery; returns its status afterwards. Safe to run twice."""
    moment = datetime.fromisoformat(now) if now else utcnow()
    retry_in: timedelta | None = None
    with unit_of_work() as session:
        query = select(ServiceDelivery).where(ServiceDelivery.uuid == uuid.UUID(delivery_id))
        if db.dialect == "postgresql":
            query = query.with_for_update()
        row = session.scalar(query.execution_options(populate_existing=True))
        if row is None:
            return "missing"
        if row.status != "pending" or (row.next_attempt_at and row.next_attempt_at > moment):
            return row.status
        subscriber = session.get(ServiceSubscriber, row.subscriber_id)
        if subscriber is None or not subscriber.active:
            return row.status
        status, error = _post(subscriber, row.body)
        row.attempts += 1
        row.last_status = status
        row.last_error = error
        if status is not None and 200 <= status < 300:
            row.status = "delivered"
            row.delivered_at = moment
            row.next_attempt_at = None
        elif row.attempts >= MAX_ATTEMPTS:
            row.status = "failed"
            row.next_attempt_at = None
        else:
            retry_in = backoff(row.attempts)
            row.next_attempt_at = moment + retry_in
        result = row.status
    if retry_in is not None and not jobs.runner().inline:
        try:
            jobs.enqueue(SEND_JOB, delivery_id, delay=retry_in, retries=1)
        except Exception as exc:  # the sweep retries it anyway
            log.warning("retry of %s not queued (%s)", delivery_id, type(exc).__name__)
    return result


def _post(subscriber: ServiceSubscriber, event: dict[str, Any]) -> tuple[int | None, str]:
    body = json.dumps(event, separators=(",", ":"), sort_keys=True).encode()
    timestamp = str(int(time.time()))
    secret = cipher().decrypt(subscriber.secret_encrypted, SIGNING_CONTEXT)
    headers = {
        "Content-Type": CONTENT_TYPE,
        SIGNATURE_HEADER: signature(secret, timestamp, body),
        TIMESTAMP_HEADER: timestamp,
    }
    try:
        response = requests.post(
            subscriber.url, data=body, headers=headers, timeout=TIMEOUT_SECONDS
        )
    except requests.RequestException as exc:
        return None, f"{type(exc).__name__}: {exc}"[:500]
    if 200 <= response.status_code < 300:
        return response.status_code, ""
    return response.status_code, f"HTTP {response.status_code}: {response.text[:200]}"


def send_due(now: datetime | None = None) -> int:
    """Post every pending delivery that is due; returns how many were tried."""
    moment = now or utcnow()
    with unit_of_work() as session:
        due = [
            str(u)
            for u in session.scalars(
                select(ServiceDelivery.uuid)
                .where(
                    ServiceDelivery.status == "pending",
                    ServiceDelivery.next_attempt_at <= moment,
                )
                .order_by(ServiceDelivery.id)
                .limit(200)
            )
        ]
    for delivery_id in due:
        send(delivery_id, moment.isoformat())
    return len(due)


def send_due_job() -> int:
    """Periodic job: :func:`send_due` now."""
    return send_due()
