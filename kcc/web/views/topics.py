"""Pages about topics: the question patterns on the dashboard, the answers agents search,
and the catalogue for administrators. The topic picker macro lives in ``topics/picker.html``."""

from __future__ import annotations

import uuid
from datetime import datetime

from flask import Blueprint, Flask, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from kcc.auth.models import User
from kcc.constants import Role
from kcc.contacts.topics import topics_of
from kcc.db import utcnow
from kcc.errors import KccError
from kcc.knowledge import search_answers
from kcc.knowledge.services import overdue_reviews, topics_of_answers
from kcc.patterns import queries
from kcc.privacy.activities import Activity
from kcc.topics.catalogue import list_topics
from kcc.topics.models import Topic
from kcc.web.charts import Chart, bar_chart
from kcc.web.i18n import page_language
from kcc.web.labels import label
from kcc.web.pages import STAFF_PAGES, SUPERVISOR_PAGES, html_errors, page
from kcc.web.registry import Asset, PanelPage, register_navigation, register_panel
from kcc.web.views.dashboard import _day, _number

bp = html_errors(Blueprint("web_topics", __name__, template_folder="../templates"))
ANSWER_PAGES = (*STAFF_PAGES, Role.PROCESS_OWNER)


def init_topic_pages(app: Flask) -> None:
    """Menu entries for the answers, the question patterns and the catalogue."""
    register_navigation(app, _l("Answers"), "web_topics.answers", STAFF_PAGES, 20)
    register_navigation(app, _l("Question patterns"), "web_topics.patterns", SUPERVISOR_PAGES, 35)
    register_navigation(app, _l("Topics"), "web_topics.catalogue", (Role.ADMIN,), 50)
    register_panel(
        app,
        "customer.side",
        "topics/answers_panel.html",
        order=60,
        roles=ANSWER_PAGES,
        context=answers_panel,
        scripts=[Asset("web_auth.static", "topics.js")],
    )


def topic_name(topic: Topic, language: str) -> str:
    return topic.name_en if language == "en" else topic.name_nl


def _pattern_charts(now: datetime, language: str) -> tuple[list[Chart], queries.WeeklyTopics]:
    weekly = queries.contacts_per_topic_week(now)
    names = {f.key: (f.name_en if language == "en" else f.name_nl) for f in weekly.topics}
    fcr = queries.first_contact_resolution_per_topic(now)[:10]
    repeats = queries.repeat_contacts(now)
    callbacks = queries.callbacks_per_topic(now)
    districts = queries.contacts_per_district(now)[:15]

    def name(f: queries.TopicFigure) -> str:
        return f.name_en if language == "en" else f.name_nl

    charts = [
        bar_chart(
            "topics-weekly",
            _("Contacts per topic per week (busiest topics)"),
            [_day(w) for w in weekly.weeks],
            {names[k]: [float(v) for v in values] for k, values in weekly.counts.items()}
            or {_("contact moments"): [0.0] * len(weekly.weeks)},
            x_label=_("Week starting"),
            y_label=_("Contact moments"),
            number=_number,
        ),
        bar_chart(
            "topics-fcr",
            _("First-contact resolution per topic, lowest first (last 30 days)"),
            [name(f) for f in fcr],
            {_("resolved"): [f.value for f in fcr]},
            x_label=_("Topic"),
            y_label=_("Resolved at first contact"),
            maximum=100,
            unit="%",
            number=_number,
        ),
        bar_chart(
            "topics-repeats",
            _("Repeat contacts: same resident, same topic within 7 days (last 30 days)"),
            [name(f) for f in repeats],
            {_("repeat contacts"): [f.value for f in repeats]},
            x_label=_("Topic"),
            y_label=_("Contact moments"),
            number=_number,
        ),
        bar_chart(
            "topics-callbacks",
            _("Topics with the most callback requests (last 30 days)"),
            [name(f) for f in callbacks],
            {_("callback requests"): [f.value for f in callbacks]},
            x_label=_("Topic"),
            y_label=_("Callback requests"),
            number=_number,
        ),
        bar_chart(
            "topics-districts",
            _("Contacts per district (postcode area, last 30 days)"),
            [d for d, _n in districts],
            {_("contact moments"): [float(n) for _d, n in districts]},
            x_label=_("Postcode area"),
            y_label=_("Contact moments"),
            number=_number,
        ),
    ]
    return charts, weekly


@bp.get("/dashboard/topics")
@page(*SUPERVISOR_PAGES, activity=Activity.SUPERVISION)
def patterns(user: User) -> str:
    language = page_language()
    charts, weekly = _pattern_charts(utcnow(), language)
    return render_template(
        "topics/patterns.html",
        user=user,
        charts=charts,
        weekly=weekly,
        language=language,
        channel_label=label,
        number=_number,
    )


def _topic_ids(values: list[str]) -> list[uuid.UUID]:
    found = []
    for value in values[:20]:
        try:
            found.append(uuid.UUID(value))
        except ValueError:
            continue
    return found


@bp.get("/answers")
@page(*ANSWER_PAGES, activity=Activity.CUSTOMER_CONTACT)
def answers(user: User) -> str:
    q = request.args.get("q", "").strip()
    topic_ids = _topic_ids(request.args.getlist("topic"))
    error = None
    found = []
    try:
        found = search_answers(q or None, topic_ids, limit=20)
    except KccError as exc:
        error = str(exc.detail)
    topics = topics_of_answers([f.answer.id for f in found])
    chosen = [t for t in list_topics() if t.uuid in set(topic_ids)]
    team_reviews = overdue_reviews([user.team] if user.team else None)
    return render_template(
        "topics/answers.html",
        user=user,
        q=q,
        found=found,
        topics=topics,
        chosen=chosen,
        error=error,
        reviews=team_reviews,
        language=page_language(),
        topic_name=topic_name,
    )


@bp.get("/topics")
@page(Role.ADMIN, activity=Activity.SYSTEM)
def catalogue(user: User) -> str:
    topics = list_topics()
    children: dict[int | None, list[Topic]] = {}
    for topic in topics:
        children.setdefault(topic.parent_id, []).append(topic)
    return render_template(
        "topics/catalogue.html",
        user=user,
        children=children,
        count=len(topics),
        language=page_language(),
        topic_name=topic_name,
    )


def answers_panel(page_info: PanelPage) -> dict[str, object]:
    """Answers about the topics of the resident's newest contact moments, beside the view."""
    if page_info.view is None:
        return {"answers_found": [], "answer_topics": []}
    confirmed = topics_of([m.id for m in page_info.view.contact_moments[:10]])
    chosen = list({t.uuid: t for ts in confirmed.values() for t in ts}.values())[:5]
    found = search_answers(None, [t.uuid for t in chosen], limit=5) if chosen else []
    return {"answers_found": found, "answer_topics": chosen}
