"""Plain words (B1, Dutch and English) for what caused a suggestion and which data it used.

An explanation never shows a key, a field name or an event type: each is put into words
here; what has no words of its own gets a general phrase rather than its technical name.
"""

from __future__ import annotations

import re
from typing import Any

Words = dict[str, str]

# What happened, as "because ..." continues it.
EVENTS: dict[str, Words] = {
    "nl.brp.address-changed": {
        "nl": "uw nieuwe adres is ingeschreven",
        "en": "your new address was registered",
    },
    "nl.brp.birth-registered": {
        "nl": "de geboorte van uw kind is ingeschreven",
        "en": "the birth of your child was registered",
    },
    "nl.brp.death-registered": {
        "nl": "het overlijden van iemand in uw familie is ingeschreven",
        "en": "the death of someone in your family was registered",
    },
    "nl.kvk.business-registered": {
        "nl": "uw bedrijf is ingeschreven bij de Kamer van Koophandel",
        "en": "your business was registered with the Chamber of Commerce",
    },
    "nl.brp.age-reached": {"nl": "u 18 jaar wordt", "en": "you turn 18"},
    "nl.nijmegen.service-arranged": {
        "nl": "een dienst voor u is geregeld",
        "en": "a service for you was arranged",
    },
    "nl.nijmegen.allowances-checked": {
        "nl": "uw toeslagen zijn nagekeken",
        "en": "your allowances were checked",
    },
    "nl.ggd.first-visit-done": {
        "nl": "het eerste bezoek van de jeugdverpleging is geweest",
        "en": "the first visit of the youth nurse took place",
    },
    "nl.svb.child-benefit-granted": {
        "nl": "u kinderbijslag krijgt",
        "en": "you get child benefit",
    },
    "nl.nijmegen.taxes-stopped": {
        "nl": "de belastingen van de gemeente zijn geregeld",
        "en": "the municipal taxes were arranged",
    },
    "nl.nijmegen.digid-activated": {
        "nl": "u uw DigiD heeft aangezet",
        "en": "you switched on your DigiD",
    },
}
CONTACT = {"nl": "u ons hierover vertelde", "en": "you told us about this"}
AGENT = {
    "nl": "een medewerker van de gemeente dit voor u startte",
    "en": "a staff member started this for you",
}
OTHER_EVENT = {
    "nl": "een ander systeem van de gemeente iets over u meldde",
    "en": "another municipal system reported something about you",
}
TIMER = {
    "nl": "er {time} voorbij is sinds de vorige stap",
    "en": "{time} passed since the previous step",
}

# The data a trigger read, by field.
FIELDS: dict[str, Words] = {
    "data.municipality_code": {
        "nl": "de gemeente waar u woont",
        "en": "the municipality you live in",
    },
    "data.child": {"nl": "of er een kind is geboren", "en": "whether a child was born"},
    "data.legal_form": {"nl": "de soort van uw bedrijf", "en": "the kind of business"},
    "data.age": {"nl": "uw leeftijd", "en": "your age"},
    "data.service": {"nl": "welke dienst is geregeld", "en": "which service was arranged"},
    "subject": {
        "nl": "het onderwerp van uw contact met ons",
        "en": "the subject of your contact with us",
    },
}
BSN = {
    "nl": "Uw burgerservicenummer gebruikten wij alleen om u te vinden.",
    "en": "We used your citizen service number only to find you.",
}
OTHER_FIELD = {"nl": "een gegeven uit die melding", "en": "one detail from that report"}
DATE_OF_STEP = {"nl": "de datum van de vorige stap", "en": "the date of the previous step"}
NOTHING = {"nl": "geen gegevens van u", "en": "none of your data"}

UNITS = {
    "Y": ("jaar", "jaar", "year", "years"),
    "M": ("maand", "maanden", "month", "months"),
    "W": ("week", "weken", "week", "weeks"),
    "D": ("dag", "dagen", "day", "days"),
}
DURATION = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?")


def duration_words(value: str, language: str) -> str:
    """``P14D`` as "14 dagen" / "14 days" (hours and minutes are left out: "een tijd")."""
    match = DURATION.match(value or "")
    parts = []
    for amount, unit in zip(match.groups() if match else (), "YMWD", strict=False):
        if amount:
            one_nl, many_nl, one_en, many_en = UNITS[unit]
            n = int(amount)
            word = (
                (one_nl if n == 1 else many_nl)
                if language == "nl"
                else (one_en if n == 1 else many_en)
            )
            parts.append(f"{n} {word}")
    if not parts:
        return "een tijd" if language == "nl" else "some time"
    joiner = " en " if language == "nl" else " and "
    return joiner.join(parts)


def fields_read(match: Any) -> list[str]:
    """Every field a trigger's ``match`` reads, in order, once."""
    found: list[str] = []
    if isinstance(match, dict):
        if "field" in match:
            found.append(str(match["field"]))
        for key in ("all", "any"):
            for part in match.get(key) or []:
                found.extend(f for f in fields_read(part) if f not in found)
        if "not" in match:
            found.extend(f for f in fields_read(match["not"]) if f not in found)
    return list(dict.fromkeys(found))


def listed(items: list[str], language: str) -> str:
    """ "a, b en c" / "a, b and c"."""
    if len(items) < 2:
        return "".join(items)
    last = " en " if language == "nl" else " and "
    return ", ".join(items[:-1]) + last + items[-1]


def cause_words(cause: dict[str, Any], language: str) -> str:
    """What happened, to follow "because"."""
    kind = cause.get("kind")
    if kind == "timer":
        return TIMER[language].format(
            time=duration_words(str(cause.get("duration") or ""), language)
        )
    if kind == "contact_moment":
        return CONTACT[language]
    if kind == "agent":
        return AGENT[language]
    return EVENTS.get(str(cause.get("type") or ""), OTHER_EVENT)[language]


def used_bsn(cause: dict[str, Any]) -> bool:
    """A report from another system finds the resident by their citizen service number."""
    return cause.get("kind") == "event"


def data_words(cause: dict[str, Any], language: str) -> list[str]:
    """The resident's data that was used, in words: only what the trigger that fired read."""
    kind = cause.get("kind")
    if kind == "timer":
        return [DATE_OF_STEP[language]]
    if kind == "agent":
        return []
    used: list[str] = []
    for name in cause.get("fields") or []:
        words = FIELDS.get(str(name), OTHER_FIELD)[language]
        if words not in used:
            used.append(words)
    return used
