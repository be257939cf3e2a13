"""The residents' chat page (standalone, embeddable, plain language) and the conversations panel."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Blueprint, render_template

from kcc.web.pages import html_errors
from kcc.web.registry import PanelPage

bp = html_errors(
    Blueprint(
        "channels_web",
        __name__,
        template_folder="templates",
        static_folder="static",
        static_url_path="/static/channels",
    )
)


@bp.get("/chat")
def chat() -> str:
    return render_template("channels/chat.html")


def conversations_panel(page: PanelPage) -> Mapping[str, Any]:
    """The resident's open conversations, from the customer view's conversations section."""
    conversations = page.view.sections.get("conversations", []) if page.view else []
    page.icons.update(c["channel"] for c in conversations)
    return {"open_conversations": [c for c in conversations if c.get("status") != "closed"]}
