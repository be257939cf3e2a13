"""The journeys' pages: the journey studio, the approval queue, the residents' link pages,
and the journeys' panels on the shell's pages.

Registered with the web shell by ``init_web``: the studio in the menu (and as the process
owners' start page), the agents' approval queue in the menu, the residents' pages behind the
links in every proactive message (answer the offer, stop the messages), the journeys,
suggestions and "start a journey" on the customer view, and the journey funnels on the
dashboard.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask_babel import lazy_gettext as _l

from kcc.constants import Role
from kcc.web.registry import Asset, register_navigation, register_pages, register_panel

TRANSLATIONS = Path(__file__).resolve().parent / "translations"
STATIC = "journeys_web.static"
STUDIO_ORDER = 20  # after the agents' search and queue, before the dashboard
APPROVALS_ORDER = 17  # after the agents' tasks, before the studio


def init_web(app: Flask) -> None:
    """Serve the studio and put the journeys' panels on the customer view and the dashboard."""
    from journeys.web import services  # noqa: F401  (the services page, on the same blueprint)
    from journeys.web.views import STUDIO_ROLES, bp, journeys_panel, suggestions_panel

    register_pages(app, bp, TRANSLATIONS)
    from journeys.web.withdraw import bp as stop_bp

    register_pages(app, stop_bp)
    from journeys.web.answer import bp as offer_bp

    register_pages(app, offer_bp)
    from journeys.web.approvals import bp as approvals_bp
    from kcc.web.pages import STAFF_PAGES

    register_pages(app, approvals_bp)
    register_navigation(
        app,
        _l("Offers to approve"),
        "journeys_approvals.approval_queue",
        STAFF_PAGES,
        APPROVALS_ORDER,
    )
    register_navigation(
        app,
        _l("Journey studio"),
        "journeys_web.studio",
        STUDIO_ROLES,
        STUDIO_ORDER,
        home_for=(Role.PROCESS_OWNER,),
    )
    register_navigation(
        app, _l("Services"), "journeys_web.services", STUDIO_ROLES, STUDIO_ORDER + 1
    )
    script = [Asset(STATIC, "customer.js")]
    register_panel(
        app,
        "customer.side",
        "journeys/journeys.html",
        order=10,
        context=journeys_panel,
        scripts=script,
    )
    register_panel(
        app,
        "customer.side",
        "journeys/suggestions.html",
        order=20,
        context=suggestions_panel,
        scripts=script,
    )
    register_panel(app, "customer.actions", "journeys/start.html", order=10, scripts=script)
    register_panel(
        app, "dashboard", "journeys/funnels.html", order=10, scripts=[Asset(STATIC, "funnels.js")]
    )
