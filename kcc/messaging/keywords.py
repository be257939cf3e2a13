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
    Keyword.YES: frozenset(
        {
            "JA",
            "J",
            "YES",
            "Y",
            "OK",
            "OKE",
            "OKAY",
            "GRAAG",
            "JA GRAAG",
            "JA HOOR",
            "JA GRAAG DANK U",
            "JA DANK U",
            "JAWEL",
            "YES PLEASE",
            "OK GRAAG",
        }
    ),
    Keyword.NO: frozenset(
        {
            "NEE",
            "N",
            "NO",
            "NEE DANK",
            "NEE DANK U",
            "NEE DANK JE",
            "NEE DANKJE",
            "NEE DANKJEWEL",
            "NEE DANKUWEL",
            "NEE BEDANKT",
            "LIEVER NIET",
            "NO THANKS",
            "NO THANK YOU",
        }
    ),
    Keyword.STOP: frozenset(
        {
            "STOP",
            "STOPALL",
            "STOP ALL",
            "STOP ALLES",
            "STOPPEN",
            "STOP SUGGESTIES",
            "STOP BERICHTEN",
            "STOP SMS",
            "STOP MESSAGES",
            "STOP SUGGESTIONS",
            "UNSUBSCRIBE",
            "CANCEL",
            "END",
            "QUIT",
            "AFMELDEN",
            "UITSCHRIJVEN",
            "GEEN BERICHTEN MEER",
            "NO MORE MESSAGES",
        }
    ),
    Keyword.START: frozenset({"START", "UNSTOP", "AANMELDEN"}),
    Keyword.HELP: frozenset({"HELP", "INFO"}),
}
_BY_WORD = {word: keyword for keyword, words in WORDS.items() for word in words}
_PUNCTUATION = str.maketrans({c: " " for c in ".,!?;:'\"()-"})


def normalise(text: str) -> str:
    """Upper case, single spaces, without the punctuation people add ("Ja graag!", "Nee, dank u")."""
    return " ".join(text.upper().translate(_PUNCTUATION).split())


def keyword_of(text: str) -> Keyword | None:
    """The keyword a whole message is, or ``None`` when it is anything else."""
    return _BY_WORD.get(normalise(text))


def answer_of(text: str) -> tuple[Keyword, int | None] | None:
    """A yes or no, with the number of the offer it answers when one follows ("JA 2")."""
    words = normalise(text).split()
    number = None
    if len(words) > 1 and words[-1].isdecimal() and len(words[-1]) <= 3:
        number = int(words[-1])
        words = words[:-1]
    keyword = _BY_WORD.get(" ".join(words))
    if keyword not in (Keyword.YES, Keyword.NO):
        return None
    return keyword, number


def first_own_line(body: str) -> str:
    """An e-mail answer's first line of own text (quoted lines and the rest are ignored)."""
    for line in body.splitlines():
        if line.strip() and not line.lstrip().startswith(">"):
            return line
    return ""
