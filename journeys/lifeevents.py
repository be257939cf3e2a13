"""Life events from other systems as CloudEvents 1.0: checked, matched by BSN, recorded once.

The BSN in ``data.bsn`` only finds the party; it is removed before anything is stored. Of
the rest only the fields that the listening journeys declare in ``data_used`` are kept: a
field declared sensitive (or named like a BSN, e.g. ``deceased_bsn``) only encrypted, in
``sealed``; any other kept field that holds a BSN is refused (422). A
repeat of the same ``(source, id)`` returns the first outcome. An event type no published
journey listens to is recorded as ignored. A well-formed event for a BSN that no party has
is recorded as ``unmatched`` and accepted (202): the sender did nothing wrong, and the
contact centre can see it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from journeys import safety
from journeys.constants import InboundStatus
from journeys.events import LifeEventReceived
from journeys.models import LifeEvent
from journeys.triggers import known_types
from journeys.versions import definition_for, listening_versions
from kcc.db import db
from kcc.errors import ValidationFailed
from kcc.events.outbox import record
from kcc.parties.identifiers import validate_bsn
from kcc.parties.services import PartyQuery, search_parties
from kcc.privacy import bsn as bsn_scanner
from kcc.privacy.services import cipher as _data_cipher

BSN_FIELDS = ("bsn", "burgerservicenummer")
SEALED_CONTEXT = "journeys/life-event-sealed"
REQUIRED = ("specversion", "id", "source", "type")
LIMITS = {"id": 200, "source": 500, "type": 200, "subject": 500}


@dataclass(frozen=True)
class Receipt:
    life_event: LifeEvent
    duplicate: bool
    detail: str


def check(body: Any) -> dict[str, Any]:
    """The CloudEvent's attributes, or ValidationFailed listing everything that is wrong."""
    if not isinstance(body, dict):
        raise ValidationFailed.field("body", _l("send one CloudEvent as a JSON object"))
    params: list[dict[str, str]] = []
    for name in REQUIRED:
        value = body.get(name)
        if value is None:
            params.append({"name": name, "reason": "required CloudEvents attribute is missing"})
        elif not isinstance(value, str) or not value.strip():
            params.append({"name": name, "reason": "must be a non-empty string"})
        elif len(value) > LIMITS.get(name, 10):
            params.append({"name": name, "reason": f"at most {LIMITS.get(name, 10)} characters"})
    if isinstance(body.get("specversion"), str) and body["specversion"] != "1.0":
        params.append({"name": "specversion", "reason": "only CloudEvents 1.0 is accepted"})
    if "time" in body and _time(body["time"]) is None:
        params.append({"name": "time", "reason": "must be an RFC 3339 timestamp with a zone"})
    if "data" in body and body["data"] is not None and not isinstance(body["data"], dict):
        params.append({"name": "data", "reason": "must be a JSON object"})
    if "data_base64" in body:
        params.append(
            {
                "name": "data_base64",
                "reason": "binary data is not accepted; send data as a JSON object",
            }
        )
    content_type = body.get("datacontenttype")
    if content_type is not None and content_type != "application/json":
        params.append(
            {"name": "datacontenttype", "reason": "only application/json data is accepted"}
        )
    if params:
        names = ", ".join(p["name"] for p in params)
        raise ValidationFailed(
            _l("not a valid CloudEvents 1.0 event (%(names)s)", names=names), invalid_params=params
        )
    return body


def _time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def receive(body: Any) -> Receipt:
    """Record one CloudEvent; hand a matched one to the journeys through the outbox."""
    event = check(body)
    session = db.session()
    existing = _existing(event["source"], event["id"])
    if existing is not None:
        return Receipt(
            existing,
            True,
            f"event {event['id']} from {event['source']} was received before; nothing done",
        )
    data = dict(event.get("data") or {})
    stored = LifeEvent(
        source=event["source"],
        ce_id=event["id"],
        type=event["type"],
        occurred_at=_time(event.get("time")),
    )
    if event["type"] not in known_types():
        stored.status, stored.data = InboundStatus.IGNORED, {}
        detail = f"no journey listens to events of type {event['type']}; ignored"
    else:
        bsn = next((data[f] for f in BSN_FIELDS if f in data), None)
        if isinstance(bsn, int) and not isinstance(bsn, bool):
            bsn = f"{bsn:09d}"
        if not isinstance(bsn, str):
            raise ValidationFailed.field(
                "data.bsn", _l("the resident's BSN is required for this event type")
            )
        bsn = validate_bsn(bsn, field="data.bsn")
        parties, _ = search_parties(PartyQuery(bsn=bsn), limit=1, cursor=None)
        stored.data, stored.sealed = _declared_only(event["type"], data)
        if not parties:
            stored.status = InboundStatus.UNMATCHED
            detail = "no party with this BSN is registered; the event is recorded as unmatched and starts nothing"
        else:
            stored.status, stored.party_id = InboundStatus.MATCHED, parties[0].id
            detail = (
                "matched to a party and handed to the journeys that listen to "
                f"{event['type']}; a journey that cannot take it keeps it as a failed "
                "delivery and tries again (GET /api/v1/journeys/{key}/deliveries)"
            )
    try:
        with session.begin_nested():
            session.add(stored)
            session.flush()
    except IntegrityError:
        first = _existing(event["source"], event["id"])
        if first is None:
            raise
        return Receipt(
            first,
            True,
            f"event {event['id']} from {event['source']} was received before; nothing done",
        )
    if stored.status == InboundStatus.MATCHED:
        record(
            LifeEventReceived(
                life_event_id=str(stored.uuid),
                party_id=str(parties[0].uuid),
                type=stored.type,
                source=stored.source,
                data=stored.data,
            )
        )
    return Receipt(stored, False, detail)


def _declared_only(event_type: str, data: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    """The event's data cut to what the listening journeys declare, and the sensitive part sealed."""
    plain: set[str] = set()
    sensitive: set[str] = set()
    for version_id, digest in listening_versions():
        document = definition_for(version_id, digest).document
        if not any(t["on"] == event_type for t in document.get("triggers") or []):
            continue
        for path, field in safety.declared(document).items():
            if path.startswith("data."):
                (sensitive if safety.is_sensitive(field) else plain).add(path[5:])
    plain -= sensitive
    kept = safety.project(data, sorted(plain))
    for name, value in kept.items():
        if bsn_scanner.scrub(value)[1]:
            raise ValidationFailed.field(
                f"data.{name}",
                _l(
                    "holds what looks like a BSN; the journeys do not declare this field sensitive, so it cannot be stored"
                ),
            )
    secret = safety.project(data, sorted(sensitive))
    if not secret:
        return kept, None
    cipher = _data_cipher()
    return kept, cipher.encrypt(json.dumps(secret, sort_keys=True), SEALED_CONTEXT)


def reveal_sealed(life_event: LifeEvent) -> dict[str, Any]:
    """The sensitive fields of a life event, decrypted (for a subject access export)."""
    if not life_event.sealed:
        return {}
    cipher = _data_cipher()
    return dict(json.loads(cipher.decrypt(life_event.sealed, SEALED_CONTEXT)))


def _existing(source: str, ce_id: str) -> LifeEvent | None:
    return db.session().scalar(
        select(LifeEvent).where(LifeEvent.source == source, LifeEvent.ce_id == ce_id)
    )
