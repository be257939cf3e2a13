"""Suggestions: what journeys offer residents, with consent, explained, never deciding for them."""

from __future__ import annotations

import os

from flask import Flask

EXPIRE_SECONDS = 60


def init_app(app: Flask) -> None:
    """Register the suggestion routes, subscribers, sections, the send-time consent check, the
    expiry job and the register."""
    from journeys.purposes import declared_purposes
    from journeys.suggestions import (
        handlers,
        models,  # noqa: F401  (registers the tables)
    )
    from journeys.suggestions.algorithm_register import blp as register_blp
    from journeys.suggestions.api import blp, party_blp
    from journeys.suggestions.delivery import REFERENCE_PREFIX, cap_from_environment, send_refusal
    from journeys.suggestions.models import ConsentRequest, Suggestion
    from journeys.suggestions.sections import suggestion_outcomes, suggestions_section
    from kcc import jobs
    from kcc.consent.purposes import register_purpose_source
    from kcc.events.base import subscribe
    from kcc.messaging import register_send_check
    from kcc.messaging.events import MessageReceived
    from kcc.view.services import register_section
    from kcc.web.metrics import register_suggestion_outcomes

    app.config.setdefault("KCC_SUGGESTION_CAP", cap_from_environment(os.environ))
    api = app.extensions["kcc.api"]
    for blueprint in (party_blp, blp, register_blp):
        api.register_blueprint(blueprint)
    subscribe("journey.state_entered", handlers.on_state_entered, key="suggestions.offer")
    subscribe(
        "consent.withdrawn", handlers.on_consent_withdrawn, key="suggestions.consent_withdrawn"
    )
    subscribe("consent.granted", handlers.on_consent_granted, key="suggestions.consent_granted")
    subscribe(
        MessageReceived.name,
        handlers.on_message_received,
        key="suggestions.answer",
        wants=handlers.wants_message,
    )
    from journeys.objections import on_objected, on_started
    from journeys.suggestions.handover import on_accepted

    subscribe("suggestion.accepted", on_accepted, key="suggestions.hand_over")

    subscribe("consent.objected", on_objected, key="journeys.objected")
    subscribe("journey.started", on_started, key="journeys.started_after_objection")
    register_section("suggestions", suggestions_section, tables=[Suggestion, ConsentRequest])
    register_suggestion_outcomes(suggestion_outcomes)
    register_purpose_source(declared_purposes)
    register_send_check(REFERENCE_PREFIX, send_refusal)
    jobs.register_periodic(
        "suggestions-expire", "journeys.suggestions.handlers.expire_due_job", EXPIRE_SECONDS
    )
