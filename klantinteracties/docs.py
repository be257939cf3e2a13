"""The served OpenAPI document of the standard, with ``servers`` pointing at this deployment."""

from __future__ import annotations

import yaml
from flask import Response, json

from klantinteracties.http import PREFIX, base_url, blp
from klantinteracties.spec import served_document


@blp.route("/openapi.<any(json, yaml):extension>", methods=["GET"])
def openapi_document(extension: str) -> Response:
    """The VNG Klantinteracties document this API answers to."""
    doc = served_document(base_url().removesuffix(PREFIX))
    if extension == "json":
        return Response(json.dumps(doc), mimetype="application/json")
    return Response(
        yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), mimetype="application/yaml"
    )
