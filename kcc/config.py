"""Configuration read from the environment, once, when the app is created."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from kcc.errors import ConfigurationError

DEV_SECRET_KEY = "dev-secret-key-not-for-production"  # noqa: S105
DEV_DATA_KEY = "dev-data-key-not-for-production"


@dataclass(frozen=True)
class Settings:
    """Everything the app reads from the environment."""

    env: str = "development"
    database_url: str = ""
    redis_url: str | None = None
    secret_key: str = DEV_SECRET_KEY
    data_key: str = DEV_DATA_KEY
    public_base_url: str | None = None
    twilio_account_sid: str | None = None
    twilio_auth_token: str | None = None
    twilio_from_number: str | None = None
    twilio_api_base_url: str | None = None
    max_clock_skew_seconds: int = 300
    sweep_interval_seconds: int = 30
    sweep_grace_seconds: int = 60
    session_idle_seconds: int | None = None
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def inline_jobs(self) -> bool:
        return not self.redis_url


def _idle_seconds(value: str | None) -> int | None:
    """KCC_SESSION_IDLE_SECONDS: how long a web session lasts unused (1 minute to 8 hours)."""
    if not value:
        return None
    try:
        seconds = int(value)
    except ValueError as error:
        raise ConfigurationError(
            f"KCC_SESSION_IDLE_SECONDS must be whole seconds, not {value!r}"
        ) from error
    if not 60 <= seconds <= 8 * 3600:
        raise ConfigurationError("KCC_SESSION_IDLE_SECONDS must lie between 60 and 28800")
    return seconds


def default_database_url(instance_path: str | Path) -> str:
    path = Path(instance_path) / "kcc.sqlite3"
    return f"sqlite:///{path}"


def load_settings(
    environ: dict[str, str] | None = None, instance_path: str = "instance"
) -> Settings:
    """Read settings from the environment and refuse unsafe production configurations."""
    env = dict(os.environ if environ is None else environ)
    settings = Settings(
        env=env.get("KCC_ENV", "development"),
        database_url=env.get("KCC_DATABASE_URL") or default_database_url(instance_path),
        redis_url=env.get("KCC_REDIS_URL") or None,
        secret_key=env.get("KCC_SECRET_KEY") or DEV_SECRET_KEY,
        data_key=env.get("KCC_DATA_KEY") or DEV_DATA_KEY,
        public_base_url=(env.get("KCC_PUBLIC_BASE_URL") or "").rstrip("/") or None,
        twilio_account_sid=env.get("TWILIO_ACCOUNT_SID") or None,
        twilio_auth_token=env.get("TWILIO_AUTH_TOKEN") or None,
        twilio_from_number=env.get("TWILIO_FROM_NUMBER") or None,
        twilio_api_base_url=env.get("TWILIO_API_BASE_URL") or None,
        sweep_interval_seconds=int(env.get("KCC_SWEEP_INTERVAL_SECONDS", "30")),
        sweep_grace_seconds=int(env.get("KCC_SWEEP_GRACE_SECONDS", "60")),
        session_idle_seconds=_idle_seconds(env.get("KCC_SESSION_IDLE_SECONDS")),
    )
    if settings.is_production:
        _check_production(settings, env)
    return settings


def _check_production(settings: Settings, env: dict[str, str]) -> None:
    missing = [
        name
        for name in ("KCC_SECRET_KEY", "KCC_DATA_KEY", "KCC_DATABASE_URL", "KCC_PUBLIC_BASE_URL")
        if not env.get(name)
    ]
    if missing:
        raise ConfigurationError(
            "production mode (KCC_ENV=production) needs these variables: " + ", ".join(missing)
        )
    for name, value in (
        ("KCC_SECRET_KEY", settings.secret_key),
        ("KCC_DATA_KEY", settings.data_key),
    ):
        if len(value) < 32:
            raise ConfigurationError(f"{name} must be at least 32 characters in production")
    if settings.database_url.startswith("sqlite"):
        raise ConfigurationError("production mode needs PostgreSQL in KCC_DATABASE_URL, not SQLite")
