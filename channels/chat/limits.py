"""Rate limits for the resident chat: per session and per client address (flask-limiter)."""

from __future__ import annotations

from flask import Flask, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from channels.config import channel_settings

limiter = Limiter(
    key_func=get_remote_address,
    default_limits=[],
    headers_enabled=True,
    swallow_errors=True,
    key_prefix="kcc-chat",
)


CHAT_BLUEPRINT = "chat"


def init_limits(app: Flask) -> None:
    """Redis storage when configured (shared by every web process), memory otherwise."""
    redis_url = app.config["KCC_SETTINGS"].redis_url
    app.config.setdefault("RATELIMIT_STORAGE_URI", redis_url or "memory://")
    app.config.setdefault("RATELIMIT_STRATEGY", "moving-window")
    limiter.init_app(app)


@limiter.request_filter
def _not_chat() -> bool:
    """Only the chat has limits: every other request (webhooks, the API) skips the limiter."""
    return request.blueprint != CHAT_BLUEPRINT


def session_key() -> str:
    return "session:" + str((request.view_args or {}).get("session_id", ""))


def session_limit() -> str:
    return channel_settings().chat_session_limit


def address_limit() -> str:
    return channel_settings().chat_address_limit


per_session = limiter.limit(session_limit, key_func=session_key, per_method=True)
per_address = limiter.limit(address_limit, per_method=True)
