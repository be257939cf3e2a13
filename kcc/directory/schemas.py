"""Request and response shapes for departments, teams and employees."""

from __future__ import annotations

import marshmallow as ma
from flask_babel import lazy_gettext as _l
from marshmallow import validate

from kcc.http.schemas import StrictSchema, Timestamp

KEY = validate.Regexp(r"^\S(.{0,98}\S)?$", error=_l("1 to 100 characters, no spaces at either end"))
EMAIL = validate.Regexp(r"^$|^[^@\s]+@[^@\s]+\.[^@\s]+$", error=_l("not an e-mail address"))


def _email(**kwargs: object) -> ma.fields.String:
    return ma.fields.String(
        validate=[validate.Length(max=254), EMAIL],
        metadata={"description": "Functional mailbox for notifications ('' for none)."},
        **kwargs,  # type: ignore[arg-type]
    )


class DepartmentInSchema(StrictSchema):
    key = ma.fields.String(required=True, validate=KEY)
    name = ma.fields.String(required=True, validate=validate.Length(1, 200))
    email = _email(load_default="")


class DepartmentPatchSchema(StrictSchema):
    name = ma.fields.String(validate=validate.Length(1, 200))
    email = _email()
    is_active = ma.fields.Boolean()
    default_team = ma.fields.String(
        allow_none=True,
        validate=validate.Length(1, 100),
        metadata={"description": "Key of the team in this department that takes its work."},
    )


class DepartmentSchema(ma.Schema):
    id = ma.fields.UUID(attribute="uuid")
    key = ma.fields.String()
    name = ma.fields.String()
    email = ma.fields.String()
    default_team = ma.fields.String(attribute="default_team_key", allow_none=True)
    is_active = ma.fields.Boolean()
    created_at = Timestamp()


class TeamInSchema(StrictSchema):
    key = ma.fields.String(
        required=True,
        validate=KEY,
        metadata={"description": "What users' team and tasks' assigned_team name."},
    )
    name = ma.fields.String(required=True, validate=validate.Length(1, 200))
    department = ma.fields.String(load_default=None, allow_none=True, validate=KEY)
    email = _email(load_default="")


class TeamPatchSchema(StrictSchema):
    name = ma.fields.String(validate=validate.Length(1, 200))
    email = _email()
    is_active = ma.fields.Boolean(
        metadata={"description": "false: the team takes no new work (existing work stays)."}
    )
    department = ma.fields.String(allow_none=True, validate=KEY)


class TeamSchema(ma.Schema):
    id = ma.fields.UUID(attribute="uuid")
    key = ma.fields.String()
    name = ma.fields.String()
    department = ma.fields.String(attribute="department.key", allow_none=True, dump_default=None)
    email = ma.fields.String()
    is_active = ma.fields.Boolean()
    created_at = Timestamp()


class EmployeeSchema(ma.Schema):
    id = ma.fields.UUID(attribute="uuid")
    name = ma.fields.String()
    display_name = ma.fields.String()
    role = ma.fields.String()
    team = ma.fields.String(allow_none=True)
    is_active = ma.fields.Boolean()


class EmployeePatchSchema(StrictSchema):
    team = ma.fields.String(
        required=True,
        allow_none=True,
        validate=validate.Length(1, 100),
        metadata={"description": "Key of an active team, or null for none."},
    )


class EmployeeSearchArgs(StrictSchema):
    team = ma.fields.String(validate=validate.Length(1, 100))
    active = ma.fields.Boolean(load_default=False, metadata={"description": "Only active users."})


class TeamSearchArgs(StrictSchema):
    active = ma.fields.Boolean(
        load_default=False, metadata={"description": "Only those that take work."}
    )
