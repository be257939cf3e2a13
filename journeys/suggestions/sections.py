"""Suggestions and 'ask for consent' items in the customer view; suggestions and journeys in the export."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from journeys.models import JourneyInstance, JourneyStep, JourneyVersion
from journeys.suggestions.constants import SuggestionStatus
from journeys.suggestions.explain import plain_words
from journeys.suggestions.machine import agent_actions
from journeys.suggestions.models import ConsentRequest, Suggestion
from journeys.suggestions.withdrawal import withdrawal_link
from kcc.consent.purposes import known_purposes
from kcc.db import db
from kcc.parties.models import Party

VIEW_LIMIT = 20


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def suggestion_dict(s: Suggestion, language: str = "nl") -> dict[str, Any]:
    return {
        "type": "suggestion",
        "id": str(s.uuid),
        "journey": s.journey_key,
        "version": s.journey_version,
        "state": s.state,
        "service": s.service,
        "text": s.texts.get(language) or s.texts.get("nl"),
        "texts": s.texts,
        "status": s.status,
        "delivery": s.delivery,
        "approval": "agent" if s.needs_approval else "none",
        "actions": agent_actions(s.status, s.needs_approval),
        "channel": s.channel,
        "message_id": s.message_id,
        "note": s.note,
        "created_at": _iso(s.created_at),
        "approved_at": _iso(s.approved_at),
        "sent_at": _iso(s.sent_at),
        "answered_at": _iso(s.answered_at),
        "answered_by": s.answered_by,
        "expires_at": _iso(s.expires_at),
        "explanation": s.explanation,
        "why": plain_words(s.explanation, "en", withdrawal_link(s.uuid, "en")),
        "why_nl": plain_words(s.explanation, "nl", withdrawal_link(s.uuid, "nl")),
    }


def request_dict(r: ConsentRequest) -> dict[str, Any]:
    return {
        "type": "ask_for_consent",
        "id": str(r.uuid),
        "journey": r.journey_key,
        "state": r.state,
        "services": r.services,
        "created_at": _iso(r.created_at),
        "resolved_at": _iso(r.resolved_at),
        "agent_only": True,
        "text": (
            f"Ask the resident for consent for: {_purpose_titles(r.journey_key)}. The journey "
            f"would offer {', '.join(r.services)}, but nothing is sent without consent."
        ),
    }


def _purpose_titles(journey_key: str) -> str:
    titles = [p.title_in("en") for p in known_purposes().values() if journey_key in p.declared_by]
    return "; ".join(titles) or "this journey's subject"


def suggestions_section(party: Party) -> list[dict[str, Any]]:
    """Customer view: open 'ask for consent' items first, then the newest suggestions with why."""
    session = db.session()
    asks = session.scalars(
        select(ConsentRequest)
        .where(ConsentRequest.party_id == party.id, ConsentRequest.resolved_at.is_(None))
        .order_by(ConsentRequest.id.desc())
        .limit(VIEW_LIMIT)
    )
    rows = session.scalars(
        select(Suggestion)
        .where(Suggestion.party_id == party.id)
        .order_by(Suggestion.id.desc())
        .limit(VIEW_LIMIT)
    )
    language = party.preferred_language or "nl"
    return [*(request_dict(r) for r in asks), *(suggestion_dict(s, language) for s in rows)]


def suggestion_outcomes() -> dict[str, float]:
    """Supervisors' dashboard: how many suggestions there are per status, in the life order."""
    rows = db.session().execute(select(Suggestion.status, func.count()).group_by(Suggestion.status))
    counts = {status: count for status, count in rows}
    return {str(status): float(counts.get(status, 0)) for status in SuggestionStatus}


def suggestions_export(parties: list[Party]) -> list[dict[str, Any]]:
    ids = [p.id for p in parties]
    session = db.session()
    rows = session.scalars(
        select(Suggestion).where(Suggestion.party_id.in_(ids)).order_by(Suggestion.id)
    )
    asks = session.scalars(
        select(ConsentRequest).where(ConsentRequest.party_id.in_(ids)).order_by(ConsentRequest.id)
    )
    return [*(suggestion_dict(s) for s in rows), *(request_dict(r) for r in asks)]


def journeys_export(parties: list[Party]) -> list[dict[str, Any]]:
    """Every journey instance of the parties with all its steps."""
    session = db.session()
    party_ids = [p.id for p in parties]
    rows = session.execute(
        select(JourneyInstance, JourneyVersion.number)
        .join(JourneyVersion, JourneyVersion.id == JourneyInstance.version_id)
        .where(JourneyInstance.party_id.in_(party_ids))
        .order_by(JourneyInstance.id)
    ).all()
    if not rows:
        return []
    steps: dict[int, list[dict[str, Any]]] = {}
    of_parties = select(JourneyInstance.id).where(JourneyInstance.party_id.in_(party_ids))
    for step in session.scalars(
        select(JourneyStep).where(JourneyStep.instance_id.in_(of_parties)).order_by(JourneyStep.id)
    ):
        steps.setdefault(step.instance_id, []).append(
            {
                "event": step.event,
                "event_id": step.event_id,
                "from": step.from_states,
                "to": step.to_states,
                "moved": step.moved,
                "cause": step.cause_type,
                "cause_ref": step.cause_ref,
                "why": step.why,
                "at": _iso(step.occurred_at),
            }
        )
    return [
        {
            "id": str(i.uuid),
            "journey": i.journey_key,
            "version": number,
            "status": i.status,
            "states": i.configuration,
            "data": i.datamodel,
            "started_at": _iso(i.started_at),
            "completed_at": _iso(i.completed_at),
            "steps": steps.get(i.id, []),
        }
        for i, number in rows
    ]


def erase_suggestions(parties: list[Party]) -> int:
    """Erasure: the parties' suggestions and 'ask for consent' items."""
    from sqlalchemy import delete

    ids = [p.id for p in parties]
    session = db.session()
    removed = session.execute(delete(Suggestion).where(Suggestion.party_id.in_(ids))).rowcount  # type: ignore[attr-defined]
    asks = session.execute(delete(ConsentRequest).where(ConsentRequest.party_id.in_(ids))).rowcount  # type: ignore[attr-defined]
    return int(removed or 0) + int(asks or 0)


def count_suggestions(parties: list[Party]) -> int:
    """The parties' suggestions and 'ask for consent' items (erasure removes them all)."""
    ids = [p.id for p in parties]
    session = db.session()
    suggestions = session.scalar(select(func.count()).where(Suggestion.party_id.in_(ids)))
    asks = session.scalar(select(func.count()).where(ConsentRequest.party_id.in_(ids)))
    return int(suggestions or 0) + int(asks or 0)


def count_journeys(parties: list[Party]) -> int:
    """The parties' journey instances (erasure removes them with their steps and timers)."""
    query = select(func.count()).where(JourneyInstance.party_id.in_([p.id for p in parties]))
    return int(db.session().scalar(query) or 0)


def erase_journeys(parties: list[Party]) -> int:
    """Erasure: the parties' journey instances with their steps and timers."""
    from sqlalchemy import delete

    result = db.session().execute(
        delete(JourneyInstance).where(JourneyInstance.party_id.in_([p.id for p in parties]))
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
