"""Keeping the directory and looking teams up for the work routed to them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from kcc.db import db
from kcc.directory.models import Department, Team
from kcc.errors import Conflict, NotFound, ValidationFailed


@dataclass(frozen=True, slots=True)
class TeamInfo:
    """What callers outside the directory need to know of a team."""

    key: str
    name: str
    department_key: str | None
    department_name: str | None
    email: str
    is_active: bool


def _info(team: Team) -> TeamInfo:
    department = team.department
    return TeamInfo(
        key=team.key,
        name=team.name,
        department_key=department.key if department else None,
        department_name=department.name if department else None,
        email=team.email,
        is_active=team.is_active,
    )


def create_department(key: str, name: str, *, email: str = "") -> Department:
    """Add a department; its key must be new."""
    session = db.session
    if session.scalar(select(Department.id).where(Department.key == key)) is not None:
        raise Conflict(f"a department with key {key!r} exists already")
    department = Department(key=key, name=name, email=email)
    session.add(department)
    session.flush()
    return department


def create_team(key: str, name: str, *, department_key: str | None = None, email: str = "") -> Team:
    """Add a team, optionally inside a department; its key must be new."""
    session = db.session
    if session.scalar(select(Team.id).where(Team.key == key)) is not None:
        raise Conflict(f"a team with key {key!r} exists already")
    department = None
    if department_key is not None:
        department = session.scalar(select(Department).where(Department.key == department_key))
        if department is None:
            raise ValidationFailed.field("department", f"no department {department_key!r}")
    team = Team(key=key, name=name, department=department, email=email)
    session.add(team)
    session.flush()
    return team


def find_team(key: str) -> TeamInfo | None:
    """The team with this key, or None."""
    team = db.session.scalar(select(Team).where(Team.key == key))
    return _info(team) if team is not None else None


def get_team(key: str) -> TeamInfo:
    """The team with this key; NotFound if there is none."""
    team = find_team(key)
    if team is None:
        raise NotFound(f"no team {key!r}")
    return team


def require_active_team(key: str, *, field: str = "team") -> TeamInfo:
    """The active team work may be routed to; a validation problem on ``field`` otherwise."""
    team = find_team(key)
    if team is None:
        raise ValidationFailed.field(field, f"no team {key!r} in the directory")
    if not team.is_active:
        raise ValidationFailed.field(field, f"team {key!r} no longer takes work")
    return team


def list_teams(*, active_only: bool = True) -> list[TeamInfo]:
    """Every team, by name."""
    stmt = select(Team).order_by(Team.name)
    if active_only:
        stmt = stmt.where(Team.is_active.is_(True))
    return [_info(team) for team in db.session.scalars(stmt)]
