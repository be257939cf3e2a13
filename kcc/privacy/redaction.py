"""Keeps BSNs out of log lines that servers write on their own, such as request lines."""

from __future__ import annotations

import logging
import re
from collections.abc import MutableMapping
from typing import Any

# A BSN is 9 digits (8 without its leading zero); dots and spaces may separate the groups.
_BSN_LIKE = re.compile(r"(?<![0-9])[0-9](?:[ .]?[0-9]){7,8}(?![0-9])")
MASK = "[redacted]"
SERVER_LOGGERS = ("werkzeug", "gunicorn.access", "gunicorn.error")
# gunicorn's access log atoms that are numbers of its own: status, sizes, durations, pid.
NUMERIC_ATOMS = frozenset({"s", "b", "B", "T", "D", "M", "L", "p"})


def redact(text: str) -> str:
    """``text`` with every BSN-like number replaced."""
    return _BSN_LIKE.sub(MASK, text)


class RedactBsnFilter(logging.Filter):
    """Rewrites a record so that no BSN-like number reaches a handler.

    Each argument is cleaned on its own, never the formatted line: in an access log line
    the status and the size stand side by side ("200 12345"), and read together they look
    like a BSN. gunicorn's atoms (a mapping) are changed in place, keeping their type, which
    answers "-" for atoms the format names but the request lacks; its numeric atoms (status,
    size, durations) are left alone.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if redact(message) == message:
            return True
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        args = record.args
        if isinstance(args, MutableMapping):
            for key in list(args):
                if key not in NUMERIC_ATOMS:
                    args[key] = _clean(args[key])
        elif isinstance(args, tuple):
            record.args = tuple(_clean(arg) for arg in args)
        try:
            record.getMessage()
        except (TypeError, ValueError):  # a cleaned argument no longer fits its %d
            record.msg, record.args = redact(message), None
        return True


def _clean(value: Any) -> Any:
    text = value if isinstance(value, str) else str(value)
    cleaned = redact(text)
    return value if cleaned == text else cleaned


def install() -> None:
    """Attach the filter to the loggers of the development server and gunicorn (once)."""
    for name in SERVER_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactBsnFilter) for f in logger.filters):
            logger.addFilter(RedactBsnFilter())
