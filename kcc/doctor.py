"""``kcc doctor``: check a configuration and the services it names; say what is wrong plainly.

Every check answers with findings (ok, warning, problem) instead of raising, so that one
run lists everything an operator has to fix. Packages add checks of their own with
``register_check`` when the app is created (the journeys: are any published?).
"""

from __future__ import annotations

import dataclasses
import logging
import os
import socket
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from urllib.parse import urlsplit

from redis import Redis
from rq import Queue, Worker
from sqlalchemy.engine import make_url

from kcc.config import Settings, load_settings

MIN_SECRET = 32
BUSY_QUEUE = 1000
MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
# The app's own instance folder (beside the package), wherever kcc doctor is run from.
INSTANCE = Path(__file__).resolve().parent.parent / "instance"


class Status(StrEnum):
    OK = "ok"
    WARNING = "warning"
    PROBLEM = "problem"


@dataclass(frozen=True)
class Finding:
    """One thing checked: where, how it stands, and what to do about it."""

    area: str
    status: Status
    message: str


_CHECKS: dict[str, Callable[[], list[Finding]]] = {}


def register_check(name: str, check: Callable[[], list[Finding]]) -> None:
    """Add a check that runs in an app context once the database is reachable and at head."""
    _CHECKS[name] = check


def _ok(area: str, message: str) -> Finding:
    return Finding(area, Status.OK, message)


def _warn(area: str, message: str) -> Finding:
    return Finding(area, Status.WARNING, message)


def _problem(area: str, message: str) -> Finding:
    return Finding(area, Status.PROBLEM, message)


def _without_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return parts._replace(netloc=netloc).geturl()


def check_configuration(env: Mapping[str, str]) -> tuple[list[Finding], Settings]:
    """Production secrets present and long enough, PostgreSQL, the public URL."""
    area = "configuration"
    production = env.get("KCC_ENV", "development") == "production"
    found: list[Finding] = []
    if production:
        for name in ("KCC_DATABASE_URL", "KCC_SECRET_KEY", "KCC_DATA_KEY", "KCC_PUBLIC_BASE_URL"):
            if not env.get(name):
                found.append(_problem(area, f"{name} is not set; production needs it"))
        for name in ("KCC_SECRET_KEY", "KCC_DATA_KEY"):
            if env.get(name) and len(env[name]) < MIN_SECRET:
                found.append(
                    _problem(
                        area,
                        f"{name} is shorter than {MIN_SECRET} characters; use a long random value",
                    )
                )
        if env.get("KCC_DATABASE_URL", "").startswith("sqlite"):
            found.append(_problem(area, "KCC_DATABASE_URL is SQLite; production needs PostgreSQL"))
        public = env.get("KCC_PUBLIC_BASE_URL", "")
        if public and not public.startswith("https://"):
            found.append(_warn(area, f"KCC_PUBLIC_BASE_URL {public} is not https"))
    else:
        found.append(
            _warn(
                area, "KCC_ENV is not production: development keys are allowed; never use real data"
            )
        )
    # Read the rest as development would, so that the other checks still run.
    settings = load_settings({**env, "KCC_ENV": "development"}, instance_path=str(INSTANCE))
    settings = dataclasses.replace(settings, env=env.get("KCC_ENV", "development"))
    if not any(f.status is Status.PROBLEM for f in found):
        found.append(_ok(area, f"settings complete for {settings.env}"))
    return found, settings


def check_database(settings: Settings) -> list[Finding]:
    """The database answers and its schema is at the code's migration head."""
    # Imported here: alembic (with mako and pygments) would add megabytes to every web worker,
    # which imports this module to register checks but never runs them.
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from kcc.db import db

    area = "database"
    logging.getLogger("alembic").setLevel(logging.WARNING)  # its INFO lines are noise here
    shown = make_url(settings.database_url).render_as_string(hide_password=True)
    assert db.engine is not None
    try:
        with db.engine.connect() as connection:
            current = set(MigrationContext.configure(connection).get_current_heads())
    except Exception as exc:  # any driver error means the same to an operator
        reason = str(exc).strip().splitlines()[0][:200]
        return [_problem(area, f"cannot reach the database {shown}: {reason}")]
    heads = set(ScriptDirectory(str(MIGRATIONS)).get_heads())
    if current != heads:
        return [
            _problem(
                area,
                f"the schema is at {', '.join(sorted(current)) or 'nothing'} but the code needs "
                f"{', '.join(sorted(heads))}: run 'kcc db upgrade'",
            )
        ]
    return [_ok(area, f"{shown} reachable, migrations at head ({', '.join(sorted(heads))})")]


def check_redis(settings: Settings, timeout: float) -> list[Finding]:
    """Redis answers, workers are registered, and how long the queue is."""
    from kcc.jobs import QUEUE_NAME

    area = "redis"
    if not settings.redis_url:
        message = "KCC_REDIS_URL is not set: jobs run inline in the web process, without retries"
        return [_problem(area, message) if settings.is_production else _warn(area, message)]
    shown = _without_password(settings.redis_url)
    redis = Redis.from_url(
        settings.redis_url, socket_connect_timeout=timeout, socket_timeout=timeout
    )
    try:
        redis.ping()
        workers = Worker.count(connection=redis)
        queue = Queue(QUEUE_NAME, connection=redis)
        waiting, failed = queue.count, queue.failed_job_registry.count
    except Exception as exc:  # connection refused, timeout, authentication
        return [_problem(area, f"cannot reach Redis at {shown}: {exc}")]
    finally:
        redis.close()
    found = [_ok(area, f"{shown} reachable; {waiting} jobs waiting, {failed} failed")]
    if workers == 0:
        found.append(
            _problem("worker", "no worker is running: start 'kcc worker' (kcc-worker.service)")
        )
    else:
        found.append(_ok("worker", f"{workers} worker(s) running"))
    if waiting > BUSY_QUEUE:
        found.append(
            _warn("worker", f"{waiting} jobs are waiting: add workers or look for a stuck one")
        )
    return found


def check_providers(settings: Settings, env: Mapping[str, str], timeout: float) -> list[Finding]:
    """Twilio credentials complete, SMTP reachable, webhook secrets set."""
    found: list[Finding] = []
    twilio = {
        "TWILIO_ACCOUNT_SID": settings.twilio_account_sid,
        "TWILIO_AUTH_TOKEN": settings.twilio_auth_token,
        "TWILIO_FROM_NUMBER": settings.twilio_from_number,
    }
    missing = [name for name, value in twilio.items() if not value]
    if len(missing) == len(twilio):
        found.append(_warn("sms", "Twilio is not configured: outbound SMS are logged, not sent"))
    elif missing:
        found.append(_problem("sms", f"{', '.join(missing)} not set: SMS cannot be sent"))
    else:
        found.append(_ok("sms", "Twilio credentials set"))
    host = env.get("KCC_SMTP_HOST")
    if not host:
        found.append(_warn("e-mail", "KCC_SMTP_HOST is not set: agents cannot reply by e-mail"))
    else:
        port = int(env.get("KCC_SMTP_PORT", "25") or 25)
        try:
            socket.create_connection((host, port), timeout=timeout).close()
            found.append(_ok("e-mail", f"SMTP server {host}:{port} reachable"))
        except OSError as exc:
            found.append(_problem("e-mail", f"cannot reach the SMTP server {host}:{port}: {exc}"))
    for name, what in (("KCC_WEBFORM_SECRET", "web-form"), ("KCC_EMAIL_SECRET", "e-mail")):
        if not env.get(name):
            found.append(
                _warn("webhooks", f"{name} is not set: the {what} webhook refuses everything")
            )
    return found


def check_public_url(settings: Settings, timeout: float) -> list[Finding]:
    """The public URL providers call reaches this installation's health endpoint."""
    area = "public URL"
    if not settings.public_base_url:
        return [
            _warn(area, "KCC_PUBLIC_BASE_URL is not set: providers' webhooks cannot be checked")
        ]
    url = settings.public_base_url + "/api/v1/health"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310  (an operator's own URL)
            status = response.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        return [_problem(area, f"{url} cannot be reached: {reason}; providers' webhooks will fail")]
    if status == 200:
        return [_ok(area, f"{url} answers")]
    return [_problem(area, f"{url} answers {status}: the app behind it is not ready")]


def diagnose(environ: Mapping[str, str] | None = None, timeout: float = 3.0) -> list[Finding]:
    """Run every check against ``environ`` (default: the process environment)."""
    from kcc.app import create_app

    env = dict(os.environ if environ is None else environ)
    found, settings = check_configuration(env)
    app = create_app(settings)
    with app.app_context():
        database = check_database(settings)
        found += database
        if all(f.status is Status.OK for f in database):
            for check in _CHECKS.values():
                found += check()
    found += check_redis(settings, timeout)
    found += check_providers(settings, env, timeout)
    found += check_public_url(settings, timeout)
    return found
