"""The core's exception hierarchy; each maps onto one problem+json response.

Details, titles and reasons are marked for translation (``lazy_gettext`` with named
placeholders) and become words only when the response is rendered, in the language the
caller asked for (``Accept-Language`` on the API, the page's language on pages).
"""

from __future__ import annotations

from typing import Any, TypeAlias

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

Text: TypeAlias = str | LazyString
"""A message: plain words, or words marked for translation and rendered when read."""


class KccError(Exception):
    """Base class for errors that become a client-facing problem response."""

    status = 400
    title: Text = _l("Bad request")
    type_slug = "bad-request"

    def __init__(
        self, detail: Text, invalid_params: list[dict[str, Text]] | None = None, **extra: Any
    ):
        super().__init__(detail)
        self.detail = detail
        self.invalid_params = invalid_params or []
        self.extra = extra

    def __str__(self) -> str:
        return str(self.detail)


class ValidationFailed(KccError):
    """Input breaks a business rule (an invalid BSN, a future date, ...)."""

    status = 422
    title = _l("Validation failed")
    type_slug = "validation"

    @classmethod
    def field(cls, name: str, reason: Text) -> ValidationFailed:
        detail = LazyString(lambda: f"{name}: {reason}")
        return cls(detail, invalid_params=[{"name": name, "reason": reason}])


class NotFound(KccError):
    """The resource does not exist (or the caller may not know that it does)."""

    status = 404
    title = _l("Not found")
    type_slug = "not-found"


class Conflict(KccError):
    """The change clashes with what is stored (a duplicate identifier, a closed item)."""

    status = 409
    title = _l("Conflict")
    type_slug = "conflict"


class Unauthorized(KccError):
    """No valid credentials."""

    status = 401
    title = _l("Unauthorized")
    type_slug = "unauthorized"


class Forbidden(KccError):
    """Valid credentials, but the role may not do this."""

    status = 403
    title = _l("Forbidden")
    type_slug = "forbidden"


class ConfigurationError(RuntimeError):
    """The environment does not hold a configuration the app can safely start with."""
