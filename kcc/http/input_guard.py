"""Refuse text no database can store: NUL characters and unpaired UTF-16 surrogates."""

from __future__ import annotations

from typing import Any

from flask import request

from kcc.errors import ValidationFailed

MAX_DEPTH = 64


def _bad_text(value: str) -> str | None:
    if "\x00" in value:
        return "contains a NUL character"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "contains characters that are not valid Unicode (an unpaired surrogate)"
    return None


def _walk(value: Any, name: str, depth: int = 0) -> None:
    if depth > MAX_DEPTH:
        raise ValidationFailed.field(name or "body", f"is nested deeper than {MAX_DEPTH} levels")
    if isinstance(value, str):
        reason = _bad_text(value)
        if reason:
            raise ValidationFailed.field(name or "body", reason)
    elif isinstance(value, dict):
        for key, item in value.items():
            child = f"{name}.{key}" if name else str(key)
            reason = _bad_text(str(key))
            if reason:
                raise ValidationFailed.field(child, "the field name " + reason)
            _walk(item, child, depth + 1)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _walk(item, f"{name}[{index}]", depth + 1)


def check_request() -> None:
    """Before a view runs: the path, the query and a JSON body hold only storable text."""
    reason = _bad_text(request.path)
    if reason:
        raise ValidationFailed.field("path", reason)
    for key, value in request.args.items(multi=True):
        reason = _bad_text(key) or _bad_text(value)
        if reason:
            raise ValidationFailed.field(key if not _bad_text(key) else "query", reason)
    if request.is_json and request.content_length:
        body = request.get_json(silent=True)
        if body is not None:
            _walk(body, "")
