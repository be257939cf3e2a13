"""Suggestions from journey states: offered with consent, asked for consent without, answered, expired."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from journeys import durations
from journeys.catalogue import is_offered
from journeys.models import JourneyInstance
from journeys.suggestions.constants import (
    OPEN_STATUSES,
    UNSENT_STATUSES,
    Delivery,
    SuggestionStatus,
    delivery_for,
)
from journeys.suggestions.delivery import any_consent, consent_for, deliver, send_now
from journeys.suggestions.events import SuggestionAccepted
from journeys.suggestions.explain import explain, steps_leading_to
from journeys.suggestions.machine import move
from journeys.suggestions.models import ConsentRequest, Suggestion
from journeys.versions import definition_for
from kcc.consent.services import history, lock_consents
from kcc.consent.withdrawals import objected
from kcc.constants import Action
from kcc.db import db, utcnow
from kcc.errors import NotFound
from kcc.events.outbox import record
from kcc.pagination import decode_cursor, encode_cursor
from kcc.parties.models import Party
from kcc.privacy.services import log_processing


def _when(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) else None


def offer(event_id: str, data: dict[str, Any]) -> list[Suggestion]:
    """Handle a journey entering a state with suggestions (``journey.state_entered``).

    With consent for the purpose on some channel each offer becomes a suggestion (sent at once
    when the document says so); without, one 'ask for consent' item for agents and nothing sent.
    """
    session = db.session()
    party = session.scalar(select(Party).where(Party.uuid == uuid.UUID(data["party_id"])))
    instance = session.scalar(
        select(JourneyInstance).where(JourneyInstance.uuid == uuid.UUID(data["instance_id"]))
    )
    if party is None or instance is None:
        return []
    if (
        session.scalar(select(Suggestion.id).where(Suggestion.source_event_id == event_id).limit(1))
        is not None
    ):
        return []
    lock_consents(party.id)
    records = history(party.id)
    if objected(party.id, records):
        return []  # the resident objected: nothing is offered and no agent asks again
    # An instance on an older version may name a service the catalogue no longer offers
    # (deactivated once no published version named it): that one is left out.
    offers = [item for item in data.get("suggestions") or [] if is_offered(item["service"])]
    consents = [any_consent(records, str(item.get("consent_purpose", ""))) for item in offers]
    unconsented = [item for item, c in zip(offers, consents, strict=True) if c is None]
    if unconsented:
        _ask_for_consent(event_id, party, instance, data["state"], unconsented)
    if len(unconsented) == len(offers):
        return []
    definition = definition_for(instance.version_id)
    steps = steps_leading_to(instance, session)
    made = []
    for position, (item, consent) in enumerate(zip(offers, consents, strict=True)):
        if consent is None:
            continue
        suggestion = Suggestion(
            party_id=party.id,
            instance_id=instance.id,
            journey_key=data["journey"],
            journey_version=int(data["version"]),
            state=data["state"],
            service=item["service"],
            texts=dict(item.get("text") or {}),
            consent_purpose=str(item.get("consent_purpose", "")),
            status=SuggestionStatus.PROPOSED,
            delivery=delivery_for(item.get("approval")),
            explanation=explain(
                definition, instance, data["state"], item, steps, event_id, consent
            ),
            source_event_id=event_id,
            position=position,
            expires_at=_when(item.get("expires_at")),
        )
        session.add(suggestion)
        made.append(suggestion)
    session.flush()
    for suggestion in made:
        if suggestion.delivery == Delivery.SEND:
            deliver(suggestion, party)
    session.flush()
    log_processing([party.uuid], Action.CREATE)
    return made


def _ask_for_consent(
    event_id: str, party: Party, instance: JourneyInstance, state: str, offers: list[dict[str, Any]]
) -> None:
    session = db.session()
    if (
        session.scalar(select(ConsentRequest.id).where(ConsentRequest.source_event_id == event_id))
        is not None
    ):
        return
    session.add(
        ConsentRequest(
            party_id=party.id,
            instance_id=instance.id,
            journey_key=instance.journey_key,
            state=state,
            services=[o["service"] for o in offers],
            source_event_id=event_id,
        )
    )
    session.flush()
    log_processing([party.uuid], Action.CREATE)


def get_suggestion(suggestion_uuid: uuid.UUID) -> Suggestion:
    found = db.session().scalar(select(Suggestion).where(Suggestion.uuid == suggestion_uuid))
    if found is None:
        raise NotFound(
            _l("no suggestion with id %(suggestion_uuid)s", suggestion_uuid=suggestion_uuid)
        )
    return found


def _party_uuid(party_id: int) -> uuid.UUID:
    found = db.session().scalar(select(Party.uuid).where(Party.id == party_id))
    assert found is not None
    return found


def approve(suggestion_uuid: uuid.UUID, user_id: int) -> Suggestion:
    """An agent approves a suggestion; it is sent at once when consent still allows."""
    suggestion = get_suggestion(suggestion_uuid)
    lock_consents(suggestion.party_id)
    db.session().refresh(suggestion)
    move(suggestion, "approve")
    suggestion.approved_at, suggestion.approved_by_id = utcnow(), user_id
    db.session().flush()
    send_now(suggestion.id)
    log_processing([_party_uuid(suggestion.party_id)], Action.UPDATE)
    return suggestion


def withhold(suggestion_uuid: uuid.UUID, reason: str) -> Suggestion:
    """An agent decides an offer is not sent: it closes unseen, which is not the resident's no."""
    suggestion = get_suggestion(suggestion_uuid)
    lock_consents(suggestion.party_id)
    db.session().refresh(suggestion)
    move(suggestion, "withhold")
    suggestion.closed_at = utcnow()
    suggestion.note = reason
    db.session().flush()
    log_processing([_party_uuid(suggestion.party_id)], Action.UPDATE)
    return suggestion


def answer(suggestion_uuid: uuid.UUID, accepted: bool, by: str) -> Suggestion:
    """Record the resident's yes or no (told to an agent, or by SMS or chat). Nothing else changes."""
    suggestion = get_suggestion(suggestion_uuid)
    return record_answer(suggestion, accepted, by)


def record_answer(suggestion: Suggestion, accepted: bool, by: str) -> Suggestion:
    move(suggestion, "accept" if accepted else "decline")
    suggestion.answered_at = suggestion.closed_at = utcnow()
    suggestion.answered_by = by[:80]
    db.session().flush()
    party_uuid = _party_uuid(suggestion.party_id)
    if accepted:
        record(
            SuggestionAccepted(
                str(suggestion.uuid), str(party_uuid), suggestion.service, suggestion.answered_by
            )
        )
    log_processing([_party_uuid(suggestion.party_id)], Action.UPDATE)
    return suggestion


def awaiting_approval(limit: int, cursor: str | None) -> tuple[list[Suggestion], str | None]:
    """Suggestions across residents that wait for an agent's approval, oldest first (keyset)."""
    query = (
        select(Suggestion)
        .where(
            Suggestion.status == SuggestionStatus.PROPOSED,
            Suggestion.delivery == Delivery.APPROVE,
        )
        .order_by(Suggestion.id)
    )
    after = decode_cursor(cursor, {"id": int})
    if after is not None:
        query = query.where(Suggestion.id > after["id"])
    rows = list(db.session().scalars(query.limit(limit + 1)))
    next_cursor = encode_cursor({"id": rows[limit - 1].id}) if len(rows) > limit else None
    return rows[:limit], next_cursor


def party_uuids(party_ids: set[int]) -> dict[int, uuid.UUID]:
    """The public ids of parties by internal id."""
    if not party_ids:
        return {}
    rows = db.session().execute(select(Party.id, Party.uuid).where(Party.id.in_(party_ids)))
    return {row[0]: row[1] for row in rows}


def withdraw_without_consent(party_id: int) -> int:
    """After a withdrawal: every open suggestion no consent covers any more is withdrawn. Returns how many."""
    lock_consents(party_id)
    session = db.session()
    records = history(party_id)
    rows = session.scalars(
        select(Suggestion)
        .where(Suggestion.party_id == party_id, Suggestion.status.in_(OPEN_STATUSES))
        .execution_options(populate_existing=True)
    )
    count = 0
    for s in rows:
        if s.status in UNSENT_STATUSES:
            still = any_consent(records, s.consent_purpose)
        else:
            still = consent_for(records, s.consent_purpose, s.channel or "")
        if still is None:
            move(s, "withdraw")
            s.closed_at = utcnow()
            s.note = "withdrawn: the resident withdrew consent"
            count += 1
    session.flush()
    if count:
        log_processing([_party_uuid(party_id)], Action.UPDATE)
    return count


def expire_due(now: datetime | None = None, limit: int = 200) -> int:
    """Open suggestions past their expiry become expired. Returns how many."""
    now = now or utcnow()
    session = db.session()
    query = (
        select(Suggestion)
        .where(
            Suggestion.status.in_(OPEN_STATUSES),
            Suggestion.expires_at.is_not(None),
            Suggestion.expires_at < now,
        )
        .order_by(Suggestion.id)
        .limit(limit)
    )
    if db.dialect == "postgresql":
        query = query.with_for_update(skip_locked=True)
    rows = list(session.scalars(query))
    for s in rows:
        move(s, "expire")
        s.closed_at = now
    session.flush()
    return len(rows)


def resolve_requests(party_id: int) -> int:
    """Consent arrived: open 'ask for consent' items are resolved and their offers made if still due."""
    session = db.session()
    requests = list(
        session.scalars(
            select(ConsentRequest).where(
                ConsentRequest.party_id == party_id, ConsentRequest.resolved_at.is_(None)
            )
        )
    )
    for request in requests:
        request.resolved_at = utcnow()
        instance = (
            session.get(JourneyInstance, request.instance_id) if request.instance_id else None
        )
        if instance is None or request.state not in (instance.configuration or []):
            continue
        definition = definition_for(instance.version_id)
        now = utcnow()
        offers = [
            {**o, "expires_at": durations.add(now, o["expires"]).isoformat()}
            if o.get("expires")
            else o
            for o in definition.suggestions(request.state)
        ]
        data = {
            "party_id": str(_party_uuid(party_id)),
            "instance_id": str(instance.uuid),
            "journey": instance.journey_key,
            "version": definition.number,
            "state": request.state,
            "suggestions": offers,
        }
        offer(f"{request.source_event_id}:consented", data)
    session.flush()
    return len(requests)
