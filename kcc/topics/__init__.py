"""Topics (onderwerpen): the catalogue of what residents ask about, the topics confirmed on
contact moments (``kcc.contacts.topics.set_topics``), and topic suggestions for free text.

Other packages use these names only: ``suggest_topics`` for a text, ``unknown_topic_keys``
to check references (e.g. a journey's trigger), and ``register_topic_user`` to refuse the
removal of a topic they still use. The domain event ``contact_moment.topics_confirmed``
announces confirmed topics.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kcc.topics.catalogue import register_topic_user, unknown_topic_keys
from kcc.topics.suggest import Suggestion, suggest_topics

if TYPE_CHECKING:
    from flask import Flask

__all__ = [
    "Suggestion",
    "init_app",
    "register_topic_user",
    "suggest_topics",
    "unknown_topic_keys",
]


def init_app(app: Flask) -> None:
    """Register the catalogue's routes."""
    from kcc.topics.api import blp

    app.extensions["kcc.api"].register_blueprint(blp)
