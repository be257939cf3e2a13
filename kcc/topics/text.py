"""Words of a resident's message as the topic suggester and the knowledge search compare them:
lower case, accents off, stop words out, stemmed for Dutch and English (Snowball)."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

WORD = re.compile(r"[a-z0-9]+")

STOP_WORDS = frozenset(
    [
        "aan",
        "al",
        "alle",
        "als",
        "alsjeblieft",
        "alstublieft",
        "ben",
        "bij",
        "dag",
        "dan",
        "dat",
        "de",
        "deze",
        "die",
        "dit",
        "doe",
        "doen",
        "door",
        "dus",
        "een",
        "eens",
        "en",
        "er",
        "ff",
        "even",
        "geen",
        "goed",
        "graag",
        "had",
        "heb",
        "hebben",
        "heeft",
        "hem",
        "het",
        "hier",
        "hij",
        "hoe",
        "hoi",
        "hallo",
        "ik",
        "in",
        "is",
        "ja",
        "je",
        "jij",
        "jullie",
        "kan",
        "keer",
        "kun",
        "kunnen",
        "maar",
        "me",
        "mee",
        "meer",
        "met",
        "mij",
        "mijn",
        "moet",
        "moeten",
        "mogelijk",
        "mijne",
        "na",
        "naar",
        "niet",
        "nog",
        "nou",
        "nu",
        "of",
        "om",
        "omdat",
        "ons",
        "onze",
        "ook",
        "op",
        "over",
        "per",
        "snel",
        "te",
        "tot",
        "u",
        "uw",
        "van",
        "vandaag",
        "veel",
        "via",
        "voor",
        "vraag",
        "vragen",
        "waar",
        "wanneer",
        "wat",
        "we",
        "weer",
        "wel",
        "welke",
        "wie",
        "wil",
        "willen",
        "word",
        "wordt",
        "zal",
        "ze",
        "zelf",
        "zich",
        "zij",
        "zijn",
        "zo",
        "zou",
        "dank",
        "bedankt",
        "groet",
        "groeten",
        "mvg",
        "gr",
        "beste",
        "geachte",
        "heer",
        "mevrouw",
        "meneer",
        "weet",
        "weten",
        "hebt",
        "had",
        "hoor",
        "toch",
        "eigenlijk",
        "a",
        "about",
        "am",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "been",
        "but",
        "by",
        "can",
        "could",
        "do",
        "does",
        "for",
        "from",
        "get",
        "got",
        "have",
        "hello",
        "hi",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "me",
        "my",
        "need",
        "no",
        "not",
        "of",
        "on",
        "or",
        "our",
        "please",
        "so",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "this",
        "to",
        "up",
        "us",
        "was",
        "we",
        "what",
        "when",
        "where",
        "which",
        "who",
        "will",
        "with",
        "would",
        "you",
        "your",
        "thanks",
        "krijgen",
        "krijg",
        "komt",
        "kom",
        "komen",
        "gaan",
        "gaat",
        "kunt",
        "mag",
        "thank",
        "regards",
        "dear",
        "sir",
        "madam",
        "want",
        "know",
        "help",
    ]
)


@lru_cache(maxsize=1)
def _stemmers() -> tuple[Any, Any]:
    """The Dutch and English Snowball stemmers, loaded at first use: the library brings every
    language it knows, which web workers that never stem need not hold in memory."""
    import snowballstemmer

    return snowballstemmer.stemmer("dutch"), snowballstemmer.stemmer("english")


def fold(text: str) -> str:
    """Lower case without accents ("één" -> "een", "geïnd" -> "geind")."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    """The content words of ``text``, folded, in order (stop words and single letters out)."""
    return [w for w in WORD.findall(fold(text)) if len(w) > 1 and w not in STOP_WORDS]


@lru_cache(maxsize=50_000)
def stems(word: str) -> tuple[str, ...]:
    """The Dutch and English stems of one folded word ("verhuizing" -> ("verhuis",))."""
    dutch_stemmer, english_stemmer = _stemmers()
    dutch = _canonical(dutch_stemmer.stemWord(word))
    english = _canonical(english_stemmer.stemWord(word))
    return (dutch,) if dutch == english else (dutch, english)


def _canonical(stem: str) -> str:
    # Dutch spells one stem with z or s, v or f as it inflects (verhuizen, verhuisd; leven,
    # leefde); folding them makes the forms meet.
    return stem.replace("z", "s").replace("v", "f")


def stemmed(text: str) -> str:
    """``text`` as a space-separated string of Dutch stems (what the SQLite index holds)."""
    dutch = _stemmers()[0]
    return " ".join(_canonical(dutch.stemWord(w)) for w in words(text))
