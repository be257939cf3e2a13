"""Find BSNs in free text and JSON, mask them for storage and seal the numbers beside them.

Residents and agents type BSNs into free fields ("mijn bsn is 1112.22.333"). Nothing that
stores free text may keep such a number in clear: every storing point passes its text
through :func:`protect_text` or :func:`protect_record`, which mask each BSN the way the
product shows one elsewhere (``*****2333``) and keep the number itself only encrypted, in a
list under ``bsns_encrypted`` in the record's details.

What counts as a BSN in free text: exactly nine digits that pass the eleven-check, written
together or in groups separated by one space, non-breaking space, dot or hyphen
(``111222333``, ``111.222.333``, ``1112 22 333``, ``111-222-333``). A number counts only as
a whole: digits glued to letters or other digits, or continued by another group after a
separator, belong to something longer (a phone number, an IBAN, a hash) and are left alone.
Eight-digit numbers are not taken for BSNs in free text (dates and KvK numbers have eight
digits); a field named ``bsn`` or ``burgerservicenummer`` may hold one without its leading
zero, as the party API accepts.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Collection, Iterable, Mapping
from typing import Any, TypeVar

from flask import current_app
from stdnum.nl import bsn as stdnum_bsn

from kcc.crypto import DataCipher

BSN_CONTEXT = "party-identifier/bsn"
"""The encryption context of BSNs: the parties' identifiers use the same one (a test checks)."""
SEALED_KEY = "bsns_encrypted"
"""The details key under which the BSNs masked in a record are kept, encrypted."""
BSN_FIELD_NAMES = frozenset({"bsn", "burgerservicenummer"})
"""Field names (compared case-insensitively) whose value is a BSN by declaration."""

_SEPARATORS = " .\u00a0-"
_SEP = "[ .\u00a0-]"
# A whole group of digits: not glued to a letter or digit, nor continued by another group
# after one separator on either side, nor the rest of a phone number written "+31 (0)6 ...".
# The candidate is then checked for nine digits.
_DIGIT_GROUPS = re.compile(
    rf"(?<![^\W_])(?<![0-9]{_SEP})(?<!\(0\))(?<!\(0\){_SEP})"
    rf"[0-9]+(?:{_SEP}[0-9]+)*(?![^\W_])(?!{_SEP}[0-9])"
)

R = TypeVar("R")


@dataclasses.dataclass(frozen=True)
class Found:
    """A BSN in a text: where it is written and its nine digits."""

    start: int
    end: int
    bsn: str


def is_bsn(digits: str) -> bool:
    """Whether ``digits`` (nine digits, nothing else) is a BSN: it passes the eleven-check."""
    return (
        len(digits) == 9 and digits.isascii() and digits.isdigit() and stdnum_bsn.is_valid(digits)
    )


def mask(bsn: str) -> str:
    """The form in which the product shows a BSN: its last four digits."""
    return "*****" + bsn[-4:]


def find(text: str) -> list[Found]:
    """Every BSN written in ``text``, in order."""
    found = []
    for match in _DIGIT_GROUPS.finditer(text):
        digits = "".join(ch for ch in match.group() if ch not in _SEPARATORS)
        if is_bsn(digits):
            found.append(Found(match.start(), match.end(), digits))
    return found


def mask_text(text: str) -> tuple[str, list[str]]:
    """``text`` with every BSN masked, and the BSNs found (in order, repeats included)."""
    found = find(text)
    if not found:
        return text, []
    parts, last = [], 0
    for item in found:
        parts += [text[last : item.start], mask(item.bsn)]
        last = item.end
    parts.append(text[last:])
    return "".join(parts), [item.bsn for item in found]


def field_bsn(value: object) -> str | None:
    """The BSN in a field declared to hold one (8 digits get their leading zero), else None."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    digits = "".join(ch for ch in str(value).strip() if ch not in _SEPARATORS)
    if len(digits) == 8:
        digits = "0" + digits  # older BSNs are written without their leading zero
    return digits if is_bsn(digits) else None


def named_bsn(fields: Mapping[str, Any]) -> str | None:
    """The first BSN in a field named ``bsn`` or ``burgerservicenummer`` (any case)."""
    for name, value in fields.items():
        if str(name).casefold() in BSN_FIELD_NAMES and (bsn := field_bsn(value)):
            return bsn
    return None


def scrub(value: R) -> tuple[R, list[str]]:
    """``value`` (text, or JSON-like data) with every BSN masked, and the BSNs found.

    Strings are scanned as free text, integers of nine digits as numbers, dictionary keys
    too; a value under a field named ``bsn`` or ``burgerservicenummer`` is masked when it
    holds a BSN written in any accepted form. An unchanged value is returned as it came.
    """
    found: list[str] = []
    cleaned = _scrub(value, found)
    return (value if not found else cleaned), found


def _scrub(value: Any, found: list[str]) -> Any:
    if isinstance(value, str):
        text, bsns = mask_text(value)
        found.extend(bsns)
        return text
    if isinstance(value, int) and not isinstance(value, bool):
        digits = str(value)
        if is_bsn(digits):
            found.append(digits)
            return mask(digits)
        return value
    if isinstance(value, Mapping):
        result = {}
        for key, item in value.items():
            declared = field_bsn(item) if str(key).casefold() in BSN_FIELD_NAMES else None
            if declared is not None:
                found.append(declared)
                item = mask(declared)
            result[_scrub(key, found)] = _scrub(item, found)
        return result
    if isinstance(value, list | tuple):
        return type(value)(_scrub(item, found) for item in value)
    return value


def _cipher() -> DataCipher:
    return current_app.extensions["kcc.cipher"]  # type: ignore[no-any-return]


def seal(bsns: Iterable[str], details: Mapping[str, Any]) -> dict[str, Any]:
    """``details`` with ``bsns`` added, encrypted, under ``bsns_encrypted`` (each BSN once)."""
    sealed = list(details.get(SEALED_KEY) or [])
    cipher = _cipher()
    for bsn in dict.fromkeys(bsns):
        sealed.append(cipher.encrypt(bsn, BSN_CONTEXT))
    return {**details, SEALED_KEY: sealed}


def reveal(details: Mapping[str, Any]) -> list[str]:
    """The BSNs sealed in a record's details, decrypted."""
    cipher = _cipher()
    return [cipher.decrypt(token, BSN_CONTEXT) for token in details.get(SEALED_KEY) or []]


def protect(values: Mapping[str, Any], sealed_in: str | None = "details") -> dict[str, Any]:
    """``values`` (column name to text or JSON) masked, the BSNs found sealed into ``sealed_in``.

    Returns the same mapping's values unchanged when no BSN is found, so the common case
    costs one scan and no encryption. Without ``sealed_in`` the BSNs are only masked.
    """
    found: list[str] = []
    result = {}
    for name, value in values.items():
        result[name], bsns = scrub(value)
        found.extend(bsns)
    if found and sealed_in is not None:
        result[sealed_in] = seal(found, result.get(sealed_in) or {})
    return result


def protect_text(
    text: str, details: Mapping[str, Any], free_keys: Collection[str] | None = None
) -> tuple[str, dict[str, Any]]:
    """A message body and its details to store: BSNs masked, and sealed in the details.

    ``free_keys`` limits the scan of the details to the entries that hold free text, so that
    keys such as an e-mail's Message-ID, which thread replies, stay exactly as they came.
    """
    scanned = {
        k: v for k, v in details.items() if free_keys is None or k in free_keys or k == SEALED_KEY
    }
    result = protect({"text": text, "details": scanned})
    return result["text"], {**details, **result["details"]}


def protect_record(record: R, *names: str, sealed_in: str | None = "details") -> R:
    """A copy of the dataclass ``record`` whose fields ``names`` hold no BSN in clear.

    ``sealed_in`` names the record's details field (a mapping) that keeps the BSNs found,
    encrypted (``None``: a record without one, the BSNs are only masked); ``record`` itself
    is returned when it holds no BSN.
    """
    assert dataclasses.is_dataclass(record) and not isinstance(record, type)
    fields = (*names, sealed_in) if sealed_in is not None else names
    values = {name: getattr(record, name) for name in fields}
    protected = protect(values, sealed_in)
    if all(protected[name] is values[name] for name in values):
        return record
    return dataclasses.replace(record, **protected)
