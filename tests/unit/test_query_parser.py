"""The API's query strings read as webargs' own Flask parser reads them: the same arguments,
the same errors, for every query schema of the app and for one that takes lists."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import marshmallow as ma
import pytest
from flask import Flask
from webargs.flaskparser import FlaskParser

from kcc.http.blueprint import Parser, _takes_lists

QUERIES = [
    "",
    "bsn=111222333",
    "bsn=111222333&bsn=999999990",
    "limit=5&cursor=abc",
    "limit=five",
    "limit=0",
    "colour=blue",
    "q=jan&type=person&type=organisation",
    "status=open&status=done&limit=3",
    "since=2026-12-01T10:00:00Z&party_id=not-a-uuid",
    "items=1&keys=2&get=3",  # names of dict methods, as parameters
    "q=%C3%A9n&q=",
]


class ListArgs(ma.Schema):
    status = ma.fields.List(ma.fields.String())
    limit = ma.fields.Integer(load_default=20)


def _query_schemas(app: Flask) -> Iterator[tuple[str, ma.Schema]]:
    for endpoint, view in app.view_functions.items():
        view_class = getattr(view, "view_class", None)
        handlers = [getattr(view_class, m.lower()) for m in getattr(view_class, "methods", ())]
        for handler in handlers or [view]:
            arguments = getattr(handler, "_apidoc", {}).get("arguments", {})
            for parameter in arguments.get("parameters", []):
                if parameter.get("in") == "query":
                    yield endpoint, parameter["schema"]


def _outcome(parser: FlaskParser, app: Flask, schema: ma.Schema, query: str) -> Any:
    with app.test_request_context(f"/?{query}"):
        try:
            return ("args", parser.parse(schema, location="query", unknown=ma.RAISE))
        except Exception as error:  # flask-smorest's abort: an HTTPException with the messages
            return ("error", type(error).__name__, getattr(error, "data", None))


def test_every_query_schema_reads_as_webargs_reads_it(app):
    schemas = list(_query_schemas(app))
    assert len(schemas) >= 20
    ours, theirs = Parser(), FlaskParser()
    for endpoint, schema in [*schemas, ("lists", ListArgs())]:
        for query in QUERIES:
            assert _outcome(ours, app, schema, query) == _outcome(theirs, app, schema, query), (
                endpoint,
                query,
            )


def test_a_schema_with_a_list_reads_every_value(app):
    assert _takes_lists(ListArgs())
    assert _outcome(Parser(), app, ListArgs(), "status=open&status=done") == (
        "args",
        {"status": ["open", "done"], "limit": 20},
    )


@pytest.mark.parametrize("query", ["bsn=111222333&bsn=999999990", "bsn=111222333"])
def test_a_repeated_parameter_counts_once(app, query):
    from kcc.parties.schemas import PartySearchArgs

    schema = PartySearchArgs()
    assert not _takes_lists(schema)
    assert _outcome(Parser(), app, schema, query)[1]["bsn"] == "111222333"
