"""Keyset (cursor) pagination helpers shared by every list endpoint."""

from __future__ import annotations

import base64
import json
from typing import Any

from kcc.errors import ValidationFailed


def encode_cursor(values: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(values, separators=(",", ":")).encode()).decode()


def decode_cursor(cursor: str | None, fields: tuple[str, ...]) -> dict[str, Any] | None:
    if not cursor:
        return None
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        if not isinstance(values, dict) or set(values) != set(fields):
            raise ValueError
    except ValueError:
        raise ValidationFailed.field("cursor", "not a cursor this list returned") from None
    return values
