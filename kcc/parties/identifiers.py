"""Validation and normalisation of BSNs, business identifiers, phone numbers, e-mail and names."""

from __future__ import annotations

import unicodedata

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from stdnum.nl import bsn as stdnum_bsn

from kcc.errors import ValidationFailed


def _ascii_digits(value: str) -> bool:
    """Only 0-9: ``str.isdigit`` also takes '²' or '٣', which are no digits of an identifier."""
    return value.isascii() and value.isdigit()


def elfproef(digits: str) -> bool:
    """The eleven-check shared by BSN and RSIN (weights 9..2 and -1)."""
    if len(digits) != 9 or not _ascii_digits(digits):
        return False
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True)) - int(
        digits[8]
    )
    return total % 11 == 0 and digits != "000000000"


def validate_bsn(value: str, field: str = "bsn") -> str:
    """A BSN as 9 digits; accepts dots and spaces, rejects letters and a failed eleven-check."""
    cleaned = stdnum_bsn.compact(value) if value else ""
    if not _ascii_digits(cleaned):
        raise ValidationFailed.field(field, _l("a BSN has only digits"))
    if len(cleaned) == 8:
        cleaned = "0" + cleaned  # older BSNs are written with 8 digits
    if len(cleaned) != 9:
        raise ValidationFailed.field(
            field, _l("a BSN has 9 digits (or 8 without its leading zero)")
        )
    if not elfproef(cleaned):  # python-stdnum's bsn.validate is the same check
        raise ValidationFailed.field(field, _l("not a valid BSN: it fails the eleven-check"))
    return cleaned


def validate_rsin(value: str, field: str = "rsin") -> str:
    cleaned = value.replace(" ", "").replace(".", "")
    if not _ascii_digits(cleaned) or len(cleaned) not in (8, 9):
        raise ValidationFailed.field(field, _l("an RSIN has 9 digits"))
    cleaned = cleaned.zfill(9)
    if not elfproef(cleaned):
        raise ValidationFailed.field(field, _l("not a valid RSIN: it fails the eleven-check"))
    return cleaned


def validate_kvk(value: str, field: str = "kvk") -> str:
    cleaned = value.replace(" ", "").replace(".", "")
    if not _ascii_digits(cleaned) or len(cleaned) != 8:
        raise ValidationFailed.field(field, _l("a KvK number has 8 digits"))
    return cleaned


def validate_branch_number(value: str, field: str = "branch_number") -> str:
    cleaned = value.replace(" ", "").replace(".", "")
    if not _ascii_digits(cleaned) or len(cleaned) != 12:
        raise ValidationFailed.field(field, _l("a branch number (vestigingsnummer) has 12 digits"))
    return cleaned


def mask_bsn(bsn: str) -> str:
    return "*****" + bsn[-4:]


def normalise_phone(value: str, field: str = "phone", region: str = "NL") -> str:
    """E.164: '06 12345678', '0031612345678' and '+31612345678' all become '+31612345678'."""
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        raise ValidationFailed.field(
            field, _l("%(value)r is not a phone number", value=value)
        ) from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationFailed.field(
            field, _l("%(value)r is not a valid phone number", value=value)
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_email(value: str, field: str = "email") -> str:
    """A syntactically valid address, lower-cased so that matching ignores case."""
    try:
        result = validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        raise ValidationFailed.field(
            field, _l("%(value)r is not a valid e-mail address", value=value)
        ) from None
    return result.normalized.lower()


def normalise_address(kind: str, value: str, field: str = "address") -> str:
    if kind == "phone":
        return normalise_phone(value, field)
    if kind == "email":
        return normalise_email(value, field)
    cleaned = value.strip()
    if not cleaned:
        raise ValidationFailed.field(field, _l("may not be empty"))
    return cleaned


def search_key(*parts: str | None) -> str:
    """Lower case without accents, so that 'muller' finds 'Müller' and 'Celik' finds 'Çelik'."""
    text = " ".join(p for p in parts if p)
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().translate(_UNDECOMPOSED).split())


# Letters that carry no combining mark in Unicode but that residents type without it.
_UNDECOMPOSED = str.maketrans(
    {
        "\u0131": "i",
        "ß": "ss",
        "ø": "o",
        "ł": "l",
        "đ": "d",
        "ħ": "h",
        "æ": "ae",
        "œ": "oe",
        "þ": "th",
        "ð": "d",
    }
)
