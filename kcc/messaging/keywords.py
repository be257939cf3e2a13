"""The one-word answers residents send on any channel: yes, no, stop, start and help.

The SMS opt-out handling and the answers to suggestions read the same words from here, so a
word that stops SMS contact also stops a suggestion in the chat or by e-mail.
"""

from __future__ import annotations

from enum import StrEnum


class Keyword(StrEnum):
    YES = "yes"
    NO = "no"
    STOP = "stop"
    START = "start"
    HELP = "help"


WORDS: dict[Keyword, frozenset[str]] = {
    Keyword.YES: frozenset({"JA", "J", "YES", "Y", "OK", "OKE", "GRAAG"}),
    Keyword.NO: frozenset({"NEE", "N", "NO", "NEE DANK", "NO THANKS"}),
    Keyword.STOP: frozenset(
        {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "AFMELDEN"}
    ),
    Keyword.START: frozenset({"START", "UNSTOP", "AANMELDEN"}),
    Keyword.HELP: frozenset({"HELP", "INFO"}),
}
_BY_WORD = {word: keyword for keyword, words in WORDS.items() for word in words}


def normalise(text: str) -> str:
    """Upper case, single spaces, without the closing punctuation people add ("Ja!")."""
    return " ".join(text.strip().strip(".!?").upper().split())


def keyword_of(text: str) -> Keyword | None:
    """The keyword a whole message is, or ``None`` when it is anything else."""
    return _BY_WORD.get(normalise(text))


def first_own_line(body: str) -> str:
    """An e-mail answer's first line of own text (quoted lines and the rest are ignored)."""
    for line in body.splitlines():
        if line.strip() and not line.lstrip().startswith(">"):
            return line
    return ""
