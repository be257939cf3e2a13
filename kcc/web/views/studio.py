"""The journey studio for process owners; the page talks to the journeys API from the browser."""

from __future__ import annotations

import re

from flask import Blueprint, abort, render_template

from kcc.auth.models import User
from kcc.constants import Role
from kcc.privacy.activities import Activity
from kcc.web.pages import STUDIO_PAGES, html_errors, page

bp = html_errors(Blueprint("web_studio", __name__, template_folder="../templates"))

KEY = re.compile(r"^[a-z][a-z0-9-]{0,63}$")
MAX_UPLOAD_BYTES = 256 * 1024


@bp.get("/studio")
@page(*STUDIO_PAGES, activity=Activity.PROACTIVE_SERVICE)
def studio(user: User) -> str:
    return render_template(
        "studio.html",
        user=user,
        key="",
        can_design=user.role != Role.SUPERVISOR,
        max_upload=MAX_UPLOAD_BYTES,
    )


@bp.get("/studio/<key>")
@page(*STUDIO_PAGES, activity=Activity.PROACTIVE_SERVICE)
def journey(user: User, key: str) -> str:
    if not KEY.match(key):
        abort(404)
    return render_template(
        "studio.html",
        user=user,
        key=key,
        can_design=user.role != Role.SUPERVISOR,
        max_upload=MAX_UPLOAD_BYTES,
    )
