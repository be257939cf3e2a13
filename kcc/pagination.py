"""Keyset (cursor) pagination helpers shared by every list endpoint."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l

from kcc.errors import ValidationFailed


def encode_cursor(values: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(values, separators=(",", ":")).encode()).decode()


def decode_cursor(
    cursor: str | None, fields: Mapping[str, type] | tuple[str, ...]
) -> dict[str, Any] | None:
    """The values a cursor carries, checked against ``fields`` (name -> ``int`` or ``datetime``).

    A cursor this list did not hand out (tampered, truncated, from another list) is a 422.
    """
    if not cursor:
        return None
    kinds: Mapping[str, type | None] = (
        fields if isinstance(fields, Mapping) else dict.fromkeys(fields)
    )
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        if not isinstance(values, dict) or set(values) != set(kinds):
            raise ValueError
        return {name: _typed(values[name], kind) for name, kind in kinds.items()}
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise ValidationFailed.field("cursor", _l("not a cursor this list returned")) from None


def _typed(value: Any, kind: type | None) -> Any:
    if kind is int:
        if not isinstance(value, int) or isinstance(value, bool):
            raise ValueError
        return value
    if kind is datetime:
        if not isinstance(value, str):
            raise ValueError
        parsed = datetime.fromisoformat(value)
        if parsed.tzinfo is None:
            raise ValueError
        return parsed
    return value
