"""The web shell: layout, sign-in, navigation, translations, security headers and core pages.

Packages add their own pages, menu entries and panels through ``kcc.web.registry``.
"""

from __future__ import annotations

from flask import Flask

from kcc.web.formats import local_time
from kcc.web.i18n import init_babel
from kcc.web.labels import labels_json
from kcc.web.pages import navigation, register_core_navigation, url_template
from kcc.web.problems import problem_texts
from kcc.web.registry import register_pages
from kcc.web.security import init_security


def init_app(app: Flask) -> None:
    """Register the shell's pages, menu, translations, CSRF and security headers.

    Runs after the packages' ``init_app``, so their catalogues are known to Flask-Babel.
    """
    from kcc.web.views import agent, auth, customer, dashboard, directory, tasks, topics

    init_babel(app)
    init_security(app)
    app.jinja_env.globals.update(
        labels_json=labels_json,
        navigation=navigation,
        url_template=url_template,
        problem_texts=problem_texts,
    )
    app.jinja_env.filters.update(localtime=local_time)
    for module in (auth, agent, customer, dashboard, tasks, directory, topics):
        register_pages(app, module.bp)
    register_core_navigation(app)
    topics.init_topic_pages(app)
