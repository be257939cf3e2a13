"""Marshmallow's, webargs' and the shared fields' messages in the caller's language.

Marshmallow writes its messages in English when it validates; the problem response turns
each into the language the caller asked for just before it is rendered. A message this
table does not know (a schema's own words are marked for translation where they are
written) is shown as it is.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

FIXED: dict[str, LazyString] = {
    "Missing data for required field.": _l("Missing data for required field."),
    "Field may not be null.": _l("Field may not be null."),
    "Invalid value.": _l("Invalid value."),
    "Invalid input.": _l("Invalid input."),
    "Invalid type.": _l("Invalid type."),
    "Invalid input type.": _l("Invalid input type."),
    "Unknown field.": _l("Unknown field."),
    "Not a valid string.": _l("Not a valid string."),
    "Not a valid utf-8 string.": _l("Not a valid utf-8 string."),
    "Not a valid integer.": _l("Not a valid integer."),
    "Not a valid number.": _l("Not a valid number."),
    "Number too large.": _l("Number too large."),
    "Special numeric values (nan or infinity) are not permitted.": _l(
        "Special numeric values (nan or infinity) are not permitted."
    ),
    "Not a valid boolean.": _l("Not a valid boolean."),
    "Not a valid datetime.": _l("Not a valid datetime."),
    "Not a valid date.": _l("Not a valid date."),
    "Not a valid time.": _l("Not a valid time."),
    "Not a valid naive datetime.": _l("Not a valid naive datetime."),
    "Not a valid aware datetime.": _l("Not a valid aware datetime."),
    "Not a valid period of time.": _l("Not a valid period of time."),
    "Not a valid UUID.": _l("Not a valid UUID."),
    "Not a valid email address.": _l("Not a valid email address."),
    "Not a valid URL.": _l("Not a valid URL."),
    "Not a valid list.": _l("Not a valid list."),
    "Not a valid tuple.": _l("Not a valid tuple."),
    "Not a valid mapping type.": _l("Not a valid mapping type."),
    "String does not match expected pattern.": _l("String does not match expected pattern."),
    # The app's own timestamp field (kcc.http.schemas.Timestamp).
    "out of range: the moment must lie between the years 1 and 9999 in UTC": _l(
        "out of range: the moment must lie between the years 1 and 9999 in UTC"
    ),
}

Words = Callable[..., LazyString]

# Marshmallow's message templates ({name} filled in) with the same words marked for translation.
TEMPLATED: list[tuple[str, Words]] = [
    (
        "Shorter than minimum length {min}.",
        lambda **v: _l("Shorter than minimum length %(min)s.", **v),
    ),
    (
        "Longer than maximum length {max}.",
        lambda **v: _l("Longer than maximum length %(max)s.", **v),
    ),
    (
        "Length must be between {min} and {max}.",
        lambda **v: _l("Length must be between %(min)s and %(max)s.", **v),
    ),
    ("Length must be {equal}.", lambda **v: _l("Length must be %(equal)s.", **v)),
    (
        "Must be greater than or equal to {min} and less than or equal to {max}.",
        lambda **v: _l(
            "Must be greater than or equal to %(min)s and less than or equal to %(max)s.", **v
        ),
    ),
    (
        "Must be greater than {min} and less than {max}.",
        lambda **v: _l("Must be greater than %(min)s and less than %(max)s.", **v),
    ),
    (
        "Must be greater than or equal to {min} and less than {max}.",
        lambda **v: _l("Must be greater than or equal to %(min)s and less than %(max)s.", **v),
    ),
    (
        "Must be greater than {min} and less than or equal to {max}.",
        lambda **v: _l("Must be greater than %(min)s and less than or equal to %(max)s.", **v),
    ),
    (
        "Must be greater than or equal to {min}.",
        lambda **v: _l("Must be greater than or equal to %(min)s.", **v),
    ),
    ("Must be greater than {min}.", lambda **v: _l("Must be greater than %(min)s.", **v)),
    (
        "Must be less than or equal to {max}.",
        lambda **v: _l("Must be less than or equal to %(max)s.", **v),
    ),
    ("Must be less than {max}.", lambda **v: _l("Must be less than %(max)s.", **v)),
    ("Must be one of: {choices}.", lambda **v: _l("Must be one of: %(choices)s.", **v)),
    ("Must be equal to {other}.", lambda **v: _l("Must be equal to %(other)s.", **v)),
    (
        "One or more of the choices you made was not in: {choices}.",
        lambda **v: _l("One or more of the choices you made was not in: %(choices)s.", **v),
    ),
    (
        '"{input}" cannot be formatted as a {kind}.',
        lambda **v: _l('"%(input)s" cannot be formatted as a %(kind)s.', **v),
    ),
]


def _pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"\{(\w+)\}", template)
    regex = "".join(
        re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+?)" for i, part in enumerate(parts)
    )
    return re.compile(f"^{regex}$", re.DOTALL)


PATTERNS = [(_pattern(template), words) for template, words in TEMPLATED]


def translated_reason(reason: str) -> str:
    """``reason`` (one of marshmallow's messages) in the language of this request."""
    fixed = FIXED.get(reason)
    if fixed is not None:
        return str(fixed)
    for pattern, words in PATTERNS:
        found = pattern.match(reason)
        if found:
            return str(words(**found.groupdict()))
    return reason
