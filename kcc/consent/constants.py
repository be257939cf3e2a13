"""Stored choices of the consent registry."""

from __future__ import annotations

import re
from enum import StrEnum


class ConsentChannel(StrEnum):
    SMS = "sms"
    EMAIL = "email"
    ANY = "any"


class ConsentAction(StrEnum):
    GRANTED = "granted"
    WITHDRAWN = "withdrawn"
    # An objection (AVG art. 21) to proactive service as a whole: every consent ends, and no
    # journey follows the resident or asks again until the resident grants a consent anew.
    OBJECTED = "objected"


class CollectionMethod(StrEnum):
    """How the consent or withdrawal reached us (Kantara ``collectionMethod``)."""

    COUNTER = "counter"
    PHONE = "phone"
    SMS = "sms"
    CHAT = "chat"
    EMAIL = "email"
    WEB = "web"
    API = "api"


PROACTIVE = "proactive"
JOURNEY_PREFIX = "journey:"
JOURNEY_PURPOSE = re.compile(r"^journey:[a-z][a-z0-9-]{1,63}$")


def journey_purpose(key: str) -> str:
    return f"{JOURNEY_PREFIX}{key}"
