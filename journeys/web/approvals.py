"""The agents' approval queue: suggestions across residents that wait for an agent before they go out.

The page reads the same queue as ``GET /api/v1/suggestions/awaiting-approval`` (oldest
first, keyset pages) and its buttons call the suggestions API (approve, decline). Opening
it shows residents' names and offers, so it writes a processing-log record for each
resident listed.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request
from flask_babel import format_timedelta
from sqlalchemy import select

from journeys.suggestions.explain import plain_words
from journeys.suggestions.machine import agent_actions
from journeys.suggestions.models import Suggestion
from journeys.suggestions.services import awaiting_approval
from journeys.web.labels import journey_title, service_title
from kcc.auth.models import User
from kcc.constants import Action
from kcc.db import db, utcnow
from kcc.parties.models import Party
from kcc.privacy.activities import Activity
from kcc.privacy.services import log_processing
from kcc.web.i18n import page_language
from kcc.web.pages import STAFF_PAGES, html_errors, page

bp = html_errors(Blueprint("journeys_approvals", __name__, template_folder="templates"))
PAGE_SIZE = 25


def _parties(ids: set[int]) -> dict[int, Party]:
    if not ids:
        return {}
    return {p.id: p for p in db.session().scalars(select(Party).where(Party.id.in_(ids)))}


def _row(s: Suggestion, party: Party | None, lang: str) -> dict[str, Any]:
    return {
        "id": str(s.uuid),
        "party_id": str(party.uuid) if party is not None else None,
        "resident": party.display_name if party is not None else "",
        "journey": journey_title(s.journey_key, lang),
        "service": service_title(s.service, lang),
        "text": s.texts.get(lang) or s.texts.get("nl") or "",
        # The agent reads why the journey offers it; the resident's link is not part of it.
        "why": plain_words(s.explanation, lang, None),
        "age": format_timedelta(utcnow() - s.created_at, threshold=1.1),
        "created_at": s.created_at,
        "actions": agent_actions(s.status, s.needs_approval),
    }


@bp.get("/approvals")
@page(*STAFF_PAGES, activity=Activity.PROACTIVE_SERVICE)
def approval_queue(user: User) -> str:
    """Suggestions waiting for an agent's approval, oldest first, a page at a time."""
    cursor = request.args.get("cursor") or None
    rows, next_cursor = awaiting_approval(PAGE_SIZE, cursor)
    parties = _parties({s.party_id for s in rows})
    listed = sorted({p.uuid for p in parties.values()})
    if listed:
        log_processing(listed, Action.READ)
    lang = page_language()
    return render_template(
        "journeys/approvals.html",
        user=user,
        items=[_row(s, parties.get(s.party_id), lang) for s in rows],
        next_cursor=next_cursor,
        first_page=cursor is None,
    )
