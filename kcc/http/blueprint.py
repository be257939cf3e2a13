"""The API blueprint: flask-smorest's, with argument schemas built once instead of per request,
and query strings read without webargs' per-key proxy where no argument takes several values."""

from __future__ import annotations

import weakref
from typing import Any

import flask
import flask_smorest
import marshmallow as ma
from webargs.flaskparser import FlaskParser
from webargs.multidictproxy import MultiDictProxy


class Parser(FlaskParser):
    """webargs' Flask parser; a query string whose schema has no list argument is read as a
    plain dict of each parameter's first value.

    That is what webargs' proxy returns for such a schema too, but the proxy asks werkzeug's
    MultiDict for every field of the schema, and each one the request does not send costs a
    ``KeyError`` that werkzeug builds as an HTTP exception (a search sends one of eight)."""

    def load_querystring(self, req: flask.Request, schema: ma.Schema) -> Any:
        if _takes_lists(schema):
            return super().load_querystring(req, schema)
        return req.args.to_dict()


_LISTS: weakref.WeakKeyDictionary[ma.Schema, bool] = weakref.WeakKeyDictionary()


def _takes_lists(schema: ma.Schema) -> bool:
    """Whether any field of ``schema`` reads a repeated parameter as a list (as webargs'
    proxy decides it), once per schema instance."""
    found = _LISTS.get(schema)
    if found is None:
        found = _LISTS[schema] = bool(MultiDictProxy({}, schema).multiple_keys)
    return found


class Blueprint(flask_smorest.Blueprint):
    """``arguments(SomeSchema)`` gets one instance of the schema at import time.

    webargs builds a new instance from a schema class on every request (marshmallow copies
    every declared field then: about 5 % of the CPU of recording a contact moment). Our
    schemas keep no state between loads, so one instance serves every request.
    """

    ARGUMENTS_PARSER = Parser()

    def arguments(self, schema: Any, **kwargs: Any) -> Any:
        return super().arguments(schema() if isinstance(schema, type) else schema, **kwargs)
