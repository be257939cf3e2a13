"""The console's side of the phone: the ringing calls on the agent's home, and taking one."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint, redirect, render_template
from werkzeug.wrappers import Response

from channels.voice import services
from channels.voice.api import view_url
from kcc.auth.models import User
from kcc.privacy.activities import Activity
from kcc.web.pages import STAFF_PAGES, html_errors, page
from kcc.web.registry import PanelPage

bp = html_errors(Blueprint("voice_web", __name__, template_folder="templates"))


def calls_panel(page_: PanelPage) -> dict[str, Any]:
    """The calls ringing into the agent's team."""
    return {"ringing_calls": services.ringing_calls(page_.user.team)}


@bp.post("/calls/<uuid:call_id>/take")
@page(*STAFF_PAGES, activity=Activity.CUSTOMER_CONTACT)
def take(user: User, call_id: uuid.UUID) -> Response:
    """Take the call and open the caller's view (or a search for an unknown number)."""
    call = services.take_call(call_id, user)
    return redirect(view_url(call), code=303)


@bp.get("/calls/ringing")
@page(*STAFF_PAGES, activity=Activity.CUSTOMER_CONTACT)
def calls_fragment(user: User) -> str:
    """The ringing calls as an HTML fragment, for the live panel to refresh."""
    return render_template("voice/calls_list.html", ringing_calls=services.ringing_calls(user.team))
