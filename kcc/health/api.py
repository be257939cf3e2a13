"""Liveness and readiness: GET /api/v1/health (no token, no personal data)."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import current_app
from flask.views import MethodView
from sqlalchemy import text

from kcc import jobs
from kcc.auth.access import public
from kcc.db import db
from kcc.errors import KccError
from kcc.http.blueprint import Blueprint

blp = Blueprint(
    "health", __name__, url_prefix="/api/v1/health", description="Liveness and readiness."
)


class Unavailable(KccError):
    status = 503
    title = "Service unavailable"
    type_slug = "unavailable"


class HealthSchema(ma.Schema):
    status = ma.fields.String(metadata={"description": "ok"})
    database = ma.fields.String()
    queue = ma.fields.String(metadata={"description": "ok, inline (no Redis configured) or down"})
    version = ma.fields.String()


@blp.route("")
class Health(MethodView):
    @public
    @blp.response(200, HealthSchema)
    @blp.alt_response(503, description="The database or the queue is down.")
    def get(self) -> dict[str, Any]:
        """Liveness and readiness of the database and the queue"""
        checks = {"database": _database(), "queue": _queue()}
        if "down" in checks.values():
            raise Unavailable(", ".join(f"{k} is down" for k, v in checks.items() if v == "down"))
        return {"status": "ok", **checks, "version": current_app.config["API_VERSION"]}


def _database() -> str:
    try:
        db.session().execute(text("SELECT 1"))
    except Exception:
        return "down"
    return "ok"


def _queue() -> str:
    runner = jobs.runner()
    if runner.inline:
        return "inline"
    try:
        runner.redis.ping()
    except Exception:
        return "down"
    return "ok"
