"""Journeys: life-event journeys as documents, a durable engine, triggers and timers.

Wired into the app by ``kcc.app.create_app``; the core never imports this package.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Flask

if TYPE_CHECKING:
    from kcc.doctor import Finding

TIMER_INTERVAL_SECONDS = 5
DELIVERY_INTERVAL_SECONDS = 30
BODY_TYPES = (
    ("/api/v1/journeys", ("application/yaml", "text/yaml", "application/x-yaml", "text/x-yaml")),
    ("/api/v1/events", ("application/cloudevents+json",)),
)


def init_app(app: Flask) -> None:
    """Register this package's routes, subscribers, customer-view section, timers, commands and
    privacy sections."""
    from journeys import models  # noqa: F401  (registers the tables)
    from journeys.api import blp as journeys_blp
    from journeys.api_governance import blp as governance_blp
    from journeys.api_instances import blp as instances_blp
    from journeys.api_instances import events_blp
    from journeys.cli import journeys_cli
    from journeys.instances import view_section
    from journeys.models import JourneyInstance
    from journeys.triggers import SUBSCRIPTIONS
    from kcc import jobs
    from kcc.events.base import subscribe
    from kcc.view.services import register_section

    api = app.extensions["kcc.api"]
    for blueprint in (journeys_blp, governance_blp, instances_blp, events_blp):
        api.register_blueprint(blueprint)
    from journeys.topic_events import SUBSCRIPTION as TOPICS
    from journeys.topics import topic_uses
    from kcc.topics import register_topic_user

    for name, handler, key, wants in (*SUBSCRIPTIONS, TOPICS):
        subscribe(name, handler, key=key, wants=wants)
    register_topic_user("journeys", topic_uses)
    register_section("journeys", view_section, tables=[JourneyInstance])
    jobs.register_periodic(
        "journey-timers", "journeys.timers.fire_due_timers", TIMER_INTERVAL_SECONDS
    )
    jobs.register_periodic(
        "journey-deliveries", "journeys.deliveries.retry_deliveries", DELIVERY_INTERVAL_SECONDS
    )
    extra = app.config.setdefault("KCC_EXTRA_BODY_TYPES", [])
    extra.extend(BODY_TYPES)
    app.cli.add_command(journeys_cli)
    from journeys.privacy import register_privacy
    from journeys.suggestions import init_app as init_suggestions

    register_privacy()
    init_suggestions(app)
    from journeys.outgoing import init_app as init_outgoing

    init_outgoing(app)
    from journeys.catalogue import init_app as init_catalogue

    init_catalogue(app)
    from journeys.web import init_web

    init_web(app)
    from kcc.doctor import register_check

    register_check("journeys", published_journeys_check)


def published_journeys_check() -> list[Finding]:
    """kcc doctor: without a published journey no life event starts anything."""
    from journeys.versions import published_versions
    from kcc.doctor import Finding, Status

    keys = sorted(key for _, key, _ in published_versions())
    if not keys:
        return [
            Finding(
                "journeys",
                Status.WARNING,
                "no journey is published: run 'kcc journeys load journeys/definitions --publish'",
            )
        ]
    return [Finding("journeys", Status.OK, f"{len(keys)} published: {', '.join(keys)}")]
