"""The quick check of a request body agrees with jsonschema on every schema of the document: when
it says valid, jsonschema finds no error; when it says invalid, jsonschema finds one. Bodies are
drawn from each schema (mostly following it, sometimes not) with a fixed seed."""

from __future__ import annotations

import random
from typing import Any

import pytest

from klantinteracties import spec

TEXTS = (
    "",
    "a",
    "nld",
    "telefoon",
    "klant",
    "1234AB",
    "NL91ABNA0417164300",
    "anna@example.nl",
    "anna",
    "6f1c1b7e-5a3b-4c1e-9d2f-0a1b2c3d4e5f",
    "not-a-uuid",
    "2026-11-01",
    "2026-11-01T10:00:00Z",
    "2026-11-01T10:00:00",
    "2026-13-01",
    "https://example.nl/x",
    "x" * 300,
)
# The schemas the API checks bodies against (``http.body``).
REQUESTS = {
    "Actor",
    "ActorKlantcontact",
    "Betrokkene",
    "Bijlage",
    "Categorie",
    "CategorieRelatie",
    "DigitaalAdres",
    "InterneTaak",
    "Klantcontact",
    "MaakKlantcontact",
    "Onderwerpobject",
    "Partij",
    "PartijIdentificator",
    "Rekeningnummer",
    "Vertegenwoordigden",
}
FORMATS = {
    "uuid": ("6f1c1b7e-5a3b-4c1e-9d2f-0a1b2c3d4e5f", "nope"),
    "date": ("2026-11-01", "01-11-2026"),
    "date-time": ("2026-11-01T10:00:00+01:00", "2026-11-01"),
    "email": ("anna@example.nl", "anna"),
    "uri": ("https://example.nl/x", "x"),
}


def _noise(rnd: random.Random, depth: int) -> Any:
    kinds: list[Any] = [None, True, 0, 7, -1, 2.5, 1.0, "text"]
    if depth < 3:
        kinds += ["list", "dict"]
    kind = rnd.choice(kinds)
    if kind == "text":
        return rnd.choice(TEXTS)
    if kind == "list":
        return [_noise(rnd, depth + 1) for _ in range(rnd.randint(0, 2))]
    if kind == "dict":
        return {rnd.choice(("uuid", "naam", "x")): _noise(rnd, depth + 1)}
    return kind


def _text(schema: dict[str, Any], rnd: random.Random) -> str:
    if schema.get("format") in FORMATS:
        good, bad = FORMATS[schema["format"]]
        return good if rnd.random() < 0.9 else bad
    longest = schema.get("maxLength", 40)
    return rnd.choice(("", "a", "ab" * 3, "x" * longest, "x" * (longest + 1), rnd.choice(TEXTS)))


def _draw(schema: Any, rnd: random.Random, depth: int = 0) -> Any:
    """A value following ``schema`` most of the time."""
    if depth > 8 or schema is True or not isinstance(schema, dict) or rnd.random() < 0.04:
        return _noise(rnd, depth)
    if "$ref" in schema:
        name = schema["$ref"].removeprefix(spec.SCHEMA_PREFIX)
        return _draw(spec._components().get(name, True), rnd, depth + 1)
    if "const" in schema:
        return schema["const"]
    if "enum" in schema and rnd.random() < 0.95:
        return rnd.choice(schema["enum"])
    if "anyOf" in schema:
        return _draw(rnd.choice(schema["anyOf"]), rnd, depth + 1)
    if "allOf" in schema and all("if" in s for s in schema["allOf"]):
        branch = rnd.choice(schema["allOf"])
        value = _draw(branch.get("then", True), rnd, depth + 1)
        if isinstance(value, dict):
            for name, rule in branch["if"].get("properties", {}).items():
                value[name] = rule.get("const")
        return value
    if "allOf" in schema:
        return _draw(rnd.choice(schema["allOf"]), rnd, depth + 1)
    kinds = schema.get("type", "object" if "properties" in schema else None)
    kind = rnd.choice(kinds) if isinstance(kinds, list) else kinds
    if kind == "object":
        required = set(schema.get("required", ()))
        return {
            name: _draw(sub, rnd, depth + 1)
            for name, sub in schema.get("properties", {}).items()
            if (name in required and rnd.random() < 0.97) or rnd.random() < 0.5
        }
    if kind == "array":
        return [_draw(schema.get("items", True), rnd, depth + 1) for _ in range(rnd.randint(0, 2))]
    if kind == "string":
        return _text(schema, rnd)
    if kind in ("integer", "number"):
        low, high = schema.get("minimum", -5), schema.get("maximum", 100)
        return rnd.choice((low, high, low - 1, high + 1, (low + high) // 2, 3.0))
    if kind == "boolean":
        return rnd.random() < 0.5
    if kind == "null":
        return None
    return _noise(rnd, depth)


@pytest.mark.parametrize("schema_name", sorted(spec.document()["components"]["schemas"]))
def test_quick_check_agrees_with_jsonschema(schema_name: str) -> None:
    rnd = random.Random(schema_name)
    quick, full = spec.quick_check(schema_name), spec._validator(schema_name)
    verdicts = {True: 0, False: 0, None: 0}
    for _ in range(300):
        body = _draw({"$ref": spec.SCHEMA_PREFIX + schema_name}, rnd)
        verdict = quick(body)
        verdicts[verdict] += 1
        if verdict is not None:
            errors = list(full.iter_errors(body))
            assert verdict is not bool(errors), (body, [e.message for e in errors])
    assert verdicts[None] == 0, "a keyword the quick check does not handle"
    if schema_name in REQUESTS:
        assert verdicts[True] > 0, "no body drawn was valid: the quick path went untested"
