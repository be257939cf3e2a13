"""The knowledge base: ready answers agents find by Dutch full-text search and by topic.

Other packages use ``search_answers`` (a query and/or a conversation's topics) and the routes
under ``/api/v1/answers``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kcc.knowledge.search import Found, search_answers

if TYPE_CHECKING:
    from flask import Flask

__all__ = ["Found", "init_app", "search_answers"]


def init_app(app: Flask) -> None:
    """Register the knowledge base's routes."""
    from kcc.knowledge.api import blp

    app.extensions["kcc.api"].register_blueprint(blp)
