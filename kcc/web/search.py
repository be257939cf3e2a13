"""One search box: decide whether the text is a BSN, a phone number, an e-mail address or a name."""

from __future__ import annotations

import re
from dataclasses import dataclass

from stdnum.nl import bsn as bsn_number

from kcc.parties.services import PartyQuery

PHONE_CHARS = re.compile(r"^\+?[\d\s().\-/]{8,24}$")
DIGITS = re.compile(r"\D")
MAX_QUERY = 200


@dataclass(frozen=True)
class Detected:
    """What the text was taken to be, and the query to run."""

    kind: str
    query: PartyQuery


def detect(text: str) -> Detected | None:
    """Detect the kind of identifier in ``text`` (None when empty)."""
    value = text.strip()[:MAX_QUERY]
    if not value:
        return None
    digits = DIGITS.sub("", value)
    if "@" in value:
        return Detected("email", PartyQuery(email=value))
    if PHONE_CHARS.match(value):
        if (
            len(digits) in (8, 9)
            and not value.startswith(("+", "0"))
            and bsn_number.is_valid(digits.zfill(9))
        ):
            return Detected("bsn", PartyQuery(bsn=digits.zfill(9)))
        if len(digits) == 8 and not value.startswith(("+", "0")):
            return Detected("kvk", PartyQuery(kvk=digits))
        return Detected("phone", PartyQuery(phone=value))
    return Detected("name", PartyQuery(q=value))
