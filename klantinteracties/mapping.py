"""The standard's codes beside ours: channels, languages, roles, kinds and statuses."""

from __future__ import annotations

import re

from kcc.constants import (
    AddressKind,
    Channel,
    IdentifierKind,
    InvolvementRole,
    PartyType,
    TaskStatus,
)
from klantinteracties.config import CHANNELS as CHANNEL_SETTING
from klantinteracties.config import DEFAULT_CHANNEL, setting

PARTY_TYPES = {
    "persoon": PartyType.PERSON,
    "organisatie": PartyType.ORGANISATION,
    "contactpersoon": PartyType.CONTACT_PERSON,
}
PARTY_TYPES_BACK: dict[str, str] = {v: k for k, v in PARTY_TYPES.items()}

ADDRESS_KINDS = {
    "telefoonnummer": AddressKind.PHONE,
    "email": AddressKind.EMAIL,
    "overig": AddressKind.OTHER,
}
ADDRESS_KINDS_BACK: dict[str, str] = {v: k for k, v in ADDRESS_KINDS.items()}

ROLES = {"klant": InvolvementRole.RESIDENT, "vertegenwoordiger": InvolvementRole.REPRESENTATIVE}
ROLES_BACK: dict[str, str] = {v: k for k, v in ROLES.items()}

# codeSoortObjectId -> (our kind, codeObjecttype, codeRegister)
IDENTIFIER_CODES = {
    "bsn": (IdentifierKind.BSN, "natuurlijk_persoon", "brp"),
    "kvk_nummer": (IdentifierKind.KVK, "niet_natuurlijk_persoon", "hr"),
    "rsin": (IdentifierKind.RSIN, "niet_natuurlijk_persoon", "hr"),
    "vestigingsnummer": (IdentifierKind.BRANCH_NUMBER, "vestiging", "hr"),
}
IDENTIFIER_CODES_BACK: dict[str, str] = {
    kind: code for code, (kind, _, _) in IDENTIFIER_CODES.items()
}

# Channel names residents' systems send (case-insensitive) and the name we answer with.
CHANNELS: dict[str, str] = {
    "balie": Channel.COUNTER,
    "counter": Channel.COUNTER,
    "loket": Channel.COUNTER,
    "telefoon": Channel.PHONE,
    "telefonisch": Channel.PHONE,
    "phone": Channel.PHONE,
    "website": Channel.WEB,
    "web": Channel.WEB,
    "contactformulier": Channel.WEB,
    "webformulier": Channel.WEB,
    "formulier": Channel.WEB,
    "internet": Channel.WEB,
    "chat": Channel.CHAT,
    "livechat": Channel.CHAT,
    "webchat": Channel.CHAT,
    "whatsapp": Channel.CHAT,
    "sms": Channel.SMS,
    "e-mail": Channel.EMAIL,
    "email": Channel.EMAIL,
    "mail": Channel.EMAIL,
}
CHANNELS_BACK: dict[str, str] = {
    Channel.COUNTER: "balie",
    Channel.PHONE: "telefoon",
    Channel.WEB: "contactformulier",
    Channel.CHAT: "chat",
    Channel.SMS: "sms",
    Channel.EMAIL: "e-mail",
}

# ISO 639-2/B (the standard) and ISO 639-1 (ours).
LANGUAGES = {
    "nld": "nl",
    "dut": "nl",
    "eng": "en",
    "ger": "de",
    "deu": "de",
    "fre": "fr",
    "fra": "fr",
    "pol": "pl",
    "tur": "tr",
    "ara": "ar",
    "ukr": "uk",
}
LANGUAGES_BACK = {
    "nl": "nld",
    "en": "eng",
    "de": "ger",
    "fr": "fre",
    "pl": "pol",
    "tr": "tur",
    "ar": "ara",
    "uk": "ukr",
}

TASK_DONE = "verwerkt"
TASK_OPEN = "te_verwerken"
CLOSED_TASK = (TaskStatus.DONE, TaskStatus.CANCELLED)


def language_in(code: str | None) -> str:
    """Our language code for the standard's; unknown 2-3 letter codes are kept as given."""
    if not code:
        return "nl"
    lowered = code.lower()
    return LANGUAGES.get(lowered, lowered)


def language_out(code: str | None) -> str:
    return LANGUAGES_BACK.get(code or "nl", code or "")


def _channel_key(kanaal: str) -> str:
    """Case, spaces, hyphens and underscores aside: "Live chat", "E-mail", "web_formulier"."""
    return re.sub(r"[\s_-]+", "", kanaal.lower())


_CHANNEL_KEYS = {_channel_key(name): channel for name, channel in CHANNELS.items()}


def known_channel(kanaal: str) -> str | None:
    """Our channel for a ``kanaal`` name: the municipality's own names first, then the usual
    ones; None when no name matches."""
    key = _channel_key(kanaal)
    own = {_channel_key(name): channel for name, channel in setting(CHANNEL_SETTING).items()}
    return own.get(key) or _CHANNEL_KEYS.get(key)


def channel_in(kanaal: str) -> str:
    """Our channel for any ``kanaal`` (free text in the standard): a name no mapping knows is
    the configured default channel; the name itself is kept as given."""
    return known_channel(kanaal) or str(setting(DEFAULT_CHANNEL))


def task_status_out(status: str) -> str:
    return TASK_DONE if status in CLOSED_TASK else TASK_OPEN
