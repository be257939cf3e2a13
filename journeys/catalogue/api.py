"""Routes for /api/v1/journey-services: the services journeys may suggest."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask.views import MethodView

from journeys.catalogue import keeping
from journeys.catalogue.schemas import (
    ServiceInSchema,
    ServiceListArgs,
    ServicePatchSchema,
    ServiceSchema,
)
from kcc.auth.access import current_user, requires
from kcc.constants import Role
from kcc.http.blueprint import Blueprint
from kcc.http.schemas import page_of
from kcc.privacy.activities import Activity

READERS = (Role.AGENT, Role.SUPERVISOR, Role.PROCESS_OWNER, Role.ADMIN)
KEEPERS = (Role.PROCESS_OWNER, Role.ADMIN)
ACTIVITY = Activity.PROACTIVE_SERVICE

blp = Blueprint(
    "journey_services",
    __name__,
    url_prefix="/api/v1/journey-services",
    description="The service catalogue: services journeys suggest, and the team that picks up a yes.",
)


@blp.route("")
class JourneyServices(MethodView):
    @requires(*READERS, activity=ACTIVITY)
    @blp.arguments(ServiceListArgs, location="query", unknown=ma.RAISE)
    @blp.response(200, page_of(ServiceSchema))
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """List the services by key"""
        items, next_cursor = keeping.list_services(
            include_inactive=args["include_inactive"], limit=args["limit"], cursor=args["cursor"]
        )
        return {"items": items, "next_cursor": next_cursor}

    @requires(*KEEPERS, activity=ACTIVITY)
    @blp.arguments(ServiceInSchema)
    @blp.response(201, ServiceSchema)
    def post(self, data: dict[str, Any]) -> Any:
        """Add a service to the catalogue"""
        return keeping.create_service(keeping.ServiceInput(**data), current_user().name)


@blp.route("/<key>")
class JourneyServiceItem(MethodView):
    @requires(*READERS, activity=ACTIVITY)
    @blp.response(200, ServiceSchema)
    def get(self, key: str) -> Any:
        """Read one service"""
        return keeping.get_service(key)

    @requires(*KEEPERS, activity=ACTIVITY)
    @blp.arguments(ServicePatchSchema)
    @blp.response(200, ServiceSchema)
    def patch(self, data: dict[str, Any], key: str) -> Any:
        """Change a service: titles, descriptions, link, department, team, whether it is offered"""
        expected = data.pop("version", None)
        return keeping.update_service(key, data, current_user().name, expected)

    @requires(*KEEPERS, activity=ACTIVITY)
    @blp.response(204)
    def delete(self, key: str) -> None:
        """Remove a service added by mistake (a used one is deactivated instead)"""
        keeping.delete_service(key, current_user().name)
