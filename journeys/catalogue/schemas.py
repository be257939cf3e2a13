"""Request and response shapes of the service catalogue."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from kcc.http.schemas import PageArgs, StrictSchema, Timestamp

_url = validate.URL(schemes={"http", "https"})


def _http_link(value: str) -> None:
    """An http(s) URL, or nothing."""
    if value:
        _url(value)


class ServiceInSchema(StrictSchema):
    key = ma.fields.String(
        required=True,
        validate=validate.Length(1, 64),
        metadata={"description": "Stable short name journeys name, e.g. parking-permit."},
    )
    title_nl = ma.fields.String(required=True, validate=validate.Length(1, 200))
    title_en = ma.fields.String(required=True, validate=validate.Length(1, 200))
    description_nl = ma.fields.String(load_default="", validate=validate.Length(max=2000))
    description_en = ma.fields.String(load_default="", validate=validate.Length(max=2000))
    link = ma.fields.String(
        load_default="",
        validate=[validate.Length(max=500), _http_link],
        metadata={"description": "The page where residents read more or apply (http or https)."},
    )
    department = ma.fields.String(
        load_default="",
        validate=validate.Length(max=200),
        metadata={"description": "Who provides the service, in words."},
    )
    team = ma.fields.String(
        required=True,
        validate=validate.Length(1, 100),
        metadata={"description": "Key of the active directory team that picks up a yes."},
    )
    is_active = ma.fields.Boolean(
        load_default=True, metadata={"description": "Offered: new journey versions may name it."}
    )


class ServicePatchSchema(ServiceInSchema):
    """Every field optional: what is left out stays as it is."""

    version = ma.fields.Integer(
        validate=validate.Range(min=1),
        metadata={"description": "The version the change was made on; refused when stale."},
    )

    def on_bind_field(self, field_name: str, field_obj: ma.fields.Field) -> None:
        field_obj.required = False
        field_obj.load_default = ma.missing


class ServiceSchema(ma.Schema):
    key = ma.fields.String()
    title_nl = ma.fields.String()
    title_en = ma.fields.String()
    description_nl = ma.fields.String()
    description_en = ma.fields.String()
    link = ma.fields.String()
    department = ma.fields.String()
    team = ma.fields.String()
    is_active = ma.fields.Boolean()
    version = ma.fields.Integer()
    updated_by = ma.fields.String(allow_none=True)
    created_at = Timestamp()
    updated_at = Timestamp()


class ServiceListArgs(PageArgs):
    include_inactive = ma.fields.Boolean(load_default=True)
