"""The residents' page behind the answer link in every proactive message: yes or no, one click.

Public (no sign-in): the signed link is the resident's key. Opening the page changes nothing
(SMS apps and mail scanners open links for a preview); one button press does. Plain
language, Dutch or English.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request
from flask_babel import force_locale

from journeys.suggestions.acceptance import Answered, Outcome, answer, read_offer, state_of
from journeys.suggestions.handover import team_for
from journeys.suggestions.withdrawal import LinkProblem, LinkTarget, link_token
from journeys.web.labels import service_title
from kcc.db import db
from kcc.directory.services import find_team
from kcc.privacy.activities import Activity
from kcc.privacy.context import system_processing
from kcc.web.pages import html_errors

bp = html_errors(
    Blueprint("journeys_offer", __name__, template_folder="templates", url_prefix="/offer")
)
PURPOSE = "suggestions.answer_link"
CHOICES = {"accept": True, "decline": False}
# Pressing a button that cannot do what it says: the offer was answered otherwise, or closed.
CONFLICTS = {
    (True, Outcome.ALREADY_DECLINED),
    (True, Outcome.CLOSED),
    (False, Outcome.ALREADY_ACCEPTED),
    (False, Outcome.CLOSED),
}


def _language(fallback: str) -> str:
    return "en" if (request.args.get("lang") or fallback) == "en" else "nl"


def _problem(error: LinkProblem) -> tuple[str, int]:
    db.rollback()
    with force_locale(_language("nl")):
        return render_template(
            "journeys/link_problem.html", link="offer", reason=str(error.detail)
        ), 400


def _render(target: LinkTarget, token: str, language: str, outcome: Outcome | None) -> str:
    suggestion = target.suggestion
    team = find_team(team_for(suggestion.service)[0])
    values: dict[str, Any] = {
        "token": token,
        "language": language,
        "text": suggestion.texts.get(language) or suggestion.texts.get("nl") or "",
        "service": service_title(suggestion.service, language),
        "team": team.name if team is not None else None,
        "outcome": outcome.value if outcome is not None else None,
        "stop_token": link_token(suggestion.uuid, language),
    }
    with force_locale(language):
        return render_template("journeys/offer.html", **values)


@bp.get("/<token>")
def offer_page(token: str) -> str | tuple[str, int]:
    try:
        with system_processing(PURPOSE, Activity.PROACTIVE_SERVICE):
            target = read_offer(token)
            language = _language(target.language)
            return _render(target, token, language, state_of(target.suggestion))
    except LinkProblem as error:
        return _problem(error)


@bp.post("/<token>")
def offer_answer(token: str) -> str | tuple[str, int]:
    raw = request.form.get("choice", "")
    if raw not in CHOICES:
        return _problem(LinkProblem(f"unknown choice '{raw[:20]}'"))
    accepted = CHOICES[raw]
    try:
        with system_processing(PURPOSE, Activity.PROACTIVE_SERVICE):
            done: Answered = answer(token, accepted)
            html = _render(done.target, token, _language(done.target.language), done.outcome)
    except LinkProblem as error:
        return _problem(error)
    return (html, 409) if (accepted, done.outcome) in CONFLICTS else html
