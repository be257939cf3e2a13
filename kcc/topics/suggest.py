"""Suggest topics for a resident's free text (SMS, chat, e-mail, web form), with the reason.

Each topic's names, synonyms and typical phrasings are stemmed (Dutch and English) into an
index of terms. A message's words are stemmed the same way and looked up; a word that matches
nothing exactly may still match a term written slightly differently (a typo: rapidfuzz) or sit
inside a Dutch compound ("parkeervergunningaanvraag"). Terms many topics share weigh less.
Nothing is learned or downloaded: the catalogue is the model, and administrators keep it.
"""

from __future__ import annotations

import math
import threading
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select

from kcc.db import db
from kcc.topics.models import Topic
from kcc.topics.text import stems, words

NAME_WEIGHT = 1.5  # a topic's own name says more than one of its synonyms
FUZZY_CUTOFF = 84.0  # rapidfuzz ratio: "paspoord" ~ "paspoort", "verhuisd" !~ "verhuur"
FUZZY_MIN_LENGTH = 5
COMPOUND_MIN_LENGTH = 5  # a term found inside a longer word ("afval" in "afvalkalender")
MAX_MESSAGE_WORDS = 300


@dataclass(frozen=True)
class TopicTerms:
    """What the suggester knows of one topic."""

    id: uuid.UUID
    key: str
    name_nl: str
    name_en: str
    terms: tuple[str, ...]
    names: tuple[str, ...] = ()


@dataclass(frozen=True)
class Suggestion:
    """A topic suggested for a text, with the words that led to it."""

    topic_id: uuid.UUID
    key: str
    name_nl: str
    name_en: str
    score: float
    matched: tuple[str, ...]

    @property
    def reason(self) -> str:
        """Why, in the words of the message: "matched 'verhuisd', 'adres'"."""
        return "matched " + ", ".join(f"'{w}'" for w in self.matched)


@dataclass
class _Hit:
    score: float = 0.0
    matched: dict[str, float] = field(default_factory=dict)


class TopicIndex:
    """Stemmed terms of a catalogue, ready to score messages (build once, use many times)."""

    def __init__(self, topics: list[TopicTerms]) -> None:
        self.topics = {t.key: t for t in topics}
        # stem -> {topic key: weight}; a phrase counts through each of its content words.
        postings: dict[str, dict[str, float]] = defaultdict(dict)
        for topic in topics:
            for text, weight in [(n, NAME_WEIGHT) for n in topic.names] + [
                (t, 1.0) for t in topic.terms
            ]:
                content = words(text)
                if not content:
                    continue
                share = weight / math.sqrt(len(content))
                for word in content:
                    for stem in stems(word):
                        old = postings[stem].get(topic.key, 0.0)
                        postings[stem][topic.key] = max(old, share)
        count = max(len(topics), 1)
        self.postings = {
            stem: {k: w * math.log(1 + count / len(by_topic)) for k, w in by_topic.items()}
            for stem, by_topic in postings.items()
        }
        self.vocabulary = sorted(self.postings)
        self._compound_stems = [s for s in self.vocabulary if len(s) >= COMPOUND_MIN_LENGTH]

    def _lookup(self, word: str) -> list[tuple[str, float]]:
        """The stems ``word`` stands for, each with how sure the match is (1 = exact)."""
        found = [(s, 1.0) for s in stems(word) if s in self.postings]
        if found or len(word) < FUZZY_MIN_LENGTH:
            return found
        # Imported here: web workers that never suggest a topic need not hold it in memory.
        from rapidfuzz import fuzz, process

        best = process.extractOne(
            stems(word)[0], self.vocabulary, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF
        )
        if best is not None:
            return [(best[0], 0.8)]
        if len(word) >= COMPOUND_MIN_LENGTH + 3:
            folded = word.replace("z", "s").replace("v", "f")
            parts = [s for s in self._compound_stems if s in folded and len(s) < len(word)]
            if parts:
                longest = max(parts, key=len)
                return [(longest, 0.7 * len(longest) / len(word) + 0.2)]
        return []

    def suggest(self, text: str, limit: int = 3) -> list[Suggestion]:
        """The ``limit`` best topics for ``text``, best first; none when nothing matched."""
        hits: dict[str, _Hit] = defaultdict(_Hit)
        seen: set[str] = set()
        for word in words(text)[:MAX_MESSAGE_WORDS]:
            if word in seen:
                continue
            seen.add(word)
            for stem, sure in self._lookup(word):
                for key, weight in self.postings[stem].items():
                    gained = weight * sure
                    hit = hits[key]
                    if gained > hit.matched.get(word, 0.0):
                        hit.score += gained - hit.matched.get(word, 0.0)
                        hit.matched[word] = gained
        ranked = sorted(hits.items(), key=lambda kv: (-kv[1].score, kv[0]))[:limit]
        return [self._suggestion(key, hit) for key, hit in ranked]

    def _suggestion(self, key: str, hit: _Hit) -> Suggestion:
        topic = self.topics[key]
        matched = sorted(hit.matched, key=lambda w: -hit.matched[w])[:3]
        return Suggestion(
            topic.id, key, topic.name_nl, topic.name_en, round(hit.score, 3), tuple(matched)
        )


_cache_lock = threading.Lock()
_cache: dict[str, tuple[tuple[object, ...], TopicIndex]] = {}


def _catalogue_version() -> tuple[object, ...]:
    row = db.session().execute(select(func.count(Topic.id), func.max(Topic.updated_at))).one()
    return (str(db.engine.url) if db.engine else "", row[0], row[1])


def catalogue_index() -> TopicIndex:
    """The index of the active catalogue, rebuilt when a topic was added or changed."""
    version = _catalogue_version()
    with _cache_lock:
        cached = _cache.get("index")
        if cached is not None and cached[0] == version:
            return cached[1]
    topics = db.session().scalars(
        select(Topic).where(Topic.deleted_at.is_(None), Topic.is_active.is_(True))
    )
    index = TopicIndex(
        [
            TopicTerms(
                t.uuid,
                t.key,
                t.name_nl,
                t.name_en,
                tuple(t.synonyms or ()) + tuple(t.phrasings or ()),
                (t.name_nl, t.name_en),
            )
            for t in topics
        ]
    )
    with _cache_lock:
        _cache["index"] = (version, index)
    return index


def suggest_topics(text: str, limit: int = 3) -> list[Suggestion]:
    """Topics for a resident's free text, best first, each with its reason."""
    return catalogue_index().suggest(text, limit)
