"""Refuse input no parser or database should meet: deep or huge JSON, NUL and lone surrogates.

The JSON bounds are checked on the raw bytes, before anything parses the body: Python's
parser recurses once per nesting level (a few thousand levels end in ``RecursionError``)
and turns a long run of digits into an ``int`` (past 4300 digits a ``ValueError``). Every
route that takes JSON (the API, the chat, Klantinteracties, CloudEvents, signed webhooks)
goes through this one hook, so none of them needs its own guard.
"""

from __future__ import annotations

import math
import re
from typing import Any

from flask import request
from flask_babel import lazy_gettext as _l

from kcc.errors import Text, ValidationFailed

MAX_DEPTH = 64
MAX_NUMBER_CHARS = 40
# Bodies of these types are never JSON, whatever their first byte.
_NOT_JSON = ("application/x-www-form-urlencoded", "multipart/form-data")
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NUMBER = re.compile(rb"-?[0-9][0-9.eE+\-]*")
_NOT_A_NUMBER = re.compile(rb"-?\b(?:NaN|Infinity)\b")
_BRACKET = re.compile(rb"[\[\]{}]")


def _bad_text(value: str) -> Text | None:
    if "\x00" in value:
        return _l("contains a NUL character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return _l("contains characters that are not valid Unicode (an unpaired surrogate)")
    return None


def _too_deep(outside_strings: bytes) -> bool:
    if outside_strings.count(b"[") + outside_strings.count(b"{") <= MAX_DEPTH:
        return False  # fewer openings than the limit: no nesting can pass it
    depth = 0
    for match in _BRACKET.finditer(outside_strings):
        depth += 1 if match.group() in (b"[", b"{") else -1
        if depth > MAX_DEPTH:
            return True
    return False


def _number_problem(outside_strings: bytes) -> Text | None:
    if _NOT_A_NUMBER.search(outside_strings):
        return _l("holds NaN or Infinity, which JSON does not allow")
    for match in _NUMBER.finditer(outside_strings):
        token = match.group()
        if len(token) > MAX_NUMBER_CHARS:
            return _l("holds a number longer than %(count)s characters", count=MAX_NUMBER_CHARS)
        if b"e" in token.lower() or b"." in token:
            try:
                if math.isinf(float(token)):
                    return _l("holds a number too large to store")
            except ValueError:
                continue  # not a number after all: the parser will say so
    return None


def check_json_bounds(body: bytes) -> None:
    """Refuse a JSON document nested deeper than MAX_DEPTH or with an oversized number.

    Raises:
        ValidationFailed: naming the limit that was passed (field ``body``).
    """
    outside_strings = _STRING.sub(b'""', body)
    if _too_deep(outside_strings):
        raise ValidationFailed.field(
            "body", _l("is nested deeper than %(count)s levels", count=MAX_DEPTH)
        )
    reason = _number_problem(outside_strings)
    if reason:
        raise ValidationFailed.field("body", reason)


def _looks_like_json(body: bytes) -> bool:
    mimetype = request.mimetype
    if mimetype == "application/json" or mimetype.endswith("+json"):
        return True
    # Webhooks may read a signed JSON body whatever type the sender declared.
    return body.lstrip()[:1] in (b"{", b"[")


def _may_hold_bad_text(body: bytes) -> bool:
    """Whether parsing ``body`` can give a string with a NUL or a lone surrogate at all.

    The parser refuses a raw NUL (a control character) inside a UTF-8 string, so in UTF-8 both
    can only come from a ``\\u`` escape or from the bytes of a surrogate (which start with
    0xED, as do some Hangul syllables). A UTF-16 or UTF-32 body, which the parser also reads,
    holds zero bytes in its structure. A body with none of these needs no walk through its
    values.
    """
    return b"\\u" in body or b"\xed" in body or b"\x00" in body


def _walk(value: Any, name: str) -> None:
    if isinstance(value, str):
        reason = _bad_text(value)
        if reason:
            raise ValidationFailed.field(name or "body", reason)
    elif isinstance(value, dict):
        for key, item in value.items():
            child = f"{name}.{key}" if name else str(key)
            reason = _bad_text(str(key))
            if reason:
                raise ValidationFailed.field(child, _l("the field name %(reason)s", reason=reason))
            _walk(item, child)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _walk(item, f"{name}[{index}]")


def check_request() -> None:
    """Before a view runs: the path, the query and a JSON body are safe to parse and store."""
    reason = _bad_text(request.path)
    if reason:
        raise ValidationFailed.field("path", reason)
    for key, value in request.args.items(multi=True):
        reason = _bad_text(key) or _bad_text(value)
        if reason:
            raise ValidationFailed.field(key if not _bad_text(key) else "query", reason)
    if not (request.content_length or request.headers.get("Transfer-Encoding")):
        return
    if request.mimetype in _NOT_JSON:
        return  # form fields are parsed by werkzeug, never as JSON
    body = request.get_data(cache=True)
    if not body or not _looks_like_json(body):
        return
    check_json_bounds(body)
    if request.is_json and _may_hold_bad_text(body):
        parsed = request.get_json(silent=True)
        if parsed is not None:
            _walk(parsed, "")
