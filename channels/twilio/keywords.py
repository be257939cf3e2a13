"""Opt-out, opt-in and help keywords of an inbound SMS, and the help text per language."""

from __future__ import annotations

from channels.constants import OptOutKind
from kcc.messaging.keywords import Keyword, keyword_of

# Twilio's Advanced Opt-Out sends OptOutType with the keyword class it matched.
OPT_OUT_TYPES = {"STOP": OptOutKind.STOP, "START": OptOutKind.START, "HELP": OptOutKind.HELP}
_OPT_OUT_KEYWORDS = {
    Keyword.STOP: OptOutKind.STOP,
    Keyword.START: OptOutKind.START,
    Keyword.HELP: OptOutKind.HELP,
}

HELP_TEXTS = {
    "nl": (
        "Gemeente KCC: u sms't met het klantcontactcentrum. Stuur STOP om geen sms meer te "
        "ontvangen, START om weer sms te ontvangen. Bel 14 020 voor hulp."
    ),
    "en": (
        "Municipality contact centre: you are texting our contact centre. Reply STOP to stop "
        "receiving texts, START to receive them again. Call 14 020 for help."
    ),
}


def classify(body: str, opt_out_type: str | None = None) -> OptOutKind | None:
    """The keyword class of a message: Twilio's OptOutType when present, else the one word
    (the core's keywords, which the answers to suggestions read too)."""
    if opt_out_type:
        return OPT_OUT_TYPES.get(opt_out_type.strip().upper())
    keyword = keyword_of(body)
    return _OPT_OUT_KEYWORDS.get(keyword) if keyword is not None else None


def help_text(language: str) -> str:
    """The help text in the resident's language; English for languages without a text."""
    return HELP_TEXTS.get(language, HELP_TEXTS["en"])
