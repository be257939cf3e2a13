"""Subscribers per catalogue service: add, change and list them; secrets are write-only."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from journeys.catalogue import service as catalogue_service
from journeys.outgoing.delivery import SIGNING_CONTEXT
from journeys.outgoing.models import ServiceDelivery, ServiceSubscriber
from kcc.db import db, utcnow
from kcc.errors import NotFound, ValidationFailed
from kcc.privacy.services import cipher

MIN_SECRET_LENGTH = 16


def _check_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValidationFailed.field("url", _l("must be an http(s) URL with a host"))
    return url


def _check_secret(secret: str) -> str:
    if len(secret) < MIN_SECRET_LENGTH:
        raise ValidationFailed.field(
            "secret",
            _l(
                "must be at least %(count)s characters long",
                count=MIN_SECRET_LENGTH,
            ),
        )
    return cipher().encrypt(secret, SIGNING_CONTEXT)


def create_subscriber(
    service: str, url: str, secret: str, description: str = ""
) -> ServiceSubscriber:
    """Add a webhook for ``service``; the service must be in the catalogue."""
    if catalogue_service(service) is None:
        raise ValidationFailed.field(
            "service", _l("'%(service)s' is not in the service catalogue", service=service)
        )
    row = ServiceSubscriber(
        uuid=uuid.uuid4(),
        service=service,
        url=_check_url(url),
        secret_encrypted=_check_secret(secret),
        description=description,
        active=True,
    )
    db.session().add(row)
    db.session().flush()
    return row


def get_subscriber(subscriber_id: uuid.UUID) -> ServiceSubscriber:
    row = db.session().scalar(
        select(ServiceSubscriber).where(ServiceSubscriber.uuid == subscriber_id)
    )
    if row is None:
        raise NotFound(_l("No service subscriber %(subscriber_id)s.", subscriber_id=subscriber_id))
    return row


def update_subscriber(subscriber_id: uuid.UUID, changes: dict[str, Any]) -> ServiceSubscriber:
    """Change the URL, secret, description or whether it is active."""
    row = get_subscriber(subscriber_id)
    if "url" in changes:
        row.url = _check_url(changes["url"])
    if "secret" in changes:
        row.secret_encrypted = _check_secret(changes["secret"])
    if "description" in changes:
        row.description = changes["description"]
    if "active" in changes:
        row.active = bool(changes["active"])
    row.updated_at = utcnow()
    db.session().flush()
    return row


def list_subscribers(service: str | None = None) -> list[ServiceSubscriber]:
    query = select(ServiceSubscriber).order_by(ServiceSubscriber.id)
    if service:
        query = query.where(ServiceSubscriber.service == service)
    return list(db.session().scalars(query))


def list_deliveries(subscriber_id: uuid.UUID, status: str | None = None) -> list[ServiceDelivery]:
    """The subscriber's deliveries, newest first (at most 200)."""
    row = get_subscriber(subscriber_id)
    query = select(ServiceDelivery).where(ServiceDelivery.subscriber_id == row.id)
    if status:
        query = query.where(ServiceDelivery.status == status)
    return list(db.session().scalars(query.order_by(ServiceDelivery.id.desc()).limit(200)))


def subscriber_dict(row: ServiceSubscriber) -> dict[str, Any]:
    """The subscriber as the API shows it: never the secret."""
    return {
        "id": str(row.uuid),
        "service": row.service,
        "url": row.url,
        "description": row.description,
        "active": row.active,
        "has_secret": bool(row.secret_encrypted),
        "created_at": row.created_at,
        "updated_at": row.updated_at,
    }


def delivery_dict(row: ServiceDelivery) -> dict[str, Any]:
    """A delivery's progress, without the resident it is about."""
    return {
        "id": str(row.uuid),
        "event_id": row.event_id,
        "type": row.body.get("type"),
        "subject": row.subject,
        "status": row.status,
        "attempts": row.attempts,
        "last_status": row.last_status,
        "last_error": row.last_error,
        "next_attempt_at": row.next_attempt_at,
        "created_at": row.created_at,
        "delivered_at": row.delivered_at,
    }
