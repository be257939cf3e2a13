"""The consents as the customer view and the subject access export show them, and SMS STOP."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from kcc.consent.constants import CollectionMethod, ConsentAction, ConsentChannel
from kcc.consent.models import ConsentRecord
from kcc.consent.receipts import receipt
from kcc.consent.services import is_active, latest_records
from kcc.consent.withdrawals import withdraw_channel
from kcc.constants import AddressKind
from kcc.db import db, utcnow
from kcc.events.base import EventEnvelope
from kcc.parties.models import DigitalAddress, Party
from kcc.privacy.activities import Activity
from kcc.privacy.context import system_processing


def record_dict(row: ConsentRecord, withdrawn_by: ConsentRecord | None = None) -> dict[str, Any]:
    return {
        "id": str(row.uuid),
        "purpose": row.purpose,
        "channel": row.channel,
        "action": row.action,
        "recorded_at": row.recorded_at.isoformat(),
        "method": row.method,
        "language": row.language,
        "text_version": row.text_version,
        "text": row.text,
        "expires_at": row.expires_at.isoformat() if row.expires_at else None,
        "active": is_active(row),
        "withdrawn_by": str(withdrawn_by.uuid) if withdrawn_by is not None else None,
        "evidence": row.evidence,
    }


def consents_section(party: Party) -> list[dict[str, Any]]:
    """Customer view: the state per purpose and channel (granted, withdrawn or expired)."""
    now = utcnow()
    items = []
    for (purpose, channel), row in sorted(latest_records(party.id).items()):
        status = row.action
        if (
            row.action == ConsentAction.GRANTED
            and row.expires_at is not None
            and row.expires_at <= now
        ):
            status = "expired"
        items.append(
            {
                "purpose": purpose,
                "channel": channel,
                "status": status,
                "since": row.recorded_at.isoformat(),
                "record_id": str(row.uuid),
                "method": row.method,
                "expires_at": row.expires_at.isoformat() if row.expires_at else None,
            }
        )
    return items


def consents_export(parties: list[Party]) -> list[dict[str, Any]]:
    """Export: every consent record of the parties with its receipt, per party oldest first (one query)."""
    by_id = {p.id: p for p in parties}
    rows = list(
        db.session().scalars(
            select(ConsentRecord)
            .where(ConsentRecord.party_id.in_(list(by_id)))
            .order_by(ConsentRecord.party_id, ConsentRecord.id)
        )
    )
    ended = {r.withdraws_id: r for r in rows if r.withdraws_id is not None}
    order = {p.id: n for n, p in enumerate(parties)}
    out = []
    for row in sorted(rows, key=lambda r: (order[r.party_id], r.id)):
        item = record_dict(row, ended.get(row.id))
        if row.action == ConsentAction.GRANTED:
            item["receipt"] = receipt(by_id[row.party_id], row, ended.get(row.id))
        out.append(item)
    return out


def on_sms_opted_out(envelope: EventEnvelope) -> None:
    """Subscriber of the core's ``sms.opted_out`` (kcc.messaging.events, recorded by whichever
    package carries SMS): every party with that number loses SMS consent at once."""
    address = str(envelope.data.get("address") or "").removeprefix("whatsapp:")
    keyword = envelope.data.get("keyword") or envelope.data.get("source") or "opt-out"
    evidence = f"SMS {keyword} from {address}"
    if envelope.data.get("evidence_message_id"):
        evidence += f" (message {envelope.data['evidence_message_id']})"
    party_ids = db.session().scalars(
        select(DigitalAddress.party_id).where(
            DigitalAddress.kind == AddressKind.PHONE, DigitalAddress.address == address
        )
    )
    with system_processing("consent.sms_opted_out", Activity.PROACTIVE_SERVICE):
        # An address given only during a contact (no party) has no consent to withdraw.
        for party_id in sorted({p for p in party_ids if p is not None}):
            withdraw_channel(
                party_id, ConsentChannel.SMS, CollectionMethod.SMS, evidence, whole=True
            )
