"""Routes for /api/v1/departments, /api/v1/teams and /api/v1/employees.

Administrators keep the directory; every member of staff may read it (to route work).
"""

from __future__ import annotations

import uuid
from typing import Any

import marshmallow as ma
from flask.views import MethodView

from kcc.auth.access import STAFF_AND_SYSTEM, requires
from kcc.constants import Role
from kcc.directory import services
from kcc.directory.schemas import (
    DepartmentInSchema,
    DepartmentPatchSchema,
    DepartmentSchema,
    EmployeePatchSchema,
    EmployeeSchema,
    EmployeeSearchArgs,
    TeamInSchema,
    TeamPatchSchema,
    TeamSchema,
    TeamSearchArgs,
)
from kcc.http.blueprint import Blueprint
from kcc.privacy.activities import Activity

blp = Blueprint(
    "directory",
    __name__,
    url_prefix="/api/v1",
    description="The directory of departments, teams and employees that work is routed to.",
)

READERS = (*STAFF_AND_SYSTEM, Role.PROCESS_OWNER)
KEEPERS = (Role.ADMIN,)


@blp.route("/departments")
class Departments(MethodView):
    @requires(*READERS, activity=Activity.SYSTEM)
    @blp.arguments(TeamSearchArgs, location="query", unknown=ma.RAISE)
    @blp.response(200, DepartmentSchema(many=True))
    def get(self, args: dict[str, Any]) -> Any:
        """List departments by name"""
        return services.list_departments(active_only=args["active"])

    @requires(*KEEPERS, activity=Activity.SYSTEM)
    @blp.arguments(DepartmentInSchema)
    @blp.response(201, DepartmentSchema)
    def post(self, data: dict[str, Any]) -> Any:
        """Add a department"""
        return services.create_department(data["key"], data["name"], email=data["email"])


@blp.route("/departments/<string:key>")
class DepartmentItem(MethodView):
    @requires(*READERS, activity=Activity.SYSTEM)
    @blp.response(200, DepartmentSchema)
    def get(self, key: str) -> Any:
        """One department"""
        return services.get_department(key)

    @requires(*KEEPERS, activity=Activity.SYSTEM)
    @blp.arguments(DepartmentPatchSchema)
    @blp.response(200, DepartmentSchema)
    def patch(self, changes: dict[str, Any], key: str) -> Any:
        """Change a department: name, mailbox, default team, or whether it takes work"""
        return services.update_department(key, changes)


@blp.route("/teams")
class Teams(MethodView):
    @requires(*READERS, activity=Activity.SYSTEM)
    @blp.arguments(TeamSearchArgs, location="query", unknown=ma.RAISE)
    @blp.response(200, TeamSchema(many=True))
    def get(self, args: dict[str, Any]) -> Any:
        """List teams by name"""
        return services.list_team_records(active_only=args["active"])

    @requires(*KEEPERS, activity=Activity.SYSTEM)
    @blp.arguments(TeamInSchema)
    @blp.response(201, TeamSchema)
    def post(self, data: dict[str, Any]) -> Any:
        """Add a team, optionally in a department"""
        return services.create_team(
            data["key"], data["name"], department_key=data["department"], email=data["email"]
        )


@blp.route("/teams/<string:key>")
class TeamItem(MethodView):
    @requires(*READERS, activity=Activity.SYSTEM)
    @blp.response(200, TeamSchema)
    def get(self, key: str) -> Any:
        """One team"""
        return services.get_team_record(key)

    @requires(*KEEPERS, activity=Activity.SYSTEM)
    @blp.arguments(TeamPatchSchema)
    @blp.response(200, TeamSchema)
    def patch(self, changes: dict[str, Any], key: str) -> Any:
        """Change a team: name, mailbox, department, or whether it takes work"""
        return services.update_team(key, changes)


@blp.route("/teams/<string:key>/members")
class TeamMembers(MethodView):
    @requires(*READERS, activity=Activity.SYSTEM)
    @blp.response(200, EmployeeSchema(many=True))
    def get(self, key: str) -> Any:
        """Who works in the team"""
        return services.team_members(key)


@blp.route("/employees")
class Employees(MethodView):
    @requires(*READERS, activity=Activity.SYSTEM)
    @blp.arguments(EmployeeSearchArgs, location="query", unknown=ma.RAISE)
    @blp.response(200, EmployeeSchema(many=True))
    def get(self, args: dict[str, Any]) -> Any:
        """List employees (users) with their team"""
        return services.list_employees(team=args.get("team"), active_only=args["active"])


@blp.route("/employees/<uuid:user_id>")
class EmployeeItem(MethodView):
    @requires(*KEEPERS, activity=Activity.SYSTEM)
    @blp.arguments(EmployeePatchSchema)
    @blp.response(200, EmployeeSchema)
    def patch(self, data: dict[str, Any], user_id: uuid.UUID) -> Any:
        """Put an employee in a team of the directory"""
        return services.set_employee_team(user_id, data["team"])
