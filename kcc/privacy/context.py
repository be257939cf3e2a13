"""Who is processing personal data right now, for what purpose: set per request or job."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

_TRACEPARENT = re.compile(r"^[0-9a-f]{2}-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$")


@dataclass(frozen=True)
class ProcessingContext:
    """The actor, the processing activity and the trace of the current unit of work."""

    actor_type: str
    actor_id: str
    activity: str
    operation: str
    trace_id: str
    span_id: str
    user_id: int | None = None


_current: ContextVar[ProcessingContext | None] = ContextVar("kcc_processing", default=None)


def new_trace(traceparent: str | None = None) -> tuple[str, str]:
    """Continue a W3C ``traceparent`` when given, else start a new trace."""
    match = _TRACEPARENT.match(traceparent or "")
    trace_id = match.group(1) if match else secrets.token_hex(16)
    return trace_id, secrets.token_hex(8)


def current() -> ProcessingContext:
    ctx = _current.get()
    if ctx is None:
        trace_id, span_id = new_trace()
        return ProcessingContext("system", "kcc", "kcc.system", "unknown", trace_id, span_id)
    return ctx


def set_current(ctx: ProcessingContext | None) -> None:
    _current.set(ctx)


@contextmanager
def processing(ctx: ProcessingContext) -> Iterator[ProcessingContext]:
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)


@contextmanager
def system_processing(operation: str, activity: str) -> Iterator[ProcessingContext]:
    """A job or command processing data on its own account."""
    trace_id, span_id = new_trace()
    with processing(
        ProcessingContext("system", operation, activity, operation, trace_id, span_id)
    ) as c:
        yield c
