"""Web pages: sign-in, agents' console, journey studio, dashboard and residents' chat."""

from __future__ import annotations

from flask import Flask

from kcc.web.formats import local_time
from kcc.web.i18n import init_babel
from kcc.web.labels import labels_json
from kcc.web.security import init_security


def init_app(app: Flask) -> None:
    """Register the page blueprints, translations, CSRF and security headers."""
    from kcc.web.views import agent, auth, chat, customer, dashboard, studio

    init_babel(app)
    init_security(app)
    app.jinja_env.globals.update(labels_json=labels_json)
    app.jinja_env.filters.update(localtime=local_time)
    for module in (auth, agent, customer, studio, dashboard, chat):
        app.register_blueprint(module.bp)
