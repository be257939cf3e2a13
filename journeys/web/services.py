"""The studio's services page: the service catalogue with its teams, and forms to add and
change a service (the browser sends them to /api/v1/journey-services)."""

from __future__ import annotations

from flask import render_template
from sqlalchemy import select

from journeys.catalogue.models import JourneyService
from journeys.web.views import STUDIO_ROLES, bp
from kcc.auth.models import User
from kcc.constants import Role
from kcc.db import db
from kcc.directory.services import list_teams
from kcc.privacy.activities import Activity
from kcc.web.i18n import page_language
from kcc.web.pages import page


@bp.get("/journey-services")
@page(*STUDIO_ROLES, activity=Activity.PROACTIVE_SERVICE)
def services(user: User) -> str:
    rows = list(db.session().scalars(select(JourneyService).order_by(JourneyService.key)))
    teams = {team.key: team.name for team in list_teams(active_only=True)}
    return render_template(
        "journeys/services.html",
        user=user,
        services=rows,
        teams=teams,
        language=page_language(),
        can_keep=user.role in (Role.PROCESS_OWNER, Role.ADMIN),
    )
