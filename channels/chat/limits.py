"""Rate limits for the resident chat: per session and per client address (flask-limiter)."""

from __future__ import annotations

from flask import Flask, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from channels.config import channel_settings

CHAT_PATHS = ("/api/v1/chat", "/chat")

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
    _only_for_chat(app)


def _only_for_chat(app: Flask) -> None:
    """Run the limiter's request hook for the chat only.

    The limits live on the chat's views; with no default or application-wide limits, the
    hook flask-limiter adds before every request has nothing to check elsewhere, but it would
    still cost every API request its bookkeeping.
    """
    hooks = app.before_request_funcs.setdefault(None, [])
    check = limiter._check_request_limit

    def check_chat_only() -> None:
        if request.path.startswith(CHAT_PATHS):
            check()

    hooks[:] = [check_chat_only if hook == check else hook for hook in hooks]


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
