"""A printable HTML page of a subject access export; every value is escaped."""

from __future__ import annotations

from html import escape
from typing import Any

TITLES = {
    "identity": "Identity",
    "addresses": "Addresses",
    "contact_moments": "Contact moments",
    "tasks": "Tasks",
    "processing_log": "Processing log",
    "consents": "Consents",
    "conversations": "Conversations and messages",
    "journeys": "Journeys",
    "suggestions": "Suggestions",
}
STYLE = (
    "body{font-family:sans-serif;margin:2em;max-width:60em}table{border-collapse:collapse;margin:.3em 0}"
    "td,th{border:1px solid #999;padding:.2em .4em;text-align:left;vertical-align:top}"
    "h2{page-break-before:auto;border-bottom:2px solid #333}@media print{a{color:black}}"
)


def _value(value: Any, depth: int = 0) -> str:
    if isinstance(value, dict):
        if not value:
            return ""
        rows = "".join(
            f"<tr><th>{escape(str(k))}</th><td>{_value(v, depth + 1)}</td></tr>"
            for k, v in value.items()
        )
        return f"<table>{rows}</table>"
    if isinstance(value, list):
        if not value:
            return "<em>none</em>"
        if all(isinstance(v, dict) for v in value):
            return _table(value, depth)
        return "<ol>" + "".join(f"<li>{_value(v, depth + 1)}</li>" for v in value) + "</ol>"
    if value is None:
        return ""
    return escape(str(value))


def _table(items: list[dict[str, Any]], depth: int) -> str:
    """Records of one kind as one table: a header row, then one row per record (printable, and
    far less markup than a table per record)."""
    columns = list(dict.fromkeys(k for item in items for k in item))
    head = "".join(f"<th>{escape(str(c))}</th>" for c in columns)
    rows = "".join(
        "<tr>" + "".join(f"<td>{_value(item.get(c), depth + 1)}</td>" for c in columns) + "</tr>"
        for item in items
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def render_export(document: dict[str, Any]) -> str:
    """The export as one self-contained HTML page."""
    head = {k: v for k, v in document.items() if not isinstance(v, list) or k == "parties"}
    parts = [
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
        f"<title>Subject access export {escape(str(document.get('subject', '')))}</title>",
        f"<style>{STYLE}</style></head><body>",
        "<h1>What the municipality's contact centre holds about you</h1>",
        _value(head),
    ]
    for name, value in document.items():
        if isinstance(value, list) and name != "parties":
            parts.append(
                f"<h2>{escape(TITLES.get(name, name.replace('_', ' ').capitalize()))} ({len(value)})</h2>"
            )
            parts.append(_value(value))
    parts.append("</body></html>")
    return "".join(parts)
