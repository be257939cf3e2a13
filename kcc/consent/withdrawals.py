"""Withdrawing consent (one grant, a channel, a purpose) and objecting to proactive service."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from kcc.consent.constants import PROACTIVE, CollectionMethod, ConsentAction, ConsentChannel
from kcc.consent.events import ConsentWithdrawn, ProcessingObjected
from kcc.consent.models import ConsentRecord
from kcc.consent.purposes import covered_by_general
from kcc.consent.services import (
    _moment_id,
    _party,
    current_grants,
    is_active,
    latest_records,
    lock_consents,
)
from kcc.constants import Action
from kcc.db import db, utcnow
from kcc.errors import Conflict, NotFound, ValidationFailed
from kcc.events.outbox import record
from kcc.parties.models import Party
from kcc.privacy.services import log_processing


def _withdrawal(
    grant: ConsentRecord,
    channel: str,
    method: str,
    moment_id: int | None,
    user_id: int | None,
    evidence: str,
    ends_grant: bool,
) -> ConsentRecord:
    row = ConsentRecord(
        party_id=grant.party_id,
        purpose=grant.purpose,
        channel=channel,
        action=ConsentAction.WITHDRAWN,
        recorded_at=utcnow(),
        method=method,
        contact_moment_id=moment_id,
        recorded_by_id=user_id,
        language=grant.language,
        withdraws_id=grant.id if ends_grant else None,
        evidence=evidence[:300],
    )
    db.session().add(row)
    return row


def withdraw_consent(
    party_uuid: uuid.UUID,
    consent_uuid: uuid.UUID,
    method: str,
    contact_moment_id: uuid.UUID | None = None,
    user_id: int | None = None,
    evidence: str = "",
) -> ConsentRecord:
    """End one granted consent now; withdrawing it a second time is a 409."""
    if method not in set(CollectionMethod):
        raise ValidationFailed.field(
            "method", _l("unknown collection method '%(method)s'", method=method)
        )
    party = _party(party_uuid)
    lock_consents(party.id)
    grant = db.session().scalar(
        select(ConsentRecord).where(
            ConsentRecord.uuid == consent_uuid, ConsentRecord.party_id == party.id
        )
    )
    if grant is None:
        raise NotFound(
            _l(
                "party %(party_uuid)s has no consent %(consent_uuid)s",
                party_uuid=party_uuid,
                consent_uuid=consent_uuid,
            )
        )
    if grant.action != ConsentAction.GRANTED:
        raise Conflict(
            _l("this record is a withdrawal itself; withdraw the consent it ended instead")
        )
    taken = db.session().scalar(
        select(ConsentRecord.uuid).where(ConsentRecord.withdraws_id == grant.id)
    )
    if taken is not None:
        raise Conflict(
            _l(
                "consent %(consent_uuid)s was withdrawn already (withdrawal %(taken)s)",
                consent_uuid=consent_uuid,
                taken=taken,
            )
        )
    row = _withdrawal(
        grant, grant.channel, method, _moment_id(contact_moment_id), user_id, evidence, True
    )
    try:
        with db.session().begin_nested():
            db.session().flush()
    except IntegrityError:
        raise Conflict(
            _l("consent %(consent_uuid)s was withdrawn already", consent_uuid=consent_uuid)
        ) from None
    record(ConsentWithdrawn(str(row.uuid), str(party.uuid), row.purpose, row.channel))
    log_processing([party.uuid], Action.UPDATE)
    return row


def withdraw_channel(
    party_id: int, channel: str, method: str, evidence: str, whole: bool = False
) -> list[ConsentRecord]:
    """Withdraw every current consent that covers ``channel`` (an SMS STOP, a chat 'stop').

    With ``whole`` a consent for channel ``any`` ends as a whole (a STOP ends every consent
    it reaches); without, only ``channel`` is taken out of it.
    """
    lock_consents(party_id)
    party_uuid = db.session().scalar(select(Party.uuid).where(Party.id == party_id))
    made = []
    latest = latest_records(party_id)
    for grant in current_grants(party_id):
        if (
            channel not in (ConsentChannel.ANY, grant.channel)
            and grant.channel != ConsentChannel.ANY
        ):
            continue
        ends = grant.channel == channel or channel == ConsentChannel.ANY or whole
        narrower = latest.get((grant.purpose, channel))
        if not ends and narrower is not None and narrower.id > grant.id and not is_active(narrower):
            continue  # this channel is withdrawn under the broader grant already
        made.append(
            _withdrawal(
                grant, grant.channel if ends else channel, method, None, None, evidence, ends
            )
        )
    db.session().flush()
    for row in made:
        record(ConsentWithdrawn(str(row.uuid), str(party_uuid), row.purpose, row.channel))
    if made and party_uuid is not None:
        log_processing([party_uuid], Action.UPDATE)
    return made


def withdraw_purpose(
    party_id: int, purpose: str, method: str, evidence: str
) -> list[ConsentRecord]:
    """Withdraw consent for one purpose on every channel: its own grants end, and a general
    grant no longer covers it (a withdrawal for the purpose on channel ``any`` says so)."""
    if method not in set(CollectionMethod):
        raise ValidationFailed.field(
            "method", _l("unknown collection method '%(method)s'", method=method)
        )
    lock_consents(party_id)
    party_uuid = db.session().scalar(select(Party.uuid).where(Party.id == party_id))
    if party_uuid is None:
        raise NotFound(_l("no party %(party_id)s", party_id=party_id))
    current = current_grants(party_id)
    made = [
        _withdrawal(g, g.channel, method, None, None, evidence, True)
        for g in current
        if g.purpose == purpose
    ]
    general = [
        g for g in current if g.purpose == PROACTIVE and covered_by_general(purpose, g.recorded_at)
    ]
    if general:
        row = _withdrawal(general[0], ConsentChannel.ANY, method, None, None, evidence, False)
        row.purpose = purpose
        made.append(row)
    db.session().flush()
    for row in made:
        record(ConsentWithdrawn(str(row.uuid), str(party_uuid), row.purpose, row.channel))
    if made:
        log_processing([party_uuid], Action.UPDATE)
    return made


def object_to_proactive(party_id: int, method: str, evidence: str) -> ConsentRecord:
    """Record the resident's objection (AVG art. 21) to proactive service: every consent on
    every channel ends, and ``objected`` holds until the resident grants a consent anew."""
    if method not in set(CollectionMethod):
        raise ValidationFailed.field(
            "method", _l("unknown collection method '%(method)s'", method=method)
        )
    withdraw_channel(party_id, ConsentChannel.ANY, method, evidence)
    party_uuid = db.session().scalar(select(Party.uuid).where(Party.id == party_id))
    if party_uuid is None:
        raise NotFound(_l("no party %(party_id)s", party_id=party_id))
    row = ConsentRecord(
        party_id=party_id,
        purpose=PROACTIVE,
        channel=ConsentChannel.ANY,
        action=ConsentAction.OBJECTED,
        recorded_at=utcnow(),
        method=method,
        evidence=evidence[:300],
    )
    db.session().add(row)
    db.session().flush()
    record(ProcessingObjected(str(row.uuid), str(party_uuid)))
    log_processing([party_uuid], Action.UPDATE)
    return row


def objected(party_id: int, records: Iterable[ConsentRecord] | None = None) -> bool:
    """Whether the resident's newest objection came after their newest grant (read from
    ``records``, newest first, when the caller has them)."""
    if records is None:
        records = db.session().scalars(
            select(ConsentRecord)
            .where(
                ConsentRecord.party_id == party_id,
                ConsentRecord.action.in_((ConsentAction.OBJECTED, ConsentAction.GRANTED)),
            )
            .order_by(ConsentRecord.id.desc())
            .limit(1)
        )
    for row in records:
        if row.action in (ConsentAction.OBJECTED, ConsentAction.GRANTED):
            return row.action == ConsentAction.OBJECTED
    return False
