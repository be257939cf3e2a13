"""Consent: what each party agreed to be contacted about, on which channel, with receipts."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the consent routes and the opt-out subscriber.

    Its customer-view and export sections are wired by ``kcc.app``: those registries sit in
    layers above this one.
    """
    from kcc.consent import models  # noqa: F401  (registers the tables)
    from kcc.consent.api import blp
    from kcc.consent.sections import on_sms_opted_out
    from kcc.events.base import subscribe
    from kcc.messaging.events import SmsOptedOut

    app.extensions["kcc.api"].register_blueprint(blp)
    subscribe(SmsOptedOut.name, on_sms_opted_out, key="consent.sms_opted_out")
