"""The supervisors' dashboard (plots of the contact centre's figures) and the processing log."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from flask import Blueprint, render_template, request
from flask_babel import gettext as _

from kcc.auth.models import User
from kcc.db import utcnow
from kcc.errors import ValidationFailed
from kcc.privacy.activities import Activity
from kcc.privacy.services import list_processing
from kcc.web import metrics
from kcc.web.charts import Chart, bar_chart
from kcc.web.pages import SUPERVISOR_PAGES, html_errors, page

bp = html_errors(Blueprint("web_dashboard", __name__, template_folder="../templates"))

LOG_PAGE = 50


def _charts(now: datetime) -> list[Chart]:
    days, per_channel = metrics.contacts_per_day(now)
    fcr = metrics.first_contact_resolution(now)
    overdue = metrics.overdue_tasks(now)
    terms = metrics.statutory_terms(now)
    charts = [
        bar_chart(
            "contacts",
            _("Contact moments per channel per day"),
            [d.strftime("%d-%m") for d in days],
            per_channel or {"-": [0.0] * len(days)},
        ),
        bar_chart(
            "fcr",
            _("First-contact resolution per channel (last 30 days)"),
            list(fcr),
            {_("resolved"): list(fcr.values())},
            maximum=100,
            unit="%",
        ),
        bar_chart(
            "overdue",
            _("Open tasks past their due date"),
            list(overdue),
            {_("overdue"): list(overdue.values())},
        ),
    ]
    for term in terms:
        charts.append(
            bar_chart(
                f"term-{term.kind}",
                _("%(kind)s handled within the statutory term", kind=_(term.kind)),
                [_("this year")],
                {_("within term"): [term.percent]},
                maximum=100,
                unit="%",
                target=(term.target, _("target %(target)s%%", target=f"{term.target:g}")),
            )
        )
    outcomes = metrics.suggestion_outcomes()
    if outcomes:
        charts.append(
            bar_chart(
                "suggestions",
                _("Suggestions by outcome"),
                list(outcomes),
                {_("suggestions"): list(outcomes.values())},
            )
        )
    return charts


@bp.get("/dashboard")
@page(*SUPERVISOR_PAGES, activity=Activity.SUPERVISION)
def dashboard(user: User) -> str:
    now = utcnow()
    return render_template(
        "dashboard.html",
        user=user,
        charts=_charts(now),
        terms=metrics.statutory_terms(now),
        suggestions_known=metrics.suggestion_outcomes() is not None,
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
    items: list[dict[str, object]] = []
    next_cursor = None
    action = request.args.get("action", "")
    if error is None:
        try:
            items, next_cursor = list_processing(
                party, LOG_PAGE, request.args.get("cursor") or None, since
            )
        except ValidationFailed as exc:
            error = exc.detail
    if action:
        items = [i for i in items if i["action"] == action]
    return render_template(
        "log.html", user=user, items=items, next_cursor=next_cursor, error=error, args=request.args
    )
