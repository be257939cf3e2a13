"""Production mode refuses to start without its secrets; dev mode has safe defaults."""

from __future__ import annotations

import logging

import pytest

from kcc.config import load_settings
from kcc.errors import ConfigurationError
from kcc.privacy.redaction import RedactBsnFilter, redact

PRODUCTION = {
    "KCC_ENV": "production",
    "KCC_SECRET_KEY": "s" * 40,
    "KCC_DATA_KEY": "d" * 40,
    "KCC_DATABASE_URL": "postgresql://kcc@db/kcc",
    "KCC_PUBLIC_BASE_URL": "https://kcc.gemeente.nl/",
}


def test_complete_production_configuration_starts():
    settings = load_settings(PRODUCTION)
    assert settings.is_production
    assert settings.public_base_url == "https://kcc.gemeente.nl"
    assert settings.inline_jobs


@pytest.mark.parametrize(
    "missing", ["KCC_SECRET_KEY", "KCC_DATA_KEY", "KCC_DATABASE_URL", "KCC_PUBLIC_BASE_URL"]
)
def test_production_refuses_a_missing_variable(missing):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    with pytest.raises(ConfigurationError, match=missing):
        load_settings(env)
    with pytest.raises(ConfigurationError, match=missing):
        load_settings({**env, missing: ""})


@pytest.mark.parametrize("name", ["KCC_SECRET_KEY", "KCC_DATA_KEY"])
def test_production_refuses_short_keys(name):
    with pytest.raises(ConfigurationError, match=name):
        load_settings({**PRODUCTION, name: "short"})


def test_production_refuses_sqlite():
    with pytest.raises(ConfigurationError, match="PostgreSQL"):
        load_settings({**PRODUCTION, "KCC_DATABASE_URL": "sqlite:///x.db"})


def test_create_app_refuses_to_start_in_production_without_secrets(monkeypatch, tmp_path):
    from kcc.app import create_app

    for name in PRODUCTION:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("KCC_ENV", "production")
    with pytest.raises(ConfigurationError, match="KCC_SECRET_KEY"):
        create_app()


def test_development_defaults():
    settings = load_settings({}, instance_path="/tmp/kcc-instance")
    assert not settings.is_production
    assert settings.database_url == "sqlite:////tmp/kcc-instance/kcc.sqlite3"
    assert settings.redis_url is None
    assert settings.session_idle_seconds is None  # the sessions' own 30 minutes


def test_the_session_idle_time_comes_from_the_environment_within_bounds():
    assert load_settings({"KCC_SESSION_IDLE_SECONDS": "900"}).session_idle_seconds == 900
    for wrong in ("15m", "30", "100000"):
        with pytest.raises(ConfigurationError, match="KCC_SESSION_IDLE_SECONDS"):
            load_settings({"KCC_SESSION_IDLE_SECONDS": wrong})


@pytest.mark.parametrize(
    "line",
    [
        "GET /api/v1/parties?bsn=111222333 HTTP/1.1",
        "GET /api/v1/parties?bsn=1112.22.333",
        "bsn=12345672",
        "111 222 333",
    ],
)
def test_bsn_like_numbers_are_redacted(line):
    assert "[redacted]" in redact(line)
    assert "333" not in redact(line).replace("HTTP/1.1", "")


def test_short_numbers_and_dates_are_kept():
    line = '127.0.0.1 - - [23/Nov/2026 10:00:00] "GET /api/v1/tasks?limit=20 HTTP/1.1" 200 -'
    assert redact(line) == line


def test_filter_rewrites_server_records(caplog):
    logger = logging.getLogger("kcc.test.server")
    logger.addFilter(RedactBsnFilter())
    with caplog.at_level(logging.INFO, logger="kcc.test.server"):
        logger.info(
            '%s - - "%s" %s', "127.0.0.1", "GET /api/v1/parties?bsn=111222333 HTTP/1.1", 200
        )
    assert "111222333" not in caplog.text
    assert "[redacted]" in caplog.text
