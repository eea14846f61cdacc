"""Cheap text features for the archive: named-entity spans, salient terms, safe FTS5 queries.

Everything here must stay fast enough to run on every article of a bulk import
(thousands of articles in seconds), so it is regular expressions and counting,
not a statistical model.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

from briefwire.lexicon import HONORIFICS, MONTHS, NAME_CONNECTORS, WEEKDAYS, news_stop_words, trim

# A capitalised word: "Shell", "McDonald's", "BBC", "Jeroen"; digits allowed after the first letter.
_CAP = r"(?:[A-Z][a-zA-Z0-9'’&.-]*[a-zA-Z0-9])"
# Lower-case joiners that stay inside a name: "Bank of England", "Jeroen van der Veer"; the
# archive also keeps whole organisation names ("Department for Transport", "Bank of the West").
# Not "&", "bin", "al" or "du": the archive stores the entities found here and matches them
# against a new article's, so a span drawn wider would miss the ones archived before.
_JOINERS = (NAME_CONNECTORS - {"&", "bin", "al", "du"}) | {"and", "for", "the"}
_JOIN = "(?:" + "|".join(sorted(_JOINERS)) + ")"
_ENTITY = re.compile(rf"\b{_CAP}(?:\s+(?:{_JOIN}\s+)*{_CAP})*")
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]+")
_POSSESSIVE = re.compile(r"['’]s$")
_TRAILING_JOIN = re.compile(rf"(?:\s+{_JOIN})+$")

# Capitalised words that are almost never names on their own (sentence starts, titles, months).
_NOT_NAMES = HONORIFICS | {"st", "mp", "mps"} | set(WEEKDAYS) | set(MONTHS)


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    # Also words too common in news to tell archived articles apart; they still carry meaning in
    # a sentence, so the extractive engine keeps them.
    return news_stop_words() | {"year", "years", "new", "people"}


def _clean_entity(span: str) -> str | None:
    span = _TRAILING_JOIN.sub("", _POSSESSIVE.sub("", span.strip(" .-'’&")))
    words = span.split()
    # Strip leading function words that were capitalised only because they start a sentence.
    stops = stop_words()
    words = words[trim(words, lambda w: w.lower() in stops or w.lower() in _NOT_NAMES)[0] :]
    if not words:
        return None
    name = " ".join(words)
    if len(name) < 2 or (len(words) == 1 and name.lower() in stop_words()):
        return None
    return name


def _starts_sentence(text: str, start: int) -> bool:
    """Whether ``text[start:]`` follows a sentence end, a quotation mark or a colon (or nothing).

    Looks back only over the whitespace before ``start``: copying the whole prefix for every
    name made a long text quadratic.
    """
    i = start - 1
    while i >= 0 and text[i].isspace():
        i -= 1
    return i < 0 or text[i] in ".!?\"“”'’:\n"


def extract_entities(text: str, *, title: str | None = None, limit: int = 20) -> list[str]:
    """The most frequent capitalised name spans, lower-cased, most frequent first.

    Sentence-initial single words are counted only if the same word is also seen
    capitalised mid-sentence, which filters "Analysts", "Shares" and the like.
    """
    counts: Counter[str] = Counter()
    sentence_initial: Counter[str] = Counter()
    for source in (title or "", text):
        for match in _ENTITY.finditer(source):
            name = _clean_entity(match.group(0))
            if name is None:
                continue
            key = name.lower()
            at_start = _starts_sentence(source, match.start())
            if at_start and " " not in key:
                sentence_initial[key] += 1
            else:
                counts[key] += 1
    for key, n in sentence_initial.items():
        if key in counts:
            counts[key] += n
    return [name for name, _ in counts.most_common(limit)]


def keywords(text: str, *, limit: int = 12) -> list[str]:
    """Most frequent content words (lower-case, stop words dropped)."""
    stops = stop_words()
    counts = Counter(w for w in (m.lower() for m in _WORD.findall(text)) if w not in stops and len(w) > 2)
    return [w for w, _ in counts.most_common(limit)]


def tokens(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text)}


def fts_phrase(term: str) -> str | None:
    """``term`` as an FTS5 phrase: only word characters survive, so no query syntax can leak in."""
    words = _WORD.findall(term)
    return '"' + " ".join(words) + '"' if words else None


def fts_query(terms: Iterable[str], *, operator: str = "OR") -> str | None:
    """An FTS5 MATCH expression joining the quoted phrases with ``operator`` ("OR" or "AND")."""
    seen: dict[str, None] = {}
    for term in terms:
        phrase = fts_phrase(term)
        if phrase and phrase.lower() not in seen:
            seen[phrase.lower()] = None
    return f" {operator} ".join(seen) or None


def salient_terms(title: str | None, text: str, entities: list[str]) -> list[str]:
    """What an article is about: title words, its top entities and top keywords."""
    stops = stop_words()
    title_words = [w for w in (m.lower() for m in _WORD.findall(title or "")) if w not in stops]
    return list(dict.fromkeys([*title_words, *entities[:8], *keywords(text, limit=10)]))


def best_sentences(sentences: list[str], terms: set[str], *, count: int = 2, max_words: int = 60) -> str:
    """The ``count`` sentences sharing most words with ``terms``, in reading order, ≤ ``max_words``."""
    scored = [(len(tokens(s) & terms), -i, i) for i, s in enumerate(sentences)]
    chosen = sorted(i for _, _, i in sorted(scored, reverse=True)[:count])
    words = " ".join(sentences[i] for i in chosen).split()
    if len(words) > max_words:
        return " ".join(words[:max_words]).rstrip(",;:") + "…"
    return " ".join(words)
