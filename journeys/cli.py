"""``kcc journeys ...``: load journey documents and fire due timers from the command line."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from journeys.timers import fire_due_timers
from journeys.validation import validate
from journeys.versions import InvalidDocument, load_source
from kcc.db import unit_of_work
from kcc.errors import KccError

SUFFIXES = (".yaml", ".yml", ".json")

journeys_cli = AppGroup("journeys", help="Life-event journeys: load documents, fire timers.")


def _files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.suffix in SUFFIXES and p.is_file())
    return [path]


@journeys_cli.command("load")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--publish", is_flag=True, help="Publish each loaded draft (the previous version retires)."
)
def load_command(path: Path, publish: bool) -> None:
    """Validate and store journey documents from PATH (a file or a directory)."""
    failures = 0
    for file in _files(path):
        try:
            source = file.read_text(encoding="utf-8")
            with unit_of_work():
                loaded = load_source(source, "kcc journeys load", publish)
        except InvalidDocument as exc:
            failures += 1
            click.echo(f"{file}: invalid", err=True)
            for problem in exc.problems:
                line = f" (line {problem['line']})" if problem.get("line") else ""
                click.echo(
                    f"  {problem['path'] or '(document)'}: {problem['message']}{line}", err=True
                )
            continue
        except (KccError, UnicodeDecodeError) as exc:
            failures += 1
            click.echo(f"{file}: {getattr(exc, 'detail', exc)}", err=True)
            continue
        click.echo(f"{file}: {loaded.key} v{loaded.number} {loaded.outcome}, {loaded.status}")
    if failures:
        click.echo(f"{failures} document(s) not loaded", err=True)
        sys.exit(1)


@journeys_cli.command("validate")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
def validate_command(path: Path) -> None:
    """Validate journey documents without storing them."""
    failures = 0
    for file in _files(path):
        result = validate(file.read_bytes())
        if result.ok:
            click.echo(f"{file}: valid")
            continue
        failures += 1
        click.echo(f"{file}: invalid", err=True)
        for problem in result.problem_dicts():
            line = f" (line {problem['line']})" if problem.get("line") else ""
            click.echo(f"  {problem['path'] or '(document)'}: {problem['message']}{line}", err=True)
    sys.exit(1 if failures else 0)


@journeys_cli.command("fire-timers")
def fire_timers_command() -> None:
    """Fire every due journey timer once (the periodic job does this every few seconds)."""
    click.echo(f"fired {fire_due_timers()} timer(s)")
