"""The processing context of a provider's webhook call."""

from __future__ import annotations

from flask import request

from kcc.privacy.activities import Activity
from kcc.privacy.context import ProcessingContext, new_trace, set_current


def as_provider(provider: str) -> None:
    """Record the provider as the actor of this request's processing."""
    trace_id, span_id = new_trace(request.headers.get("traceparent"))
    operation = f"{request.method} {request.path}"
    set_current(
        ProcessingContext(
            "provider", provider, Activity.CUSTOMER_CONTACT, operation, trace_id, span_id
        )
    )
