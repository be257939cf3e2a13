"""The supervisors' dashboard (plots of the contact centre's figures) and the processing log.

Packages add their own figures to the dashboard as panels (the journeys' funnels).
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from babel.dates import format_skeleton
from flask import Blueprint, render_template, request
from flask_babel import format_decimal, get_locale
from flask_babel import gettext as _

from kcc.auth.models import User
from kcc.constants import TaskKind
from kcc.db import utcnow
from kcc.errors import ValidationFailed
from kcc.privacy.activities import Activity
from kcc.privacy.services import list_processing
from kcc.web import log_page, metrics
from kcc.web.charts import Chart, bar_chart
from kcc.web.i18n import page_language
from kcc.web.labels import label
from kcc.web.pages import SUPERVISOR_PAGES, html_errors, page
from kcc.web.panels import render_panels
from kcc.web.registry import PanelPage

bp = html_errors(Blueprint("web_dashboard", __name__, template_folder="../templates"))

LOG_PAGE = 50


def _number(value: float) -> str:
    """A figure in the page's language: 66,7 in Dutch, 66.7 in English."""
    return str(format_decimal(round(value, 1)))


def _day(day: date) -> str:
    """A short date in the page's language: 3 dec in Dutch, Dec 3 in English."""
    return str(format_skeleton("MMMd", day, locale=get_locale()))


def _term_title(kind: str) -> str:
    if kind == TaskKind.OBJECTION:
        return str(_("Objections handled within their statutory term (this year)"))
    return str(_("Complaints handled within their statutory term (this year)"))


def _charts(now: datetime, outcomes: dict[str, float] | None) -> list[Chart]:
    days, per_channel = metrics.contacts_per_day(now)
    fcr = metrics.first_contact_resolution(now)
    overdue = metrics.overdue_tasks(now)
    terms = metrics.statutory_terms(now)
    charts = [
        bar_chart(
            "contacts",
            _("Contact moments per channel per day"),
            [_day(d) for d in days],
            {label(name): values for name, values in per_channel.items()}
            or {_("contact moments"): [0.0] * len(days)},
            x_label=_("Day"),
            y_label=_("Contact moments"),
            number=_number,
        ),
        bar_chart(
            "fcr",
            _("First-contact resolution per channel (last 30 days)"),
            [label(c) for c in fcr],
            {_("resolved"): list(fcr.values())},
            x_label=_("Channel"),
            y_label=_("Resolved at first contact"),
            maximum=100,
            unit="%",
            number=_number,
        ),
        bar_chart(
            "overdue",
            _("Open tasks past their due date"),
            [label(k) for k in overdue],
            {_("overdue"): list(overdue.values())},
            x_label=_("Kind of task"),
            y_label=_("Tasks"),
            number=_number,
        ),
    ]
    for term in terms:
        charts.append(
            bar_chart(
                f"term-{term.kind}",
                _term_title(term.kind),
                [_("this year")],
                {_("within term"): [term.percent]},
                y_label=_("Handled within term"),
                maximum=100,
                unit="%",
                target=(term.target, _("target %(target)s%%", target=_number(term.target))),
                number=_number,
            )
        )
    if outcomes:
        charts.append(
            bar_chart(
                "suggestions",
                _("Suggestions by outcome"),
                [label(status) for status in outcomes],
                {_("suggestions"): list(outcomes.values())},
                x_label=_("Outcome"),
                y_label=_("Suggestions"),
                number=_number,
            )
        )
    return charts


@bp.get("/dashboard")
@page(*SUPERVISOR_PAGES, activity=Activity.SUPERVISION)
def dashboard(user: User) -> str:
    outcomes = metrics.suggestion_outcomes()
    return render_template(
        "dashboard.html",
        user=user,
        charts=_charts(utcnow(), outcomes),
        suggestions_known=outcomes is not None,
        panels=render_panels("dashboard", PanelPage(user, page_language())),
    )


def _log_filters() -> tuple[uuid.UUID | None, datetime | None, str | None]:
    party_text, since_text = (
        request.args.get("party", "").strip(),
        request.args.get("since", "").strip(),
    )
    party = since = None
    try:
        party = uuid.UUID(party_text) if party_text else None
    except ValueError:
        return None, None, _("The party id is not a valid id.")
    try:
        since = datetime.fromisoformat(since_text).replace(tzinfo=UTC) if since_text else None
    except ValueError:
        return None, None, _("The date is not valid; use the form YYYY-MM-DD.")
    return party, since, None


@bp.get("/dashboard/processing-log")
@page(*SUPERVISOR_PAGES, activity=Activity.SUPERVISION)
def processing_log(user: User) -> str:
    party, since, error = _log_filters()
    found = log_page.find_party(request.args.get("q", "")) if party is None else None
    if found is not None:
        party, error = found.party, error or found.error
    items: list[dict[str, object]] = []
    next_cursor = None
    users = log_page.staff()
    activity = request.args.get("activity", "")
    if error is None and not (found and found.choices):
        try:
            items, next_cursor = list_processing(
                party,
                LOG_PAGE,
                request.args.get("cursor") or None,
                since,
                actor_id=request.args.get("user") or None,
                activity=activity if activity in log_page.activities() else None,
                action=request.args.get("action") or None,
            )
        except ValidationFailed as exc:
            error = str(exc.detail)
    return render_template(
        "log.html",
        user=user,
        items=log_page.in_words(items, users),
        next_cursor=next_cursor,
        error=error,
        args=request.args,
        users=users,
        activities=log_page.activities(),
        choices=found.choices if found else [],
    )
