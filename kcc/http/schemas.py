"""Schemas shared by every blueprint: paging arguments and cursor pages."""

from __future__ import annotations

from functools import cache

import marshmallow as ma
from marshmallow import validate


class StrictSchema(ma.Schema):
    """Rejects unknown fields by name (marshmallow's default, made explicit)."""

    class Meta:
        unknown = ma.RAISE


class PageArgs(StrictSchema):
    limit = ma.fields.Integer(
        load_default=20,
        validate=validate.Range(1, 100),
        metadata={"description": "Items per page (1-100)."},
    )
    cursor = ma.fields.String(
        load_default=None,
        validate=validate.Length(max=500),
        metadata={"description": "The next_cursor of the previous page."},
    )


@cache
def page_of(item: type[ma.Schema]) -> type[ma.Schema]:
    """A ``{items, next_cursor}`` schema for one item schema."""
    name = item.__name__.removesuffix("Schema") + "PageSchema"
    return ma.Schema.from_dict(
        {
            "items": ma.fields.List(ma.fields.Nested(item), required=True),
            "next_cursor": ma.fields.String(
                allow_none=True,
                required=True,
                metadata={"description": "Pass as ?cursor= for the next page; null at the end."},
            ),
        },
        name=name,
    )
