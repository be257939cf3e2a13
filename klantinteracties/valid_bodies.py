"""A quick answer to "is this body valid?" for the request schemas, before jsonschema's full check.

``jsonschema`` builds a validator object for every subschema it enters and keeps an error's
whole context; for the usual valid body that is a tenth of a ``maak-klantcontact`` request. The
function built here reads the same draft 7 schema (the keywords ``spec`` produces) and answers
True (valid), False (invalid) or None (not sure: a keyword or value it does not handle). Only a
True skips the full check, so the problems a client sees always come from jsonschema.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from jsonschema import FormatChecker

Check = Callable[[Any], bool | None]

_TYPES: dict[str, Callable[[Any], bool]] = {
    "array": lambda v: isinstance(v, list),
    "boolean": lambda v: isinstance(v, bool),
    "integer": lambda v: (
        (isinstance(v, int) and not isinstance(v, bool))
        or (isinstance(v, float) and v.is_integer())
    ),
    "null": lambda v: v is None,
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "object": lambda v: isinstance(v, dict),
    "string": lambda v: isinstance(v, str),
}
_NUMBER = _TYPES["number"]
# What the schema only describes: no effect on validity.
_ANNOTATIONS = {"default", "components"}


def _settle(results: Iterable[bool | None], decisive: bool) -> bool | None:
    """Three-valued: ``decisive`` as soon as one result is it; otherwise None if one result is
    not sure, else the other verdict."""
    unsure = False
    for result in results:
        if result is decisive:
            return decisive
        if result is None:
            unsure = True
    return None if unsure else not decisive


def _all(results: Any) -> bool | None:
    """True if every result is True, False if one is False, None otherwise."""
    return _settle(results, False)


def _any(results: Any) -> bool | None:
    """True if one result is True, False if every one is False, None otherwise."""
    return _settle(results, True)


def _one_of(values: list[Any]) -> Check:
    """``enum`` of texts (and null): jsonschema's equality is ``==`` between them."""
    if not all(isinstance(v, str) or v is None for v in values):
        return lambda instance: None
    allowed = set(values)
    return lambda instance: isinstance(instance, str | None) and instance in allowed


class Compiler:
    """Turns schemas (with ``$ref`` to ``components``) into checks, each component once."""

    def __init__(self, components: dict[str, Any], prefix: str, formats: FormatChecker) -> None:
        self.components = components
        self.prefix = prefix
        self.formats = formats
        self.named: dict[str, Check] = {}

    def compile(self, schema: Any) -> Check:
        if schema is True or schema == {}:
            return lambda instance: True
        if schema is False:
            return lambda instance: False
        if not isinstance(schema, dict):
            return lambda instance: None
        if "$ref" in schema:  # draft 7: a reference's siblings are ignored
            return self._reference(schema["$ref"])
        checks = [self._keyword(key, value, schema) for key, value in schema.items()]
        if any(check is None for check in checks):
            return lambda instance: None
        kept = [check for check in checks if check is not _ignored]
        return lambda instance: _all(check(instance) for check in kept)  # type: ignore[misc]

    def _reference(self, target: str) -> Check:
        name = target.removeprefix(self.prefix)
        if name == target or name not in self.components:
            return lambda instance: None
        if name not in self.named:
            self.named[name] = lambda instance: None  # while compiling a self-reference
            self.named[name] = self.compile(self.components[name])
        return lambda instance: self.named[name](instance)

    def _keyword(self, key: str, value: Any, schema: dict[str, Any]) -> Check | None:
        """The check of one keyword; None when it is not one handled here."""
        if key in _ANNOTATIONS:
            return _ignored
        if key == "type":
            kinds = [value] if isinstance(value, str) else value
            if not all(kind in _TYPES for kind in kinds):
                return None
            tests = [_TYPES[kind] for kind in kinds]
            return lambda instance: any(test(instance) for test in tests)
        if key == "properties":
            inner = {name: self.compile(sub) for name, sub in value.items()}
            return lambda instance: (
                _all(inner[name](v) for name, v in instance.items() if name in inner)
                if isinstance(instance, dict)
                else True
            )
        if key == "required":
            return lambda instance: (
                not isinstance(instance, dict) or all(name in instance for name in value)
            )
        if key == "additionalProperties":
            if "patternProperties" in schema:
                return None
            known = set(schema.get("properties", {}))
            extra = self.compile(value)
            return lambda instance: (
                _all(extra(v) for name, v in instance.items() if name not in known)
                if isinstance(instance, dict)
                else True
            )
        if key == "items":
            if not isinstance(value, dict | bool):
                return None
            each = self.compile(value)
            return lambda instance: (
                _all(each(item) for item in instance) if isinstance(instance, list) else True
            )
        if key in ("maxLength", "minLength"):
            longest = key == "maxLength"
            return lambda instance: (
                not isinstance(instance, str)
                or (len(instance) <= value if longest else len(instance) >= value)
            )
        if key == "pattern":
            return lambda instance: (
                not isinstance(instance, str) or bool(re.search(value, instance))
            )
        if key == "format":
            return lambda instance: self.formats.conforms(instance, value)
        if key in ("maximum", "minimum"):
            highest = key == "maximum"
            return lambda instance: (
                not _NUMBER(instance) or (instance <= value if highest else instance >= value)
            )
        if key == "enum":
            return _one_of(value) if isinstance(value, list) else None
        if key == "const":
            return _one_of([value])
        if key in ("anyOf", "allOf"):
            branches = [self.compile(sub) for sub in value]
            if key == "allOf":
                return lambda instance: _all(branch(instance) for branch in branches)
            return lambda instance: _any(branch(instance) for branch in branches)
        if key == "if":
            condition = self.compile(value)
            then = self.compile(schema.get("then", True))
            otherwise = self.compile(schema.get("else", True))

            def conditional(instance: Any) -> bool | None:
                holds = condition(instance)
                if holds is None:
                    return None
                return then(instance) if holds else otherwise(instance)

            return conditional
        if key in ("then", "else"):
            return _ignored  # part of "if"
        return None


def _ignored(instance: Any) -> bool | None:
    return True
