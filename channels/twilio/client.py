"""The twilio SDK client, pointed at ``TWILIO_API_BASE_URL`` when set (tests use a fake server)."""

from __future__ import annotations

import logging
import threading

from flask import current_app
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from channels.config import channel_settings
from kcc.errors import ConfigurationError

EXTENSION = "kcc.channels.twilio_client"
_lock = threading.Lock()
# The SDK logs every request and response at INFO, with the query (phone numbers) of a
# message list; that costs CPU per message and puts personal data in the logs.
SDK_LOGGER = "twilio.http_client"


def twilio_client() -> Client:
    """One client per app and configuration, built on first use."""
    settings = current_app.config["KCC_SETTINGS"]
    if not settings.twilio_account_sid or not settings.twilio_auth_token:
        raise ConfigurationError("TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN are needed to send SMS")
    key = (settings.twilio_account_sid, settings.twilio_auth_token, settings.twilio_api_base_url)
    with _lock:
        cached = current_app.extensions.get(EXTENSION)
        if cached is not None and cached[0] == key:
            return cached[1]
        logging.getLogger(SDK_LOGGER).setLevel(logging.WARNING)
        http = TwilioHttpClient(
            timeout=channel_settings().twilio_timeout_seconds, pool_connections=True
        )
        client = Client(settings.twilio_account_sid, settings.twilio_auth_token, http_client=http)
        if settings.twilio_api_base_url:
            client.api.base_url = settings.twilio_api_base_url.rstrip("/")
        current_app.extensions[EXTENSION] = (key, client)
        return client
