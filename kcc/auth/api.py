"""Routes for users and API tokens (admins), and /api/v1/me for everyone."""

from __future__ import annotations

import uuid
from typing import Any

import marshmallow as ma
from flask.views import MethodView
from flask_babel import lazy_gettext as _l
from marshmallow import validate
from sqlalchemy import select

from kcc.auth import services, sessions, throttle
from kcc.auth.access import SUPERVISION, bearer_token, current_user, requires
from kcc.auth.models import User
from kcc.constants import Role
from kcc.db import db
from kcc.errors import Conflict
from kcc.http.blueprint import Blueprint
from kcc.http.schemas import StrictSchema, Timestamp, page_of
from kcc.privacy.activities import Activity

blp = Blueprint("users", __name__, url_prefix="/api/v1", description="Users, roles and API tokens.")

ALL_ROLES = tuple(Role)


class UserInSchema(StrictSchema):
    name = ma.fields.String(required=True, validate=validate.Regexp(r"^[A-Za-z0-9._@-]{2,150}$"))
    role = ma.fields.String(required=True, validate=validate.OneOf([r.value for r in Role]))
    display_name = ma.fields.String(load_default="", validate=validate.Length(max=200))
    team = ma.fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100))
    email = ma.fields.String(
        load_default="",
        validate=validate.Length(max=254),
        metadata={"description": "Own address; callback requests for this user are mailed here."},
    )


class UserSchema(ma.Schema):
    id = ma.fields.UUID(attribute="uuid")
    name = ma.fields.String()
    display_name = ma.fields.String()
    role = ma.fields.String()
    team = ma.fields.String(allow_none=True)
    email = ma.fields.String(metadata={"description": "Own e-mail address; empty when none."})
    is_active = ma.fields.Boolean()


class IssuedTokenSchema(ma.Schema):
    user = ma.fields.Nested(UserSchema)
    token = ma.fields.String(metadata={"description": "Shown once; store it safely."})


class TokenInSchema(StrictSchema):
    label = ma.fields.String(load_default="", validate=validate.Length(max=100))


class UserPatchSchema(StrictSchema):
    is_active = ma.fields.Boolean(
        metadata={"description": "false disables the user: every web session ends at once."}
    )
    display_name = ma.fields.String(validate=validate.Length(max=200))
    team = ma.fields.String(allow_none=True, validate=validate.Length(max=100))
    email = ma.fields.String(
        validate=validate.Length(max=254),
        metadata={"description": "Own address for callback requests; empty removes it."},
    )


class PasswordInSchema(StrictSchema):
    password = ma.fields.String(
        required=True,
        load_only=True,
        validate=validate.Length(min=12, max=1024),
        metadata={"description": "The new password; every web session of the user ends."},
    )


class WebSessionSchema(ma.Schema):
    created_at = Timestamp()
    last_seen_at = Timestamp()


class EndedSessionsSchema(ma.Schema):
    ended = ma.fields.Integer(metadata={"description": "How many open sessions were ended."})


@blp.route("/me")
class Me(MethodView):
    @requires(*ALL_ROLES, activity=Activity.SYSTEM)
    @blp.response(200, UserSchema)
    def get(self) -> Any:
        """Who the token belongs to"""
        return current_user()


@blp.route("/users")
class Users(MethodView):
    @requires(Role.ADMIN, activity=Activity.SYSTEM)
    @blp.response(200, UserSchema(many=True))
    def get(self) -> Any:
        """List users"""
        return list(db.session().scalars(select(User).order_by(User.name)))

    @requires(Role.ADMIN, activity=Activity.SYSTEM)
    @blp.arguments(UserInSchema)
    @blp.response(201, IssuedTokenSchema)
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """Create a user; the answer holds its first API token, shown only this once"""
        user, token = services.create_user(**data)
        return {"user": user, "token": token}


@blp.route("/users/<uuid:user_id>/tokens")
class UserTokens(MethodView):
    @requires(Role.ADMIN, activity=Activity.SYSTEM)
    @blp.arguments(TokenInSchema)
    @blp.response(201, IssuedTokenSchema)
    def post(self, data: dict[str, Any], user_id: uuid.UUID) -> dict[str, Any]:
        """Issue another API token for a user"""
        user = services.find_user(user_id)
        return {"user": user, "token": services.issue_token(user, data["label"])}


@blp.route("/tokens/current")
class CurrentToken(MethodView):
    @requires(*ALL_ROLES, activity=Activity.SYSTEM)
    @blp.response(204)
    def delete(self) -> None:
        """Revoke the token this request was made with"""
        services.revoke_token_value(bearer_token() or "")


@blp.route("/users/<uuid:user_id>")
class OneUser(MethodView):
    @requires(Role.ADMIN, activity=Activity.SYSTEM)
    @blp.response(200, UserSchema)
    def get(self, user_id: uuid.UUID) -> Any:
        """One user"""
        return services.find_user(user_id)

    @requires(Role.ADMIN, activity=Activity.SYSTEM)
    @blp.arguments(UserPatchSchema)
    @blp.response(200, UserSchema)
    def patch(self, data: dict[str, Any], user_id: uuid.UUID) -> Any:
        """Change a user; disabling (is_active false) ends every web session at once"""
        user = services.find_user(user_id)
        if data.get("is_active") is False and user.id == current_user().id:
            raise Conflict(_l("an admin cannot disable their own account"))
        if "is_active" in data:
            sessions.set_active(user, data["is_active"])
        for name in ("display_name", "team"):
            if name in data:
                setattr(user, name, data[name])
        if "email" in data:
            services.set_email(user, data["email"])
        return user


@blp.route("/users/<uuid:user_id>/password")
class UserPassword(MethodView):
    @requires(Role.ADMIN, activity=Activity.SYSTEM)
    @blp.arguments(PasswordInSchema)
    @blp.response(204)
    def put(self, data: dict[str, Any], user_id: uuid.UUID) -> None:
        """Set a user's web password; every web session of the user ends"""
        sessions.set_password(services.find_user(user_id), data["password"])


@blp.route("/users/<uuid:user_id>/sessions")
class UserSessions(MethodView):
    @requires(Role.ADMIN, activity=Activity.SYSTEM)
    @blp.response(200, WebSessionSchema(many=True))
    def get(self, user_id: uuid.UUID) -> Any:
        """The user's open web sessions"""
        return sessions.open_sessions(services.find_user(user_id).id)

    @requires(Role.ADMIN, activity=Activity.SYSTEM)
    @blp.response(200, EndedSessionsSchema)
    def delete(self, user_id: uuid.UUID) -> dict[str, int]:
        """End every web session of the user at once (they must sign in again)"""
        user = services.find_user(user_id)
        return {"ended": sessions.end_user_sessions(user.id, sessions.EndReason.REVOKED)}


class ThrottleArgs(StrictSchema):
    since = Timestamp()
    limit = ma.fields.Integer(load_default=50, validate=validate.Range(1, 500))
    cursor = ma.fields.String(load_default=None, validate=validate.Length(max=500))


class ThrottleSchema(ma.Schema):
    id = ma.fields.UUID(attribute="uuid")
    occurred_at = Timestamp()
    account = ma.fields.String(metadata={"description": "The user name tried."})
    source = ma.fields.String(metadata={"description": "The client address."})
    scope = ma.fields.String(
        metadata={"description": "account_at_address or address (many accounts tried)."}
    )
    retry_after_seconds = ma.fields.Integer()


@blp.route("/sign-in-throttles")
class SignInThrottles(MethodView):
    @requires(*SUPERVISION, activity=Activity.SUPERVISION)
    @blp.arguments(ThrottleArgs, location="query", unknown=ma.RAISE)
    @blp.response(200, page_of(ThrottleSchema))
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Sign-in limits that tripped (wrong passwords from one address), newest first"""
        items, next_cursor = throttle.list_records(args["limit"], args["cursor"], args.get("since"))
        return {"items": items, "next_cursor": next_cursor}
