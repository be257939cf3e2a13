"""Settings of the channels, read from the environment when the app is created."""

from __future__ import annotations

import os
from dataclasses import dataclass

from flask import current_app

EXTENSION = "kcc.channels.settings"


@dataclass(frozen=True)
class ChannelSettings:
    """Channel configuration; every secret comes from the environment."""

    quiet_period_minutes: int = 24 * 60
    webform_secret: str | None = None
    email_secret: str | None = None
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_from: str = "kcc@gemeente.example.nl"
    smtp_timeout_seconds: float = 10.0
    twilio_timeout_seconds: float = 10.0
    chat_max_chars: int = 2000
    chat_session_limit: str = "30/minute"
    chat_address_limit: str = "120/minute"
    chat_session_hours: int = 12
    signature_max_age_seconds: int = 300
    send_lease_seconds: int = 60
    max_send_attempts: int = 6
    default_queue: str = "KCC"


def load_channel_settings(environ: dict[str, str] | None = None) -> ChannelSettings:
    """Read the ``KCC_*`` channel variables (see the README's configuration table)."""
    env = dict(os.environ if environ is None else environ)
    defaults = ChannelSettings()
    return ChannelSettings(
        quiet_period_minutes=int(
            env.get("KCC_CONVERSATION_QUIET_MINUTES", defaults.quiet_period_minutes)
        ),
        webform_secret=env.get("KCC_WEBFORM_SECRET") or None,
        email_secret=env.get("KCC_EMAIL_SECRET") or None,
        smtp_host=env.get("KCC_SMTP_HOST") or None,
        smtp_port=int(env.get("KCC_SMTP_PORT", defaults.smtp_port)),
        smtp_from=env.get("KCC_SMTP_FROM") or defaults.smtp_from,
        chat_max_chars=int(env.get("KCC_CHAT_MAX_CHARS", defaults.chat_max_chars)),
        chat_session_limit=env.get("KCC_CHAT_SESSION_LIMIT") or defaults.chat_session_limit,
        chat_address_limit=env.get("KCC_CHAT_ADDRESS_LIMIT") or defaults.chat_address_limit,
        default_queue=env.get("KCC_DEFAULT_QUEUE") or defaults.default_queue,
    )


def channel_settings() -> ChannelSettings:
    return current_app.extensions[EXTENSION]  # type: ignore[no-any-return]
