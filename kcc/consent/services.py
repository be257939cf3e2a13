"""Grant and withdraw consent, and derive what a party permits right now."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from kcc.consent.constants import (
    PROACTIVE,
    CollectionMethod,
    ConsentAction,
    ConsentChannel,
)
from kcc.consent.events import ConsentGranted
from kcc.consent.models import ConsentRecord
from kcc.consent.purposes import covered_by_general, require_purpose
from kcc.consent.texts import consent_text
from kcc.constants import Action
from kcc.contacts.models import ContactMoment
from kcc.db import db, utcnow
from kcc.errors import NotFound, ValidationFailed
from kcc.events.outbox import record
from kcc.parties.models import Party
from kcc.privacy.services import log_processing


@dataclass
class ConsentInput:
    purpose: str
    channel: str
    method: str
    language: str | None = None
    text_version: int | None = None
    expires_at: datetime | None = None
    contact_moment_id: uuid.UUID | None = None
    recorded_by_id: int | None = None
    evidence: str = ""


def check_purpose(purpose: str) -> None:
    """A purpose is a declared one, or the general ``proactive``; else a 422."""
    require_purpose(purpose)


def check_channel(channel: str) -> None:
    if channel not in set(ConsentChannel):
        raise ValidationFailed.field(
            "channel", _l("unknown channel '%(channel)s'; use sms, email or any", channel=channel)
        )


def lock_consents(party_id: int) -> None:
    """Serialise consent changes and sends for one party until the transaction ends (PostgreSQL)."""
    db.lock(f"consent:{party_id}")


def _party(party_uuid: uuid.UUID) -> Party:
    party = db.session().scalar(select(Party).where(Party.uuid == party_uuid))
    if party is None:
        raise NotFound(_l("no party with id %(party_uuid)s", party_uuid=party_uuid))
    return party


def _moment_id(moment_uuid: uuid.UUID | None) -> int | None:
    if moment_uuid is None:
        return None
    found = db.session().scalar(select(ContactMoment.id).where(ContactMoment.uuid == moment_uuid))
    if found is None:
        raise ValidationFailed.field(
            "contact_moment_id",
            _l("no contact moment with id %(moment_uuid)s", moment_uuid=moment_uuid),
        )
    return found


def grant_consent(party_uuid: uuid.UUID, data: ConsentInput) -> ConsentRecord:
    """Record that the party agreed to the current (or given) text for a purpose and channel."""
    check_purpose(data.purpose)
    check_channel(data.channel)
    if data.method not in set(CollectionMethod):
        raise ValidationFailed.field(
            "method", _l("unknown collection method '%(method)s'", method=data.method)
        )
    if data.expires_at is not None and data.expires_at <= utcnow():
        raise ValidationFailed.field("expires_at", _l("an expiry must lie in the future"))
    party = _party(party_uuid)
    language = data.language or party.preferred_language
    version, agreed = consent_text(data.purpose, language, data.text_version)
    lock_consents(party.id)
    row = ConsentRecord(
        party_id=party.id,
        purpose=data.purpose,
        channel=data.channel,
        action=ConsentAction.GRANTED,
        recorded_at=utcnow(),
        method=data.method,
        contact_moment_id=_moment_id(data.contact_moment_id),
        recorded_by_id=data.recorded_by_id,
        language=language if language in ("nl", "en") else "en",
        text_version=version,
        text=agreed,
        expires_at=data.expires_at,
        evidence=data.evidence[:300],
    )
    db.session().add(row)
    db.session().flush()
    record(ConsentGranted(str(row.uuid), str(party.uuid), row.purpose, row.channel))
    log_processing([party.uuid], Action.CREATE)
    return row


def history(party_id: int) -> list[ConsentRecord]:
    """Every record of a party, newest first."""
    return list(
        db.session().scalars(
            select(ConsentRecord)
            .where(ConsentRecord.party_id == party_id)
            .order_by(ConsentRecord.id.desc())
        )
    )


def latest_records(party_id: int) -> dict[tuple[str, str], ConsentRecord]:
    """The newest record per (purpose, channel): the current state before expiry."""
    latest: dict[tuple[str, str], ConsentRecord] = {}
    for row in history(party_id):
        latest.setdefault((row.purpose, row.channel), row)
    return latest


def is_active(row: ConsentRecord, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return row.action == ConsentAction.GRANTED and (row.expires_at is None or row.expires_at > now)


def current_grants(party_id: int) -> list[ConsentRecord]:
    """The consents in force now: newest per purpose and channel, granted and not expired."""
    now = utcnow()
    return [row for row in latest_records(party_id).values() if is_active(row, now)]


def get_record(party_uuid: uuid.UUID, consent_uuid: uuid.UUID) -> tuple[Party, ConsentRecord]:
    party = _party(party_uuid)
    row = db.session().scalar(
        select(ConsentRecord).where(
            ConsentRecord.uuid == consent_uuid, ConsentRecord.party_id == party.id
        )
    )
    if row is None:
        raise NotFound(
            _l(
                "party %(party_uuid)s has no consent %(consent_uuid)s",
                party_uuid=party_uuid,
                consent_uuid=consent_uuid,
            )
        )
    return party, row


def grant_for(records: Iterable[ConsentRecord], purpose: str, channel: str) -> ConsentRecord | None:
    """From a party's records (newest first): the grant that permits a message for the
    declared ``purpose`` on ``channel`` now, if any.

    A grant for the purpose itself counts; a general ``proactive`` grant counts only for a
    purpose published when it was given, and not once the purpose itself was withdrawn after it.
    """
    newest: dict[str, ConsentRecord] = {}
    for row in records:
        if row.channel in (channel, ConsentChannel.ANY) and row.purpose in (purpose, PROACTIVE):
            newest.setdefault(row.purpose, row)
    now = utcnow()
    own, general = newest.get(purpose), newest.get(PROACTIVE)
    if own is not None and is_active(own, now):
        return own
    if general is None or not is_active(general, now):
        return None
    if own is not None and own.id > general.id:
        return None  # the purpose itself was withdrawn after the general grant
    return general if covered_by_general(purpose, general.recorded_at) else None
