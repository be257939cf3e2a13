"""Rate limits for the resident chat: per session and per client address (flask-limiter)."""

from __future__ import annotations

from functools import partial
from typing import Any

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
    """Redis storage when configured (shared by every web process), memory otherwise.

    flask-limiter hooks itself into every request of the app; only the chat's requests have
    limits, so its hooks are moved to the chat blueprint and the rest of the app (the API,
    webhooks, pages) does not run them at all.
    """
    redis_url = app.config["KCC_SETTINGS"].redis_url
    app.config.setdefault("RATELIMIT_STORAGE_URI", redis_url or "memory://")
    app.config.setdefault("RATELIMIT_STRATEGY", "moving-window")
    limiter.init_app(app)
    registries: tuple[dict[str | None, list[Any]], ...] = (
        app.before_request_funcs,
        app.after_request_funcs,
        app.teardown_request_funcs,
    )
    for hooks in registries:
        mine = [hook for hook in hooks.get(None, []) if _belongs_to_limiter(hook)]
        hooks[None] = [hook for hook in hooks.get(None, []) if hook not in mine]
        hooks.setdefault(CHAT_BLUEPRINT, []).extend(mine)


def _belongs_to_limiter(hook: object) -> bool:
    if isinstance(hook, partial):
        return any(arg is limiter for arg in hook.args)
    return getattr(hook, "__self__", None) is limiter


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
