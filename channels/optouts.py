"""SMS opt-outs: withdrawn and restored by keyword, by Twilio's OptOutType, or by error 21610."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from channels.models import ChannelMessage, SmsOptOut
from kcc.db import db, utcnow
from kcc.events.outbox import record
from kcc.messaging.events import SmsOptedIn, SmsOptedOut


def is_opted_out(address: str) -> bool:
    """Whether SMS contact with ``address`` is withdrawn."""
    found = db.session().scalar(select(SmsOptOut.opted_out_at).where(SmsOptOut.address == address))
    return found is not None


def _row(address: str, source: str) -> SmsOptOut:
    session = db.session()
    row = session.scalar(select(SmsOptOut).where(SmsOptOut.address == address))
    if row is not None:
        return row
    row = SmsOptOut(address=address, source=source)
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:  # a concurrent message from the same number created it
        return session.scalars(select(SmsOptOut).where(SmsOptOut.address == address)).one()
    return row


def opt_out(
    address: str, source: str, keyword: str | None, evidence: ChannelMessage | None
) -> None:
    """Withdraw SMS contact with ``address`` now, keeping the message that asked for it."""
    row = _row(address, source)
    if row.opted_out_at is not None:
        return
    row.opted_out_at = utcnow()
    row.source = source
    row.keyword = keyword
    row.evidence_message_id = evidence.id if evidence is not None else None
    db.session().flush()
    record(
        SmsOptedOut(
            address=address,
            source=source,
            keyword=keyword,
            evidence_message_id=str(evidence.uuid) if evidence is not None else None,
        )
    )


def opt_in(address: str, keyword: str | None, evidence: ChannelMessage | None) -> None:
    """Restore SMS contact with ``address`` (START, UNSTOP, AANMELDEN)."""
    row = db.session().scalar(select(SmsOptOut).where(SmsOptOut.address == address))
    if row is None or row.opted_out_at is None:
        return
    row.opted_out_at = None
    row.restored_at = utcnow()
    row.keyword = keyword
    row.evidence_message_id = evidence.id if evidence is not None else None
    db.session().flush()
    record(
        SmsOptedIn(
            address=address,
            keyword=keyword,
            evidence_message_id=str(evidence.uuid) if evidence is not None else None,
        )
    )
