"""The channels' pages: the residents' chat, the agents' queue and the conversations panel.

Registered with the web shell by ``init_web``; the chat page may be embedded by the sites in
``KCC_CHAT_EMBED_ORIGINS``.
"""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask
from flask_babel import lazy_gettext as _l

from kcc.web.pages import STAFF_PAGES, SUPERVISOR_PAGES
from kcc.web.registry import (
    Asset,
    allow_framing,
    register_navigation,
    register_pages,
    register_panel,
)
from kcc.web.security import embed_origins

TRANSLATIONS = Path(__file__).resolve().parent / "translations"
EMBED_ORIGINS = "KCC_CHAT_EMBED_ORIGINS"
STATIC = "channels_web.static"


def init_web(app: Flask) -> None:
    """Serve the chat page and put the queue and the conversations on the shell's pages."""
    from channels.web.desk import bp as desk
    from channels.web.desk import supervision_panel
    from channels.web.views import bp, conversations_panel

    app.config.setdefault(EMBED_ORIGINS, embed_origins(os.environ.get(EMBED_ORIGINS)))
    register_pages(app, bp, TRANSLATIONS)
    register_pages(app, desk)
    register_navigation(app, _l("Conversations"), "channels_desk.queue_page", STAFF_PAGES, 15)
    register_panel(
        app,
        "dashboard",
        "channels/supervision.html",
        order=5,
        roles=SUPERVISOR_PAGES,
        context=supervision_panel,
    )
    allow_framing(app, "channels_web.chat", EMBED_ORIGINS)
    register_panel(
        app, "home", "channels/queue.html", order=10, scripts=[Asset(STATIC, "queue.js")]
    )
    register_panel(
        app,
        "customer.main",
        "channels/conversations.html",
        order=10,
        context=conversations_panel,
        scripts=[Asset(STATIC, "conversations.js")],
    )
