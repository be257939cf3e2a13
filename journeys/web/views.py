"""The journey studio for process owners, and the journeys' panels on the shell's pages.

The studio talks to the journeys API from the browser; the panels read the customer view's
journeys and suggestions sections.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from flask import Blueprint, abort, render_template

from journeys.web.labels import journey_title, journey_words, service_title
from kcc.auth.models import User
from kcc.constants import Role
from kcc.privacy.activities import Activity
from kcc.web.pages import html_errors, page
from kcc.web.registry import PanelPage

STUDIO_ROLES = (Role.PROCESS_OWNER, Role.ADMIN, Role.SUPERVISOR)
KEY = re.compile(r"^[a-z][a-z0-9-]{0,63}$")
MAX_UPLOAD_BYTES = 256 * 1024

bp = html_errors(
    Blueprint(
        "journeys_web",
        __name__,
        template_folder="templates",
        static_folder="static",
        static_url_path="/static/journeys",
    )
)


def _studio(user: User, key: str) -> str:
    return render_template(
        "journeys/studio.html",
        user=user,
        key=key,
        can_design=user.role != Role.SUPERVISOR,
        max_upload=MAX_UPLOAD_BYTES,
    )


@bp.get("/studio")
@page(*STUDIO_ROLES, activity=Activity.PROACTIVE_SERVICE)
def studio(user: User) -> str:
    return _studio(user, "")


@bp.get("/studio/<key>")
@page(*STUDIO_ROLES, activity=Activity.PROACTIVE_SERVICE)
def journey(user: User, key: str) -> str:
    if not KEY.match(key):
        abort(404)
    return _studio(user, key)


def journeys_panel(page: PanelPage) -> Mapping[str, Any]:
    """The resident's journeys, from the customer view's journeys section."""
    items = page.view.sections.get("journeys", []) if page.view else []
    return {
        "journeys": [
            {**j, "words": journey_words(j["journey"], j["version"], j["states"], page.language)}
            for j in items
        ]
    }


def suggestions_panel(page: PanelPage) -> Mapping[str, Any]:
    """The resident's suggestions, each explained in plain words of the page's language."""
    items = page.view.sections.get("suggestions", []) if page.view else []
    why = "why_nl" if page.language == "nl" else "why"
    lang = page.language
    return {
        "suggestions": [
            {
                **item,
                "why_text": item.get(why),
                "journey_title": journey_title(item.get("journey"), lang),
                "service_titles": [service_title(s, lang) for s in item.get("services") or []],
                "service_title": service_title(item["service"], lang)
                if item.get("service")
                else None,
            }
            for item in items
        ]
    }
