"""The VNG Klantinteracties OpenAPI document: served as published; it checks request bodies."""

from __future__ import annotations

import copy
import uuid
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from jsonschema import Draft7Validator, FormatChecker
from jsonschema.exceptions import ValidationError, best_match

from klantinteracties.valid_bodies import Check, Compiler

SPEC_PATH = Path(__file__).with_name("openapi.yaml")
SCHEMA_PREFIX = "#/components/schemas/"

CODES = {
    "required": "required",
    "maxLength": "max_length",
    "minLength": "min_length",
    "maximum": "max_value",
    "minimum": "min_value",
    "enum": "invalid_choice",
    "const": "invalid_choice",
    "pattern": "invalid",
    "type": "invalid",
    "format": "invalid",
}


@cache
def document() -> dict[str, Any]:
    """The published document, parsed once."""
    with SPEC_PATH.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)  # type: ignore[no-any-return]


def served_document(base_url: str) -> dict[str, Any]:
    """The document with its ``servers`` entry pointing at this deployment."""
    doc = copy.deepcopy(document())
    doc["servers"] = [{"url": base_url.rstrip("/") + "/klantinteracties/api/v1"}]
    return doc


def _to_json_schema(node: Any, request: bool) -> Any:
    """OpenAPI 3.0 schema objects to JSON Schema draft 7, for request bodies.

    ``nullable`` becomes a union with null, read-only properties are accepted and ignored,
    and a discriminated ``oneOf`` picks its branch by the discriminator value.
    """
    if isinstance(node, list):
        return [_to_json_schema(item, request) for item in node]
    if not isinstance(node, dict):
        return node
    node = dict(node)
    nullable = node.pop("nullable", False)
    discriminator = node.pop("discriminator", None)
    for key in ("example", "deprecated", "readOnly", "writeOnly", "title", "description"):
        node.pop(key, None)
    if discriminator and "oneOf" in node:
        prop = discriminator["propertyName"]
        mapping = discriminator["mapping"]
        node.pop("oneOf")
        node = {
            "type": "object",
            "required": [prop],
            "properties": {prop: {"enum": list(mapping)}},
            "allOf": [
                {"if": {"properties": {prop: {"const": value}}}, "then": {"$ref": ref}}
                for value, ref in mapping.items()
            ],
        }
    if request and isinstance(node.get("pattern"), str):
        # Open Klant accepts an empty text where the document gives a pattern
        # (``nummeraanduidingId: ""``, ``postcode: ""``): it means "not known".
        node["pattern"] = f"^$|{node['pattern']}"
    # Likewise ``land: ""`` (a two-letter code or nothing); a required text stays so.
    blank = request and node.get("type") == "string" and (node.get("minLength") or 0) > 1
    if "properties" in node:
        read_only = {name for name, schema in node["properties"].items() if _read_only(schema)}
        node["properties"] = {
            name: ({} if request and name in read_only else _to_json_schema(schema, request))
            for name, schema in node["properties"].items()
        }
        if "required" in node and request:
            node["required"] = [name for name in node["required"] if name not in read_only]
    for key in ("items", "additionalProperties"):
        if isinstance(node.get(key), dict):
            node[key] = _to_json_schema(node[key], request)
    for key in ("allOf", "anyOf", "oneOf"):
        if key in node:
            node[key] = _to_json_schema(node[key], request)
    if blank:
        node = {"anyOf": [{"const": ""}, node]}
    if nullable:
        return {"anyOf": [{"type": "null"}, node]}
    return node


def _read_only(schema: Any) -> bool:
    return isinstance(schema, dict) and bool(schema.get("readOnly"))


def _inlined(node: Any, components: dict[str, Any], within: tuple[str, ...] = ()) -> Any:
    """``node`` with each ``$ref`` to a component replaced by the component itself, which
    draft 7 makes the same schema (a ``$ref``'s siblings are ignored); a component that refers
    to itself keeps its ``$ref``. Resolving references costs a quarter of checking a body."""
    if isinstance(node, list):
        return [_inlined(item, components, within) for item in node]
    if not isinstance(node, dict):
        return node
    target = node.get("$ref")
    if isinstance(target, str) and target.startswith(SCHEMA_PREFIX):
        name = target[len(SCHEMA_PREFIX) :]
        if name in within or name not in components:
            return {"$ref": target}
        return _inlined(components[name], components, (*within, name))
    return {key: _inlined(value, components, within) for key, value in node.items()}


@cache
def _components() -> dict[str, Any]:
    return {
        name: _to_json_schema(schema, request=True)
        for name, schema in document()["components"]["schemas"].items()
    }


@cache
def _validator(schema_name: str) -> Draft7Validator:
    components = _components()
    root = _inlined({"$ref": SCHEMA_PREFIX + schema_name}, components)
    root["components"] = {"schemas": components}
    return Draft7Validator(root, format_checker=_checker())


def _leaf(error: ValidationError) -> ValidationError:
    while error.context:
        relevant = [
            e
            for e in error.context
            if not (e.validator == "type" and e.validator_value == "null")
            and not (e.validator == "const" and e.validator_value == "")
        ]
        deeper = best_match(relevant) if relevant else None
        if deeper is None:
            break
        error = deeper
    return error


TYPES = {
    "string": "Geen geldige string.",
    "boolean": "Moet een geldige boolean zijn.",
    "integer": "Een geldig getal is vereist.",
    "number": "Een geldig getal is vereist.",
    "object": "Ongeldige data. Verwachtte een object.",
    "array": "Verwachtte een lijst met items.",
}
URL_SCHEMES = frozenset({"http", "https", "ftp", "ftps"})
FORMATS = {
    "uuid": "Moet een geldige UUID zijn.",
    "date": "Datum heeft het verkeerde formaat. Gebruik het formaat JJJJ-MM-DD.",
    "date-time": "Datetime heeft een ongeldig formaat. Gebruik het formaat "
    "JJJJ-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].",
    "email": "Voer een geldig e-mailadres in.",
    "uri": "Voer een geldige URL in.",
}


def _reason(error: ValidationError) -> str:
    """Open Klant's Dutch message for the rule; it never echoes the value (it may be personal
    data)."""
    rule, value = str(error.validator), error.validator_value
    if rule == "type":
        if error.instance is None:
            return "Dit veld mag niet leeg zijn."
        return TYPES.get(str(value), "Ongeldige waarde.")
    reasons = {
        "maxLength": f"Zorg ervoor dat dit veld niet meer dan {value} karakters bevat.",
        "minLength": f"Zorg ervoor dat dit veld minimaal {value} karakters bevat.",
        "maximum": f"Zorg ervoor dat deze waarde kleiner is dan of gelijk is aan {value}.",
        "minimum": f"Zorg ervoor dat deze waarde groter is dan of gelijk is aan {value}.",
        "enum": "Dit is een ongeldige keuze; kies uit: " + ", ".join(str(v) for v in value) + "."
        if isinstance(value, list)
        else "Dit is een ongeldige keuze.",
        "const": f"Dit is een ongeldige keuze; kies {value}.",
        "pattern": f"Deze waarde voldoet niet aan het patroon {value}.",
        "format": FORMATS.get(str(value), "Ongeldige waarde."),
        "required": "Dit veld is vereist.",
        "additionalProperties": "Onbekende velden zijn hier niet toegestaan.",
    }
    return reasons.get(rule, "Ongeldige waarde.")


def _checker() -> FormatChecker:
    checker = FormatChecker(formats=())

    @checker.checks("uuid", raises=ValueError)
    def _uuid(value: object) -> bool:
        return not isinstance(value, str) or bool(uuid.UUID(value))

    @checker.checks("date", raises=ValueError)
    def _date(value: object) -> bool:
        return not isinstance(value, str) or bool(date.fromisoformat(value))

    @checker.checks("date-time", raises=ValueError)
    def _datetime(value: object) -> bool:
        if isinstance(value, str):
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
            if parsed.tzinfo is None and "T" not in value:
                raise ValueError(value)
        return True

    @checker.checks("uri", raises=ValueError)
    def _uri(value: object) -> bool:
        # Open Klant's URL fields: an absolute http(s) or ftp(s) URL with a host; blank means
        # none. Only printable ASCII, as a URI is written (a client sends a host in punycode).
        if not isinstance(value, str) or value == "":
            return True
        if not all("!" <= char <= "~" for char in value):
            return False
        parts = urlsplit(value)
        return parts.scheme.lower() in URL_SCHEMES and bool(parts.hostname)

    @checker.checks("email")
    def _email(value: object) -> bool:
        return not isinstance(value, str) or value.count("@") == 1

    return checker


@cache
def quick_check(schema_name: str) -> Check:
    """True for a body that is valid as the named request schema, else False or None."""
    compiler = Compiler(_components(), SCHEMA_PREFIX, _checker())
    return compiler.compile({"$ref": SCHEMA_PREFIX + schema_name})


def check_body(schema_name: str, body: Any) -> list[dict[str, str]]:
    """Problems with ``body`` as the named request schema, as ``[{name, code, reason}]``."""
    if quick_check(schema_name)(body) is True:
        return []  # the usual case; only jsonschema names problems
    problems: list[dict[str, str]] = []
    for error in _validator(schema_name).iter_errors(body):
        leaf = _leaf(error)
        path = [str(p) for p in leaf.absolute_path]
        if leaf.validator == "if":
            continue
        names = [".".join(path) or "nonFieldErrors"]
        if leaf.validator == "required" and isinstance(leaf.instance, dict):
            names = [".".join([*path, r]) for r in leaf.validator_value if r not in leaf.instance]
        for name in names:
            if not any(p["name"] == name for p in problems):
                code = CODES.get(str(leaf.validator), "invalid")
                if leaf.validator == "type" and leaf.instance is None:
                    code = "null"
                problems.append({"name": name, "code": code, "reason": _reason(leaf)})
    return problems
