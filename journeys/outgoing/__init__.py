"""Outgoing CloudEvents: other departments' systems hear once that a resident said yes."""

from __future__ import annotations

from flask import Flask

SWEEP_SECONDS = 30


def init_app(app: Flask) -> None:
    """Register the subscriber routes, the delivery sweep and the privacy declarations."""
    from journeys.outgoing import models  # noqa: F401  (registers the tables)
    from journeys.outgoing.api import blp
    from journeys.outgoing.privacy import register_privacy
    from kcc import jobs

    app.extensions["kcc.api"].register_blueprint(blp)
    jobs.register_periodic(
        "service-deliveries", "journeys.outgoing.delivery.send_due_job", SWEEP_SECONDS
    )
    register_privacy()
