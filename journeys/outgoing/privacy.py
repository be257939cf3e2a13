"""The outgoing deliveries' privacy section; the subscribers hold no resident's data."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, select

from journeys.outgoing.models import ServiceDelivery, ServiceSubscriber
from kcc.db import db
from kcc.parties.models import Party
from kcc.rights.sections import PrivacySection, declare_not_party_data, register_privacy_section


def deliveries_export(parties: list[Party]) -> list[dict[str, Any]]:
    """Which systems were told that the parties asked for a service, and whether it arrived."""
    rows = db.session().execute(
        select(ServiceDelivery, ServiceSubscriber.service, ServiceSubscriber.url)
        .join(ServiceSubscriber, ServiceSubscriber.id == ServiceDelivery.subscriber_id)
        .where(ServiceDelivery.party_id.in_([p.id for p in parties]))
        .order_by(ServiceDelivery.id)
    )
    return [
        {
            "event_id": d.event_id,
            "service": service,
            "sent_to": url,
            "data": d.body.get("data"),
            "status": d.status,
            "created_at": d.created_at.isoformat(),
            "delivered_at": d.delivered_at.isoformat() if d.delivered_at else None,
        }
        for d, service, url in rows
    ]


def erase_deliveries(parties: list[Party]) -> int:
    """Delete the rows: what was sent is the receiving system's to erase, not ours to keep."""
    result = db.session().execute(
        delete(ServiceDelivery)
        .where(ServiceDelivery.party_id.in_([p.id for p in parties]))
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def count_deliveries(parties: list[Party]) -> int:
    query = select(func.count()).where(ServiceDelivery.party_id.in_([p.id for p in parties]))
    return int(db.session().scalar(query) or 0)


def register_privacy() -> None:
    """Declare the deliveries to export and erasure, and the subscribers as no party data."""
    register_privacy_section(
        PrivacySection(
            "service_deliveries",
            ("service_deliveries",),
            export=deliveries_export,
            erase=erase_deliveries,
            count=count_deliveries,
        )
    )
    declare_not_party_data(
        "service_subscribers",
        "webhook URLs and secrets of other departments' systems; no resident's data",
    )
