"""Consent: what each party agreed to be contacted about, on which channel, with receipts."""

from __future__ import annotations

from flask import Flask

RETENTION_SECONDS = 24 * 60 * 60


def init_app(app: Flask) -> None:
    """Register the consent routes, sections, the opt-out subscriber and the daily retention run."""
    from kcc import jobs
    from kcc.consent import models  # noqa: F401  (registers the tables)
    from kcc.consent.api import blp
    from kcc.consent.sections import consents_export, consents_section, on_sms_opted_out
    from kcc.events.base import subscribe
    from kcc.privacy.export import register_export_section
    from kcc.view.services import register_section

    app.extensions["kcc.api"].register_blueprint(blp)
    register_section("consents", consents_section)
    register_export_section("consents", consents_export)
    subscribe("sms.opted_out", on_sms_opted_out, key="consent.sms_opted_out")
    jobs.register_periodic("retention", "kcc.privacy.retention.retention_job", RETENTION_SECONDS)
