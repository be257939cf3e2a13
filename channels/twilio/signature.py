"""Twilio webhook signatures, checked against the public URL the provider called."""

from __future__ import annotations

from flask import current_app, request
from flask_babel import lazy_gettext as _l
from twilio.request_validator import RequestValidator

from kcc.errors import Forbidden

HEADER = "X-Twilio-Signature"


def public_url() -> str:
    """The URL Twilio called: ``KCC_PUBLIC_BASE_URL`` plus path and query (proxies rewrite the host)."""
    base = current_app.config["KCC_SETTINGS"].public_base_url
    query = request.query_string.decode("latin-1")
    path = request.path + (f"?{query}" if query else "")
    if base:
        return str(base) + path
    return request.base_url + (f"?{query}" if query else "")


def verify_twilio_request() -> None:
    """Raise 403 unless ``X-Twilio-Signature`` matches the form body and public URL."""
    token = current_app.config["KCC_SETTINGS"].twilio_auth_token
    signature = request.headers.get(HEADER, "")
    if not token:
        raise Forbidden(_l("Twilio webhooks are not configured (TWILIO_AUTH_TOKEN is unset)"))
    if not signature:
        raise Forbidden(_l("the %(header)s header is missing", header=HEADER))
    if request.mimetype != "application/x-www-form-urlencoded":
        raise Forbidden(_l("a Twilio webhook is form-encoded"))
    if not RequestValidator(token).validate(public_url(), request.form, signature):
        raise Forbidden(_l("the %(header)s does not match this request and URL", header=HEADER))
