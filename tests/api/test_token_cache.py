"""Token checks are remembered for at most a second per process: a revoked token or a
disabled user stops working within that second on every process (at once where Redis tells)."""

from __future__ import annotations

import os
import time
import urllib.error
import urllib.request

import pytest

from kcc.auth.token_cache import TokenCache, channel_name
from kcc.crypto import hash_api_token
from tests.fakes.app_process import app_process


def _status(url: str, token: str) -> int:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code


def _refused_within_a_second(url: str, token: str, changed_at: float) -> None:
    """Every request sent a second or more after the change is refused; the first soon is."""
    deadline = changed_at + 10
    while time.monotonic() < deadline:
        sent = time.monotonic()
        status = _status(url, token)
        if status == 401:
            return
        assert status == 200
        assert sent - changed_at < 1.0, "the other process still accepted the token after 1 s"
        time.sleep(0.02)
    raise AssertionError("the other process never refused the token")


def test_a_revoked_token_stops_working_on_another_process_within_a_second(settings, agent):
    with app_process(settings) as other:
        me = other + "/api/v1/me"
        assert _status(me, agent.token) == 200  # the other process remembers this check
        assert _status(me, agent.token) == 200
        assert agent.delete("/api/v1/tokens/current").status_code == 204
        revoked_at = time.monotonic()
        assert agent.get("/api/v1/me").status_code == 401  # this process forgot at once
        _refused_within_a_second(me, agent.token, revoked_at)


def test_a_disabled_user_stops_working_on_another_process_within_a_second(settings, make_caller):
    admin, agent = make_caller("admin"), make_caller("agent")
    with app_process(settings) as other:
        parties = other + "/api/v1/parties?q=jansen"
        assert _status(parties, agent.token) == 200
        disabled = admin.patch(f"/api/v1/users/{agent.user_id}", json={"is_active": False})
        assert disabled.status_code == 200, disabled.json
        disabled_at = time.monotonic()
        assert agent.get("/api/v1/parties?q=jansen").status_code == 401
        _refused_within_a_second(parties, agent.token, disabled_at)
        enabled = admin.patch(f"/api/v1/users/{agent.user_id}", json={"is_active": True})
        assert enabled.status_code == 200
        assert _status(parties, agent.token) == 200  # a refusal is never remembered


@pytest.mark.skipif(not os.environ.get("KCC_TEST_REDIS_URL"), reason="pub/sub needs Redis")
def test_other_processes_hear_of_a_revocation_before_their_second_is_over(app, settings, agent):
    # A cache as another process holds it, listening on this installation's channel.
    elsewhere = TokenCache(
        redis_url=settings.redis_url,
        channel=channel_name(settings.database_url, settings.redis_url),
    )
    token_hash = hash_api_token(settings.secret_key, agent.token)
    assert elsewhere.get(token_hash) is None  # starts the subscriber
    assert elsewhere.subscribed.wait(10)
    with app.app_context():
        from kcc.auth.services import authenticate_token

        caller = authenticate_token(agent.token)
    assert caller is not None
    filled = time.monotonic()
    elsewhere.put(token_hash, caller, elsewhere.ticket())
    assert elsewhere.get(token_hash) == caller
    assert agent.delete("/api/v1/tokens/current").status_code == 204
    while elsewhere.get(token_hash) is not None:
        assert time.monotonic() - filled < 0.9, "not heard before the entry's second was over"
        time.sleep(0.01)


def test_a_channel_per_installation():
    one = channel_name("postgresql://db/kcc_a", "redis://127.0.0.1:6379/1")
    assert one == channel_name("postgresql://db/kcc_a", "redis://127.0.0.1:6379/1")
    assert one != channel_name("postgresql://db/kcc_b", "redis://127.0.0.1:6379/1")
    assert one != channel_name("postgresql://db/kcc_a", "redis://127.0.0.1:6379/2")
