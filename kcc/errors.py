"""The core's exception hierarchy; each maps onto one problem+json response."""

from __future__ import annotations

from typing import Any


class KccError(Exception):
    """Base class for errors that become a client-facing problem response."""

    status = 400
    title = "Bad request"
    type_slug = "bad-request"

    def __init__(
        self, detail: str, invalid_params: list[dict[str, str]] | None = None, **extra: Any
    ):
        super().__init__(detail)
        self.detail = detail
        self.invalid_params = invalid_params or []
        self.extra = extra


class ValidationFailed(KccError):
    """Input breaks a business rule (an invalid BSN, a future date, ...)."""

    status = 422
    title = "Validation failed"
    type_slug = "validation"

    @classmethod
    def field(cls, name: str, reason: str) -> ValidationFailed:
        return cls(f"{name}: {reason}", invalid_params=[{"name": name, "reason": reason}])


class NotFound(KccError):
    """The resource does not exist (or the caller may not know that it does)."""

    status = 404
    title = "Not found"
    type_slug = "not-found"


class Conflict(KccError):
    """The change clashes with what is stored (a duplicate identifier, a closed item)."""

    status = 409
    title = "Conflict"
    type_slug = "conflict"


class Unauthorized(KccError):
    """No valid credentials."""

    status = 401
    title = "Unauthorized"
    type_slug = "unauthorized"


class Forbidden(KccError):
    """Valid credentials, but the role may not do this."""

    status = 403
    title = "Forbidden"
    type_slug = "forbidden"


class ConfigurationError(RuntimeError):
    """The environment does not hold a configuration the app can safely start with."""
