"""The customer view page: the resident at a glance, the timeline, tasks and actions.

The page reads the core's one customer view (``kcc.view.services.customer_view``) once and
turns it into what the template shows, in one pass: only the fields on the page, the words
in the page's language and the times in Dutch local time. No API schemas are dumped (they
would serialise the involvements, subject objects and agents of every contact moment, which
the page does not show), and the template does no per-row lookups of its own. Packages add
their panels (conversations, journeys, suggestions) from the same view through the registry.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from flask import Blueprint, render_template, request

from kcc.auth.access import authorize
from kcc.auth.models import User
from kcc.constants import Channel, Direction, Outcome, TaskKind
from kcc.contacts.topics import topics_of
from kcc.parties.schemas import PartySchema
from kcc.privacy.activities import Activity
from kcc.view.services import CustomerView, MomentRow, customer_view
from kcc.web.formats import language_name, local_time, shorten
from kcc.web.i18n import page_language
from kcc.web.labels import label
from kcc.web.pages import STAFF_PAGES, html_errors, page
from kcc.web.panels import render_panels
from kcc.web.registry import PanelPage

bp = html_errors(Blueprint("web_customer", __name__, template_folder="../templates"))

PAGE_SIZE = 25
TEXT_CHARS = 400
TASK_CHARS = 100
CHANNELS = tuple(Channel)
DIRECTIONS = tuple(Direction)


@dataclass(frozen=True, slots=True)
class TimelineRow:
    """One contact moment as the timeline shows it."""

    channel: str
    channel_label: str
    at: str
    at_text: str
    direction_label: str
    outcome_label: str
    subject: str
    text: str
    topics: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TaskRow:
    kind_label: str
    description: str
    due: str


def timeline_rows(moments: Sequence[MomentRow], channel: str, direction: str) -> list[TimelineRow]:
    words: dict[str, str] = {}

    def word(value: str) -> str:
        found = words.get(value)
        if found is None:
            found = words[value] = label(value)
        return found

    shown = [
        m
        for m in moments
        if (not channel or m.channel == channel) and (not direction or m.direction == direction)
    ]
    english = page_language() == "en"
    topics = topics_of(m.id for m in shown)
    return [
        TimelineRow(
            channel=m.channel,
            channel_label=word(m.channel),
            at=m.occurred_at.isoformat(),
            at_text=local_time(m.occurred_at),
            direction_label=word(m.direction),
            outcome_label=word(m.outcome) if m.outcome else "",
            subject=m.subject,
            text=shorten(m.text, TEXT_CHARS) if m.text else "",
            topics=tuple(t.name_en if english else t.name_nl for t in topics.get(m.id, [])),
        )
        for m in shown
    ]


def _choice(name: str, allowed: tuple[str, ...]) -> str:
    value = request.args.get(name, "")
    return value if value in allowed else ""


def _task_rows(view: CustomerView) -> list[TaskRow]:
    return [
        TaskRow(label(t.kind), shorten(t.description, TASK_CHARS), local_time(t.due_at)[:10])
        for t in view.open_tasks
    ]


@bp.get("/parties/<uuid:party_id>/timeline")
def timeline_fragment(party_id: uuid.UUID) -> str:
    """The newest contact moments as list items, for the page to refresh when one is added.

    A part of the page fetched by the page itself: it answers 401 (not the sign-in page) when
    the session has ended, and does not keep the session alive.
    """
    authorize(STAFF_PAGES, Activity.CUSTOMER_CONTACT)
    view = customer_view(party_id, PAGE_SIZE, None)
    moments = timeline_rows(
        view.contact_moments, _choice("channel", CHANNELS), _choice("direction", DIRECTIONS)
    )
    return render_template("customer_timeline.html", moments=moments)


@bp.get("/parties/<uuid:party_id>/tasks")
def tasks_fragment(party_id: uuid.UUID) -> str:
    """The party's open tasks as list items, for the page to refresh when one is added."""
    authorize(STAFF_PAGES, Activity.CUSTOMER_CONTACT)
    view = customer_view(party_id, PAGE_SIZE, None)
    return render_template("customer_tasks.html", tasks=_task_rows(view))


@bp.get("/parties/<uuid:party_id>")
@page(*STAFF_PAGES, activity=Activity.CUSTOMER_CONTACT)
def customer(user: User, party_id: uuid.UUID) -> str:
    view = customer_view(party_id, PAGE_SIZE, request.args.get("cursor") or None)
    channel = _choice("channel", CHANNELS)
    direction = _choice("direction", DIRECTIONS)
    language = page_language()
    moments = timeline_rows(view.contact_moments, channel, direction)
    party = PartySchema().dump(view.party)
    panel_page = PanelPage(user, language, view, icons={m.channel for m in moments})
    panels = render_panels("customer", panel_page, party=party)
    return render_template(
        "customer.html",
        user=user,
        lang=language,
        party=party,
        preferred_language=language_name(view.party.preferred_language, language),
        moments=moments,
        icons=sorted(panel_page.icons),
        panels=panels,
        next_cursor=view.next_cursor,
        tasks=_task_rows(view),
        live_topics=[f"party:{party['id']}"],
        consents=view.sections.get("consents", []),
        channel=channel,
        direction=direction,
        channels=CHANNELS,
        outcomes=tuple(Outcome),
        task_kinds=tuple(TaskKind),
    )
