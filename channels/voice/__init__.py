"""The phone: calls ringing in from Twilio Voice or another exchange, matched to a party,
taken by an agent, and recorded as a phone contact moment when they end."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

TRANSLATIONS = Path(__file__).resolve().parent / "translations"


def init_voice(app: Flask) -> None:
    """Register the voice webhooks, the calls API, the ringing-calls panel and the privacy
    section of phone calls."""
    import channels.voice.models  # noqa: F401  (registers the table)
    from channels.voice.api import blp as calls
    from channels.voice.privacy import calls_section
    from channels.voice.web import bp, calls_panel
    from channels.voice.webhooks import blp as webhooks
    from kcc.rights.sections import register_privacy_section
    from kcc.web.registry import register_pages, register_panel

    app.register_blueprint(webhooks)
    app.extensions["kcc.api"].register_blueprint(calls)
    register_pages(app, bp, TRANSLATIONS)
    register_panel(app, "home", "voice/calls.html", order=5, context=calls_panel)
    register_privacy_section(calls_section())
    _follow_queues()


def _follow_queues() -> None:
    """Staff may follow a team's queue (ringing calls, tasks), unless a rule exists already."""
    from kcc.auth.access import STAFF
    from kcc.live.topics import register_topic, rule_for

    if rule_for("queue:") is None:
        register_topic("queue:", lambda caller, topic: caller.role in STAFF)
