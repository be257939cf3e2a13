"""Why a suggestion exists, in data and in plain words: journey, state, events, rule, data, consent."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from journeys.catalogue import service
from journeys.models import JourneyInstance, JourneyStep
from journeys.validation import Definition
from kcc.consent.models import ConsentRecord

MAX_EVENTS = 10


def steps_leading_to(instance: JourneyInstance, session: Any) -> list[JourneyStep]:
    """The newest steps of the instance that moved it (oldest first), at most ``MAX_EVENTS``."""
    rows = session.scalars(
        select(JourneyStep)
        .where(JourneyStep.instance_id == instance.id, JourneyStep.moved.is_(True))
        .order_by(JourneyStep.id.desc())
        .limit(MAX_EVENTS)
    )
    return list(reversed(list(rows)))


def _rule(
    definition: Definition, state: str, offer: dict[str, Any], steps: list[JourneyStep]
) -> str:
    label = definition.label(state, "en")
    title = definition.document["title"]["en"]
    moved_by = {s.event for s in steps}
    triggers = [
        t.get("description") or f"event {t['on']}"
        for t in definition.triggers
        if t.get("event") in moved_by or (t.get("start") and "start" in moved_by)
    ]
    why = f" Triggered by: {'; '.join(triggers)}." if triggers else ""
    return (
        f"Journey '{title}' offers '{offer['service']}' in state '{label}' "
        f"(consent purpose '{offer.get('consent_purpose', '')}').{why}"
    )


def consent_dict(row: ConsentRecord | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {
        "id": str(row.uuid),
        "purpose": row.purpose,
        "channel": row.channel,
        "method": row.method,
        "granted_at": row.recorded_at.isoformat(),
        "text_version": row.text_version,
        "expires_at": row.expires_at.isoformat() if row.expires_at else None,
    }


def explain(
    definition: Definition,
    instance: JourneyInstance,
    state: str,
    offer: dict[str, Any],
    steps: list[JourneyStep],
    event_id: str,
    consent: ConsentRecord | None,
) -> dict[str, Any]:
    """The explanation stored with a suggestion."""
    entry = service(offer["service"]) or {}
    data_used = list((definition.document.get("algorithm_register") or {}).get("data_used") or [])
    return {
        "journey": definition.key,
        "journey_title": definition.document["title"],
        "version": definition.number,
        "state": state,
        "state_label": {"nl": definition.label(state, "nl"), "en": definition.label(state, "en")},
        "service": {
            "key": offer["service"],
            "title": entry.get("title"),
            "link": entry.get("link"),
        },
        "events": [
            {
                "event_id": s.event_id,
                "event": s.event,
                "at": s.occurred_at.isoformat(),
                "cause": s.cause_type,
                "cause_ref": s.cause_ref,
                "why": s.why,
            }
            for s in steps
        ],
        "state_entered_event_id": event_id,
        "rule": _rule(definition, state, offer, steps),
        "rule_text": offer.get("text"),
        "data_used": data_used,
        "journey_data": dict(instance.datamodel or {}),
        "consent": consent_dict(consent),
        "decides_nothing": True,
    }


def plain_words(explanation: dict[str, Any], language: str = "en") -> str:
    """The explanation as one paragraph for the customer view and the export."""
    nl = language == "nl"
    title = (explanation.get("journey_title") or {}).get(language) or explanation["journey"]
    label = (explanation.get("state_label") or {}).get(language) or explanation["state"]
    events = (
        ", ".join(f"{e['event']} ({e['at'][:10]})" for e in explanation.get("events", [])) or "-"
    )
    consent = explanation.get("consent")
    if nl:
        given = (
            f"toestemming '{consent['purpose']}' voor {consent['channel']} van {consent['granted_at'][:10]}"
            if consent
            else "nog geen toestemming; er is niets verstuurd"
        )
        return (
            f"Deze suggestie komt uit de reis '{title}' (versie {explanation['version']}), stap '{label}'. "
            f"Wat daartoe leidde: {events}. Regel: {explanation['rule']} Gebruikte gegevens: "
            f"{', '.join(explanation.get('data_used') or []) or '-'}. Grondslag voor contact: {given}. "
            "De gemeente beslist hiermee niets; u kiest zelf."
        )
    given = (
        f"consent '{consent['purpose']}' for {consent['channel']} given {consent['granted_at'][:10]}"
        if consent
        else "no consent yet; nothing was sent"
    )
    return (
        f"This suggestion comes from the journey '{title}' (version {explanation['version']}), step '{label}'. "
        f"What led there: {events}. Rule: {explanation['rule']} Data used: "
        f"{', '.join(explanation.get('data_used') or []) or '-'}. Basis for contacting: {given}. "
        "Nothing is decided by this; the resident chooses."
    )
