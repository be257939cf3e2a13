"""The residents' page behind the link in every proactive message: stop, withdraw or object.

Public (no sign-in): the signed link is the resident's key. Opening the page changes nothing
(mail scanners open links); one button press does. Plain language, Dutch or English.
"""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import force_locale

from journeys.suggestions.withdrawal import Choice, LinkProblem, choose, read_link
from kcc.db import db
from kcc.privacy.activities import Activity
from kcc.privacy.context import system_processing
from kcc.web.pages import html_errors

bp = html_errors(
    Blueprint("journeys_stop", __name__, template_folder="templates", url_prefix="/stop")
)


def _problem(error: LinkProblem) -> tuple[str, int]:
    db.rollback()
    language = request.args.get("lang", "nl")
    with force_locale("en" if language == "en" else "nl"):
        return render_template(
            "journeys/link_problem.html", link="stop", reason=str(error.detail)
        ), 400


@bp.get("/<token>")
def stop_page(token: str) -> str | tuple[str, int]:
    try:
        with system_processing("suggestions.withdrawal_link", Activity.PROACTIVE_SERVICE):
            target = read_link(token)
    except LinkProblem as error:
        return _problem(error)
    language = request.args.get("lang") or target.language
    language = "en" if language == "en" else "nl"
    with force_locale(language):
        return render_template(
            "journeys/stop.html",
            token=token,
            language=language,
            subject=target.suggestion.texts.get(language) or "",
            done=None,
        )


@bp.post("/<token>")
def stop_choice(token: str) -> str | tuple[str, int]:
    raw = request.form.get("choice", "")
    try:
        choice = Choice(raw)
    except ValueError:
        return _problem(LinkProblem(f"unknown choice '{raw[:20]}'"))
    try:
        with system_processing("suggestions.withdrawal_link", Activity.PROACTIVE_SERVICE):
            target = choose(token, choice)
    except LinkProblem as error:
        return _problem(error)
    with force_locale(target.language):
        return render_template(
            "journeys/stop.html",
            token=token,
            language=target.language,
            subject="",
            done=choice.value,
        )
