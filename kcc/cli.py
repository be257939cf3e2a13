"""The ``kcc`` command: database, users, worker, demo data and journeys."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import FlaskGroup

from kcc.app import create_app
from kcc.errors import ConfigurationError


def _app() -> Flask:
    try:
        return create_app()
    except ConfigurationError as exc:
        # One line saying what to set, not a traceback (kcc doctor lists every problem).
        raise click.ClickException(f"{exc}. Run 'kcc doctor' for a full check.") from None


@click.group(cls=FlaskGroup, create_app=_app, add_default_commands=True, add_version_option=False)
def main() -> None:
    """KCC: the municipal contact-centre backend."""


@main.group()
def db() -> None:
    """Database schema."""


def alembic_config():  # type: ignore[no-untyped-def]
    from alembic.config import Config
    from flask import current_app

    root = Path(__file__).resolve().parent.parent
    config = Config(str(root / "alembic.ini"))
    config.set_main_option("script_location", str(root / "migrations"))
    config.attributes["database_url"] = current_app.config["KCC_SETTINGS"].database_url
    return config


@db.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Upgrade the database schema (Alembic) to REVISION, by default the newest."""
    from alembic import command

    command.upgrade(alembic_config(), revision)
    click.echo(f"database upgraded to {revision}")


@main.group()
def users() -> None:
    """Users and API tokens."""


@users.command("create")
@click.argument("name")
@click.option(
    "--role",
    required=True,
    type=click.Choice(["agent", "supervisor", "process_owner", "admin", "system"]),
)
@click.option("--team", default=None, help="Team the user works in.")
@click.option("--email", default="", help="The user's own address, for callback requests.")
@click.option("--password", is_flag=True, help="Also set a password for the web pages (asked for).")
def users_create(name: str, role: str, team: str | None, email: str, password: bool) -> None:
    """Create a user and print its API token (shown once)."""
    from kcc.auth.services import create_user
    from kcc.db import db as database
    from kcc.errors import KccError

    password_hash = None
    if password:
        from kcc.auth.passwords import hash_password

        password_hash = hash_password(
            click.prompt("Password", hide_input=True, confirmation_prompt=True)
        )
    try:
        if team is not None:
            from kcc.directory.services import require_active_team

            require_active_team(team, field="team")
        if email:
            from kcc.parties.identifiers import normalise_email

            email = normalise_email(email, field="email")
        user, token = create_user(name, role, team=team, password_hash=password_hash, email=email)
        database.commit()
    except KccError as exc:
        database.rollback()
        click.echo(f"error: {exc.detail}", err=True)
        sys.exit(2)
    click.echo(f"created {role} {user.name} ({user.uuid})")
    click.echo(f"API token (shown once): {token}")


@users.command("revoke-token")
@click.argument("token")
def users_revoke_token(token: str) -> None:
    """Revoke an API token."""
    from kcc.auth.services import revoke_token_value
    from kcc.db import db as database

    found = revoke_token_value(token)
    database.commit()
    if not found:
        click.echo("no such token", err=True)
        sys.exit(2)
    click.echo("token revoked")


def _user_named(name: str):  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from kcc.auth.models import User
    from kcc.db import db as database

    user = database.session().scalar(select(User).where(User.name == name))
    if user is None:
        click.echo(f"no user named {name!r}", err=True)
        sys.exit(2)
    return user


@users.command("set-password")
@click.argument("name")
def users_set_password(name: str) -> None:
    """Set a user's web password (asked for); every web session of the user ends."""
    from kcc.auth.sessions import set_password
    from kcc.db import db as database

    user = _user_named(name)
    password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if len(password) < 12:
        click.echo("error: a password has at least 12 characters", err=True)
        sys.exit(2)
    set_password(user, password)
    database.commit()
    click.echo(f"password of {name} set; every web session of {name} ended")


def _set_active(name: str, active: bool) -> None:
    from kcc.auth.sessions import set_active
    from kcc.db import db as database

    set_active(_user_named(name), active)
    database.commit()
    click.echo(f"{name} enabled" if active else f"{name} disabled; every web session ended")


@users.command("disable")
@click.argument("name")
def users_disable(name: str) -> None:
    """Disable a user: API tokens stop working and every web session ends at once."""
    _set_active(name, False)


@users.command("enable")
@click.argument("name")
def users_enable(name: str) -> None:
    """Enable a disabled user again."""
    _set_active(name, True)


@users.command("end-sessions")
@click.argument("name")
def users_end_sessions(name: str) -> None:
    """End every web session of a user at once (they sign in again)."""
    from kcc.auth.sessions import EndReason, end_user_sessions
    from kcc.db import db as database

    ended = end_user_sessions(_user_named(name).id, EndReason.REVOKED)
    database.commit()
    click.echo(f"{ended} web session(s) of {name} ended")


@main.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
def worker(burst: bool) -> None:
    """Run an rq worker with its scheduler, plus the periodic outbox sweep."""
    from kcc.worker import run_worker

    run_worker(burst=burst)


@main.command("sweep")
def sweep() -> None:
    """Re-dispatch outbox events that were not handled in time (once)."""
    from flask import current_app

    from kcc.events.outbox import sweep as run_sweep

    settings = current_app.config["KCC_SETTINGS"]
    click.echo(f"re-dispatched {run_sweep(settings.sweep_grace_seconds)} event(s)")


@main.group()
def retention() -> None:
    """Retention of personal data."""


@retention.command("run")
@click.option("--dry-run", is_flag=True, help="Only count what is past its retention period.")
@click.option("--batch", default=500, type=int, help="Rows per transaction.")
def retention_run(dry_run: bool, batch: int) -> None:
    """Delete what is past its retention period, keeping aggregate counts (safe to rerun)."""
    from kcc.rights.retention import periods, run_retention

    for name, days in periods().items():
        click.echo(f"{name}: kept {days} days")
    verb = "would remove" if dry_run else "removed"
    result = run_retention(
        dry_run, batch, lambda name, n: click.echo(f"  {name}: {verb} {n} so far")
    )
    for name, count in result.items():
        click.echo(f"{name}: {verb} {count}")


@main.command("demo-data")
@click.option("--seed", default=14024, help="Random seed, for repeatable data.")
def demo_data(seed: int) -> None:
    """Load demo residents, businesses, contact moments and tasks; print logins."""
    from kcc.demo import load_demo

    load_demo(seed)


@main.command("serve")
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=5000, type=int)
def serve(host: str, port: int) -> None:
    """Serve the app with the development server and an inline worker (periodic jobs)."""
    import threading

    from flask import current_app
    from werkzeug.serving import run_simple

    from kcc.worker import start_periodic

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    start_periodic(app, threading.Event())
    click.echo(
        f"KCC serving on http://{host}:{port}/  (API: /api/v1, OpenAPI: /api/v1/openapi.json)"
    )
    # Flask's CLI refuses app.run() inside a command; serve with werkzeug directly.
    run_simple(host, port, app, threaded=True, use_reloader=False)


if __name__ == "__main__":
    main()


@main.command("doctor", with_appcontext=False)
@click.option("--timeout", default=3.0, show_default=True, help="Seconds per network check.")
def doctor(timeout: float) -> None:
    """Check configuration, database, Redis, workers, journeys, providers and the public URL."""
    from kcc.doctor import Status, diagnose

    findings = diagnose(timeout=timeout)
    width = max(len(f.area) for f in findings)
    for finding in findings:
        click.echo(f"{finding.status.value:<8} {finding.area:<{width}}  {finding.message}")
    problems = sum(f.status is Status.PROBLEM for f in findings)
    warnings = sum(f.status is Status.WARNING for f in findings)
    click.echo(f"{problems} problem(s), {warnings} warning(s).")
    sys.exit(1 if problems else 0)
