"""Schemas shared by every blueprint: paging arguments, cursor pages and timestamps."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from typing import Any

import marshmallow as ma
from marshmallow import validate


class StrictSchema(ma.Schema):
    """Rejects unknown fields by name (marshmallow's default, made explicit)."""

    class Meta:
        unknown = ma.RAISE


def in_utc(value: datetime) -> datetime:
    """``value`` in UTC; ``ValueError`` when that falls outside the years 1-9999.

    ``0001-01-01T00:00:00+01:00`` parses, but is a moment in the year 0 in UTC: no
    database column holds it, so it is refused where it comes in.
    """
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValueError(
            "out of range: the moment must lie between the years 1 and 9999 in UTC"
        ) from None


class Timestamp(ma.fields.AwareDateTime):
    """An ISO 8601 date-time with a time zone, converted to UTC when loaded."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> datetime:
        parsed = super()._deserialize(value, attr, data, **kwargs)
        try:
            return in_utc(parsed)
        except ValueError as exc:
            raise ma.ValidationError(str(exc)) from None


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
