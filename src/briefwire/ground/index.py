"""Text analysis shared by source and claims, and ``SourceIndex``: an article analysed once.

A text becomes ``TextFacts``: normalised words (aliases merged, "U.S." -> "§united_states"),
lexical keys, name spans, quantities and negation cues. Only the spaCy tokenizer runs on every
text; the parser runs lazily on the few evidence sentences the role check needs.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from spacy.tokens import Doc

from briefwire.ground import lexicon as lx
from briefwire.ground.normalize import (
    Quantity,
    is_english_word,
    load_nlp,
    normalize_token,
    parse_quantities,
    word_key,
)
from briefwire.lexicon import HONORIFICS, MONTHS, NAME_CONNECTORS, WEEKDAYS, stop_words, trim
from briefwire.model import Article, BackgroundItem
from briefwire.text import article_sentences, plain_quotes, split_sentences

# Tokens after which a capital letter says nothing about a name.
_OPENERS = {'"', "'", ":", ";", "(", "-", "--", "–", "—", "*", "•", "…"}
# The tokenizer splits the plural possessive of "Dockworkers' Union" off as a unit of its own.
_CONNECTORS = NAME_CONNECTORS | {"'"}
_NOT_NAMES = {"i", "i'm", "i've", "i'd", "i'll", "ok", "tv"}
_MAX_GRAM = 5


@dataclass
class Name:
    start: int  # unit positions in TextFacts.words
    end: int
    surface: str

    def words(self, facts: TextFacts) -> list[str]:
        return facts.words[self.start : self.end]


@dataclass
class TextFacts:
    text: str
    words: list[str]  # normalised units: lower case, no dots, aliases merged into one unit
    surface: list[str]  # the original text of each unit
    keys: list[str | None]  # lexical key per unit; None for stop words, punctuation and numbers
    unit_of_token: list[int]  # spaCy token index -> unit index
    names: list[Name] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)
    negations: list[tuple[int, str | None]] = field(default_factory=list)  # (unit, key it negates)

    @property
    def keyset(self) -> set[str]:
        return {k for k in self.keys if k}

    def grams(self) -> set[str]:
        """Every run of up to five units, joined without spaces ("time warner" -> "timewarner")."""
        out = set()
        n = len(self.words)
        for i in range(n):
            joined = ""
            for j in range(i, min(n, i + _MAX_GRAM)):
                joined += self.words[j]
                out.add(joined)
        return out


def _merge_aliases(tokens: list[str]) -> list[tuple[str, str, int, int]]:
    """(normalised word, surface, first token, end token): multi-word aliases become one unit."""
    norm = [normalize_token(t) for t in tokens]
    out = []
    i = 0
    while i < len(tokens):
        for n in range(min(lx.MAX_ALIAS_WORDS, len(tokens) - i), 0, -1):
            phrase = " ".join(norm[i : i + n])
            canon = lx.ALIASES.get(phrase)
            if canon is None or (phrase in lx.CASE_SENSITIVE and not tokens[i].replace(".", "").isupper()):
                continue
            out.append((canon, " ".join(tokens[i : i + n]), i, i + n))
            i += n
            break
        else:
            out.append((norm[i], tokens[i], i, i + 1))
            i += 1
    return out


# spaCy's stop list minus words that carry the claim: verbs like "made", "gave", "put" (the role
# check anchors on them) and order words like "before", "after", "first", "last", "more", "less".
STOP = stop_words() - {
    "amount", "back", "bottom", "call", "empty", "front", "full", "give", "keep", "made", "make", "move",
    "name", "part", "put", "see", "serious", "show", "side", "take", "top", "used", "using", "become",
    "became", "becomes", "becoming", "behind", "against", "before", "after", "first", "last", "next",
    "former", "latter", "more", "less", "most", "least", "few", "many", "whole", "alone", "together",
}  # fmt: skip
# Weekdays and months are compared as dates, numbers as quantities; neither counts as a word.
_NOT_WORDS = set(WEEKDAYS) | set(MONTHS) | set(lx.UNITS) | set(lx.TENS) | set(lx.SCALES) | set(lx.ORDINALS)


def _lexical_key(word: str, surface: str) -> str | None:
    if word.startswith("§"):
        return word
    if word in STOP or word in _NOT_WORDS or not any(c.isalpha() for c in word) or word in {"'s", "s", "'"}:
        return None
    if word[0].isdigit():  # "1.2bn", "10m", "5ft": figures, compared as quantities
        return None
    return word_key(surface if surface.isalpha() else word)


def analyse(text: str, doc: Doc, gazetteer: set[str] | None = None) -> TextFacts:
    """Facts of one sentence. ``gazetteer``: lower-case words the source writes with a capital in
    mid-sentence, which tell a name from a capitalised common word at the start of a sentence."""
    tokens = [t.text for t in doc]
    units = _merge_aliases(tokens)
    unit_of_token = [0] * len(tokens)
    for u, (_, _, a, b) in enumerate(units):
        for t in range(a, b):
            unit_of_token[t] = u
    words = [u[0] for u in units]
    surface = [u[1] for u in units]
    keys = [_lexical_key(w, s) for w, s in zip(words, surface, strict=True)]
    facts = TextFacts(text, words, surface, keys, unit_of_token)
    facts.names = _find_names(facts, gazetteer or set())
    facts.quantities = parse_quantities(text)
    facts.negations = _find_negations(facts)
    return facts


# Words Title Case leaves in lower case ("Strike Ends in a Deal"); any other lower-case word
# ("was", "mentioned") marks ordinary sentence case, however many names the sentence holds.
_SMALL_WORDS = {
    "a", "an", "the", "and", "or", "but", "nor", "of", "in", "on", "at", "to", "for", "by", "as",
    "with", "than", "from", "into", "over", "up", "per", "via", "vs", "off", "out", "amid",
}  # fmt: skip


def _title_case(surface: list[str]) -> bool:
    words = [s for s in surface[1:] if s[:1].isalpha() and s.lower() not in _SMALL_WORDS]
    return len(words) >= 3 and sum(s[:1].isupper() for s in words) >= 0.8 * len(words)


def _find_names(facts: TextFacts, gazetteer: set[str]) -> list[Name]:
    words, surface = facts.words, facts.surface
    uninformative = _title_case(surface)  # headlines capitalise every word
    dates = {w.title() for w in WEEKDAYS + MONTHS}

    def name_like(i: int, inside: bool = False) -> bool:
        s, w = surface[i], words[i]
        if w.startswith("§"):
            return True
        if not s[:1].isupper() or w in _NOT_NAMES or s in dates or not any(c.isalpha() for c in s):
            return False
        # Inside a name ("Dockworkers' Union") a capital is as telling as anywhere mid-sentence.
        initial = not inside and (
            uninformative or i == 0 or surface[i - 1] in _OPENERS or surface[i - 1] in {".", "?", "!"}
        )
        if not initial:
            return True
        return w not in STOP and (w in gazetteer or not is_english_word(s))

    names = []
    i = 0
    while i < len(words):
        if not name_like(i):
            i += 1
            continue
        j = i + 1
        while j < len(words):
            # An alias ("US", "British") stays a name of its own: "US Steel" is not "§united_states".
            inside = words[j - 1] in _CONNECTORS or not uninformative
            plain = name_like(j, inside) and not words[j].startswith("§") and not words[j - 1].startswith("§")
            connector = words[j] in _CONNECTORS and j + 1 < len(words) and surface[j + 1][:1].isupper()
            if not (plain or connector):
                break
            j += 1
        # "Mr Smith" -> "Smith", "Dockworkers '" -> "Dockworkers".
        start, end = trim(words[i:j], HONORIFICS.__contains__, _CONNECTORS.__contains__)
        if start < end:
            names.append(Name(i + start, i + end, " ".join(surface[i + start : i + end])))
        i = j
    return names


def _find_negations(facts: TextFacts) -> list[tuple[int, str | None]]:
    words, keys = facts.words, facts.keys
    out = []
    for i, w in enumerate(words):
        cue = w in lx.NEGATIONS or (
            w in lx.NEGATING_VERBS and (w.startswith("den") or _next(words, i) == "to")
        )
        if not cue:
            continue
        focus = None
        for j in range(i + 1, min(len(words), i + 7)):
            if keys[j] and words[j] not in lx.NEGATION_SKIP:
                focus = keys[j]
                break
        out.append((i, focus))
    return out


def _next(words: list[str], i: int) -> str | None:
    return words[i + 1] if i + 1 < len(words) else None


def _acronyms(texts: list[TextFacts]) -> dict[str, list[str]]:
    """Initials of the source's capitalised runs -> the run's words: a summary may shorten
    "General Dockworkers' Union" to "GDU" without naming anything new."""
    out: dict[str, list[str]] = {}
    glue = _CONNECTORS | {"and", "for"}
    for facts in texts:
        run: list[int] = []
        for i in range(len(facts.words) + 1):
            surface = facts.surface[i] if i < len(facts.words) else ""
            if surface[:1].isupper() and surface.isalpha() and not (not run and facts.words[i] in STOP):
                run.append(i)
                continue
            if run and i < len(facts.words) and facts.words[i] in glue:
                run.append(i)
                continue
            while run and facts.words[run[-1]] in glue:
                run.pop()
            capitals = [j for j in run if facts.surface[j][:1].isupper()]
            if len(capitals) >= 2 and len(run) <= _MAX_GRAM:
                initials = "".join(facts.surface[j][0] for j in capitals).lower()
                out.setdefault(initials, facts.words[run[0] : run[-1] + 1])
            run = []
    return out


@dataclass
class EvidenceSentence:
    source: str  # "article" or "archive:<id>"
    sentence_id: int
    text: str
    facts: TextFacts


class SourceIndex:
    """An article (plus archive excerpts) analysed once, so that many claims check fast.

    Holds the sentences (ids index ``split_sentences(article.text)``), their spaCy docs, names,
    quantities, a lexical inverted index with IDF weights, and a lazily parsed doc per sentence.
    """

    def __init__(self, article: Article | str, background: Sequence[BackgroundItem] = ()) -> None:
        article = Article(text=article) if isinstance(article, str) else article
        self.article = article
        self.background = list(background)
        nlp = load_nlp()
        # Ids are positions in article_sentences(), as compose cites them; quotes straightened per sentence.
        items: list[tuple[str, int, str]] = [
            ("article", i, s) for i, s in enumerate(article_sentences(article.text))
        ]
        for item in self.background:
            items += [
                (f"archive:{item.archive_id}", i, s) for i, s in enumerate(split_sentences(item.excerpt))
            ]
        self.docs: list[Doc] = list(nlp.tokenizer.pipe(plain_quotes(s) for _, _, s in items))
        self.gazetteer = self._capitalised_words(self.docs)
        self.sentences = [
            EvidenceSentence(src, sid, text, analyse(plain_quotes(text), doc, self.gazetteer))
            for (src, sid, text), doc in zip(items, self.docs, strict=True)
        ]
        title = plain_quotes(article.title or "")
        title_facts = analyse(title, nlp.tokenizer(title), self.gazetteer) if title else None
        self.title_keys = title_facts.keyset if title_facts else set()
        self.grams = [s.facts.grams() for s in self.sentences]
        self.all_grams: set[str] = set().union(*self.grams, title_facts.grams() if title_facts else set())
        self.acronyms = _acronyms([s.facts for s in self.sentences])
        # What the source names and counts, for callers that want the sets themselves.
        self.entities = {" ".join(n.words(s.facts)) for s in self.sentences for n in s.facts.names}
        self.quantities = [q for s in self.sentences for q in s.facts.quantities]
        if title_facts:
            self.quantities += title_facts.quantities
        self._build_lexical_index()
        self._parsed: dict[int, Doc] = {}

    @staticmethod
    def _capitalised_words(docs: list[Doc]) -> set[str]:
        out = set()
        openers = _OPENERS | {".", "?", "!"}
        for doc in docs:
            surface = [t.text for t in doc]
            if _title_case(surface):
                continue
            for prev, word in itertools.pairwise(surface):
                if word[:1].isupper() and prev not in openers:
                    out.add(normalize_token(word))
        return out

    def _build_lexical_index(self) -> None:
        n = len(self.sentences)
        self.postings: dict[str, list[int]] = defaultdict(list)
        for j, sent in enumerate(self.sentences):
            for key in sent.facts.keyset:
                self.postings[key].append(j)
        self.unseen_weight = math.log(1 + 2 * max(n, 1))
        self.idf = {k: math.log(1 + n / len(js)) for k, js in self.postings.items()}
        self.sentence_weight = np.array(
            [sum(self.idf[k] for k in s.facts.keyset) or 1.0 for s in self.sentences], dtype=float
        )

    def weight(self, key: str) -> float:
        return self.idf.get(key, self.unseen_weight)

    def analyse_claim(self, text: str) -> TextFacts:
        text = plain_quotes(text)
        return analyse(text, load_nlp().tokenizer(text), self.gazetteer)

    def parsed(self, j: int) -> Doc:
        """Sentence ``j`` tagged and parsed (cached): only the role check needs syntax."""
        if j not in self._parsed:
            nlp = load_nlp()
            doc = self.docs[j]
            # Tags and dependencies are all the role check reads; lemmas come from word_key.
            for name in ("tok2vec", "tagger", "parser"):
                doc = nlp.get_pipe(name)(doc)
            self._parsed[j] = doc
        return self._parsed[j]

    def __len__(self) -> int:
        return len(self.sentences)
