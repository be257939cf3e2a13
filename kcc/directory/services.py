"""Keeping the directory and looking teams up for the work routed to them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from kcc.auth.models import User
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


@dataclass(frozen=True, slots=True)
class Destination:
    """Where work routed to a colleague, team or department lands: a queue and a mailbox."""

    team: str | None
    user: User | None
    email: str
    label: str


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


def create_department(
    key: str, name: str, *, email: str = "", default_team: str | None = None
) -> Department:
    """Add a department; its key must be new."""
    session = db.session
    if session.scalar(select(Department.id).where(Department.key == key)) is not None:
        raise Conflict(_l("a department with key %(key)r exists already", key=key))
    department = Department(key=key, name=name, email=email)
    session.add(department)
    session.flush()
    if default_team is not None:
        _set_default_team(department, default_team)
    return department


def create_team(key: str, name: str, *, department_key: str | None = None, email: str = "") -> Team:
    """Add a team, optionally inside a department; its key must be new."""
    session = db.session
    if session.scalar(select(Team.id).where(Team.key == key)) is not None:
        raise Conflict(_l("a team with key %(key)r exists already", key=key))
    department = _department(department_key) if department_key is not None else None
    team = Team(key=key, name=name, department=department, email=email)
    session.add(team)
    session.flush()
    return team


def _department(key: str, field: str = "department") -> Department:
    department = db.session.scalar(select(Department).where(Department.key == key))
    if department is None:
        raise ValidationFailed.field(field, _l("no department %(key)r in the directory", key=key))
    return department


def _set_default_team(department: Department, team_key: str | None) -> None:
    if team_key is not None:
        team = require_active_team(team_key, field="default_team")
        if team.department_key != department.key:
            raise ValidationFailed.field(
                "default_team",
                _l(
                    "team %(team_key)r is not part of department %(key)r",
                    team_key=team_key,
                    key=department.key,
                ),
            )
    department.default_team_key = team_key


def get_department(key: str) -> Department:
    """The department with this key; NotFound if there is none."""
    department = db.session.scalar(select(Department).where(Department.key == key))
    if department is None:
        raise NotFound(_l("no department %(key)r", key=key))
    return department


def list_departments(*, active_only: bool = False) -> list[Department]:
    """Every department, by name."""
    stmt = select(Department).order_by(Department.name)
    if active_only:
        stmt = stmt.where(Department.is_active.is_(True))
    return list(db.session.scalars(stmt))


def update_department(key: str, changes: dict[str, object]) -> Department:
    """Change a department's name, mailbox, default team or whether it takes work."""
    department = get_department(key)
    for name in ("name", "email", "is_active"):
        if name in changes:
            setattr(department, name, changes[name])
    if "default_team" in changes:
        _set_default_team(department, changes["default_team"])  # type: ignore[arg-type]
    db.session.flush()
    return department


def get_team_record(key: str) -> Team:
    """The team row with this key; NotFound if there is none."""
    team = db.session.scalar(select(Team).where(Team.key == key))
    if team is None:
        raise NotFound(_l("no team %(key)r", key=key))
    return team


def list_team_records(*, active_only: bool = False) -> list[Team]:
    """Every team row, by name, with its department."""
    stmt = select(Team).order_by(Team.name)
    if active_only:
        stmt = stmt.where(Team.is_active.is_(True))
    return list(db.session.scalars(stmt))


def update_team(key: str, changes: dict[str, object]) -> Team:
    """Change a team's name, mailbox, department or whether it takes work."""
    team = get_team_record(key)
    for name in ("name", "email", "is_active"):
        if name in changes:
            setattr(team, name, changes[name])
    if "department" in changes:
        value = changes["department"]
        team.department = _department(str(value)) if value is not None else None
    db.session.flush()
    return team


def find_team(key: str) -> TeamInfo | None:
    """The team with this key, or None."""
    team = db.session.scalar(select(Team).where(Team.key == key))
    return _info(team) if team is not None else None


def get_team(key: str) -> TeamInfo:
    """The team with this key; NotFound if there is none."""
    return _info(get_team_record(key))


def require_active_team(key: str, *, field: str = "team") -> TeamInfo:
    """The active team work may be routed to; a validation problem on ``field`` otherwise."""
    team = find_team(key)
    if team is None:
        raise ValidationFailed.field(field, _l("no team %(key)r in the directory", key=key))
    if not team.is_active:
        raise ValidationFailed.field(field, _l("team %(key)r no longer takes work", key=key))
    return team


def list_teams(*, active_only: bool = True) -> list[TeamInfo]:
    """Every team, by name."""
    return [_info(team) for team in list_team_records(active_only=active_only)]


def team_members(key: str) -> list[User]:
    """The users who work in the team, active ones first, by name."""
    get_team_record(key)
    return list(
        db.session.scalars(
            select(User).where(User.team == key).order_by(User.is_active.desc(), User.name)
        )
    )


def list_employees(*, team: str | None = None, active_only: bool = False) -> list[User]:
    """Users with their team, by name; optionally of one team or only active ones."""
    stmt = select(User).order_by(User.name)
    if team is not None:
        stmt = stmt.where(User.team == team)
    if active_only:
        stmt = stmt.where(User.is_active.is_(True))
    return list(db.session.scalars(stmt))


def set_employee_team(user_uuid: uuid.UUID, team_key: str | None) -> User:
    """Put a user in an active team of the directory (or in none)."""
    user = db.session.scalar(select(User).where(User.uuid == user_uuid))
    if user is None:
        raise NotFound(_l("no user with id %(user_uuid)s", user_uuid=user_uuid))
    if team_key is not None:
        require_active_team(team_key, field="team")
    user.team = team_key
    db.session.flush()
    return user


def require_active_colleague(user_uuid: uuid.UUID, *, field: str = "assigned_user_id") -> User:
    """An active user work may be given to; a validation problem on ``field`` otherwise."""
    user = db.session.scalar(select(User).where(User.uuid == user_uuid))
    if user is None:
        raise ValidationFailed.field(
            field, _l("no user with id %(user_uuid)s", user_uuid=user_uuid)
        )
    if not user.is_active:
        raise ValidationFailed.field(
            field,
            _l("%(value)s is disabled and takes no work", value=user.display_name or user.name),
        )
    return user


def route_to_department(key: str, *, field: str = "department") -> Destination:
    """Work for a department goes to its default team's queue; its mailbox is notified.

    The department's own mailbox is told (else the default team's). A department without
    a default team has no queue, so no work can be routed to it.
    """
    department = _department(key, field)
    if not department.is_active:
        raise ValidationFailed.field(field, _l("department %(key)r no longer takes work", key=key))
    if not department.default_team_key:
        raise ValidationFailed.field(
            field, _l("department %(key)r has no default team to take the work", key=key)
        )
    team = require_active_team(department.default_team_key, field=field)
    return Destination(
        team=team.key, user=None, email=department.email or team.email, label=department.name
    )


def route_to_team(key: str, *, field: str = "team") -> Destination:
    """Work for a team goes to its queue; its mailbox is notified."""
    team = require_active_team(key, field=field)
    return Destination(team=team.key, user=None, email=team.email, label=team.name)


def route_to_colleague(user_uuid: uuid.UUID, *, field: str = "user") -> Destination:
    """Work for a colleague goes to their own queue and is announced at their own address.

    A colleague with no address of their own is told through their team's mailbox.
    """
    user = require_active_colleague(user_uuid, field=field)
    team = find_team(user.team) if user.team and not user.email else None
    return Destination(
        team=user.team,
        user=user,
        email=user.email or (team.email if team else ""),
        label=user.display_name or user.name,
    )
