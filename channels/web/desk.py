"""The front office's pages: the conversations page ("my conversations" and the team queues),
one conversation with its controls, and the supervisors' live view on the dashboard.

Each page's lists are fragments of their own, which the live stream refreshes in place when
an event arrives on the conversation's, the queue's or the supervision topic. The controls
call the JSON API from the page's script.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from flask import Blueprint, render_template, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from channels.constants import ConversationStatus
from channels.conversations import canned, notes, queries, queues, reads, services
from channels.conversations.queries import ConversationQuery
from channels.conversations.queues_api import presence_of
from channels.conversations.schemas import ConversationDetailSchema, ConversationSchema
from channels.conversations.topics import wrap_up_topics
from kcc.auth.models import User
from kcc.constants import Outcome
from kcc.db import db, utcnow
from kcc.directory.services import list_teams
from kcc.errors import KccError
from kcc.parties.schemas import PartySchema
from kcc.parties.services import search_parties
from kcc.privacy.activities import Activity
from kcc.web.i18n import page_language
from kcc.web.pages import STAFF_PAGES, SUPERVISOR_PAGES, html_errors, page
from kcc.web.registry import PanelPage
from kcc.web.search import detect

bp = html_errors(
    Blueprint("channels_desk", __name__, template_folder="templates", url_prefix="/conversations")
)
LIST = 50
SEARCH_RESULTS = 10
CONTACT = Activity.CUSTOMER_CONTACT
ANSWERING = ("agent", "supervisor", "admin")
# Stored values these pages show that no template names literally.
STATUS_LABELS = (_l("snoozed"), _l("available"), _l("away"))


def _team_of(user: User) -> str:
    wanted = request.args.get("team", "").strip()
    return wanted or user.team or ""


def _listed(query: ConversationQuery, user: User) -> list[dict[str, Any]]:
    found, _ = queries.list_conversations(query, LIST, None)
    dumped: list[dict[str, Any]] = ConversationSchema(many=True).dump(
        reads.attach_unread(found, user.id)
    )
    return dumped


def _queue_lists(user: User, team: str) -> dict[str, Any]:
    mine = _listed(ConversationQuery(assigned="mine", user_id=user.id), user)
    waiting = _listed(ConversationQuery(assigned="unassigned", team=team), user) if team else []
    taken = (
        _listed(ConversationQuery(assigned="others", user_id=user.id, team=team), user)
        if team
        else []
    )
    summary = queues.queue_summaries(team)[0] if team else None
    return {"mine": mine, "waiting": waiting, "taken": taken, "summary": summary, "team": team}


@bp.get("")
@page(*STAFF_PAGES, activity=CONTACT)
def queue_page(user: User) -> str:
    team = _team_of(user)
    return render_template(
        "channels/queue_page.html",
        user=user,
        teams=list_teams(),
        presence=presence_of(user.id),
        now=utcnow(),
        **_queue_lists(user, team),
    )


@bp.get("/fragments/queue")
@page(*STAFF_PAGES, activity=CONTACT)
def queue_fragment(user: User) -> str:
    return render_template(
        "channels/queue_lists.html", user=user, now=utcnow(), **_queue_lists(user, _team_of(user))
    )


def _colleagues() -> list[User]:
    return list(
        db.session().scalars(
            select(User)
            .where(User.is_active.is_(True), User.role.in_(ANSWERING))
            .order_by(User.display_name, User.name)
        )
    )


def _state(user: User, conversation_uuid: uuid.UUID) -> dict[str, Any]:
    conversation = services.read_conversation(conversation_uuid)
    reads.mark_read(conversation_uuid, user.id)
    reads.attach_unread([conversation], user.id)
    return {
        "c": ConversationDetailSchema().dump(conversation),
        "party": conversation.party,
        "notes": notes.list_notes(conversation_uuid, log=False),
        "closed": conversation.status == ConversationStatus.CLOSED,
        "now": utcnow(),
    }


def _search(text: str) -> tuple[list[dict[str, Any]], str | None]:
    detected = detect(text)
    if detected is None:
        return [], None
    try:
        parties, _ = search_parties(detected.query, SEARCH_RESULTS, None)
    except KccError as exc:
        return [], str(exc.detail)
    return PartySchema(many=True).dump(parties), None


@bp.get("/<uuid:conversation_id>")
@page(*STAFF_PAGES, activity=CONTACT)
def conversation_page(user: User, conversation_id: uuid.UUID) -> str:
    state = _state(user, conversation_id)
    q = request.args.get("q", "").strip()
    results, search_error = _search(q) if q else ([], None)
    teams = [user.team] if user.team else []
    chosen, suggested = (
        ([], []) if state["closed"] else wrap_up_topics(services.get_conversation(conversation_id))
    )
    return render_template(
        "channels/conversation_page.html",
        user=user,
        lang=page_language(),
        topics_chosen=chosen,
        topic_suggestions=suggested,
        q=q,
        results=results,
        search_error=search_error,
        colleagues=_colleagues(),
        teams=list_teams(),
        outcomes=[o.value for o in Outcome if o != Outcome.IN_PROGRESS],
        canned=canned.canned_for_conversation(
            conversation_id, teams, user.display_name or user.name
        ),
        **state,
    )


@bp.get("/<uuid:conversation_id>/fragment")
@page(*STAFF_PAGES, activity=CONTACT)
def conversation_fragment(user: User, conversation_id: uuid.UUID) -> str:
    return render_template(
        "channels/conversation_state.html", user=user, **_state(user, conversation_id)
    )


def _supervision() -> dict[str, Any]:
    summaries = queues.queue_summaries()
    agents = queues.agents()
    waits = [q.longest_wait_seconds for q in summaries if q.longest_wait_seconds is not None]
    return {
        "queues": summaries,
        "agents": agents,
        "available": sum(1 for a in agents if a.available),
        "waiting": sum(q.waiting for q in summaries),
        "longest": max(waits) if waits else None,
    }


@bp.get("/fragments/supervision")
@page(*SUPERVISOR_PAGES, activity=Activity.SUPERVISION)
def supervision_fragment(user: User) -> str:
    return render_template("channels/supervision_state.html", user=user, **_supervision())


def supervision_panel(_page: PanelPage) -> Mapping[str, Any]:
    """The dashboard's live view of the queues and the agents."""
    return _supervision()
