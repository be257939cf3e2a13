"""The app hands views, hooks and error handlers to the WSGI server as they are
(``KccFlask.ensure_sync``): none of them may be a coroutine function."""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from typing import Any

from flask import Flask


def _callables(app: Flask) -> Iterator[tuple[str, Any]]:
    for endpoint, view in app.view_functions.items():
        yield endpoint, view
        view_class = getattr(view, "view_class", None)
        for method in getattr(view_class, "methods", None) or ():
            yield f"{endpoint} {method}", getattr(view_class, method.lower())
    for registry in (
        app.before_request_funcs,
        app.after_request_funcs,
        app.teardown_request_funcs,
        app.url_value_preprocessors,
    ):
        for scope, hooks in registry.items():
            for hook in hooks:
                yield f"hook of {scope}", hook
    for hook in app.teardown_appcontext_funcs:
        yield "app context teardown", hook
    for scope, by_code in app.error_handler_spec.items():
        for handlers in by_code.values():
            for handler in handlers.values():
                yield f"error handler of {scope}", handler


def test_no_view_hook_or_error_handler_is_a_coroutine(app):
    found = list(_callables(app))
    assert len(found) > 300  # the whole app: core, channels, journeys, Klantinteracties, pages
    coroutines = [name for name, func in found if inspect.iscoroutinefunction(func)]
    assert coroutines == []
