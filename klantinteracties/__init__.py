"""The VNG Klantinteracties API 0.9.0 over the core's own records (/klantinteracties/api/v1)."""

from __future__ import annotations

from flask import Flask
from werkzeug.exceptions import MethodNotAllowed, NotFound

from klantinteracties import models  # noqa: F401  (registers the tables)


def init_app(app: Flask) -> None:
    """Register the standard's routes and its OpenAPI document."""
    from klantinteracties import (  # noqa: F401  (each module registers its routes)
        actoren,
        adressen,
        betrokkenen,
        docs,
        identificatoren,
        internetaken,
        klantcontacten,
        loaders,
        partijen,
        relaties,
    )
    from klantinteracties.config import init_config
    from klantinteracties.http import blp, routing_problem
    from klantinteracties.privacy import register_privacy

    init_config(app)
    app.register_blueprint(blp)
    register_privacy()
    for error in (NotFound, MethodNotAllowed):
        app.register_error_handler(error, routing_problem)
