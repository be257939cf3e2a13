"""Keeps BSNs out of log lines that servers write on their own, such as request lines."""

from __future__ import annotations

import logging
import re

# A BSN is 9 digits (8 without its leading zero); dots and spaces may separate the groups.
_BSN_LIKE = re.compile(r"(?<![0-9])[0-9](?:[ .]?[0-9]){7,8}(?![0-9])")
MASK = "[redacted]"
SERVER_LOGGERS = ("werkzeug", "gunicorn.access", "gunicorn.error")


def redact(text: str) -> str:
    """``text`` with every BSN-like number replaced."""
    return _BSN_LIKE.sub(MASK, text)


class RedactBsnFilter(logging.Filter):
    """Rewrites a record's message so that no BSN-like number reaches a handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def install() -> None:
    """Attach the filter to the loggers of the development server and gunicorn (once)."""
    for name in SERVER_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactBsnFilter) for f in logger.filters):
            logger.addFilter(RedactBsnFilter())
