"""Choose the key sentences of a news article without a language model.

Each sentence gets a salience score from three signals, then a greedy MMR pass
picks sentences that are salient but not redundant with those already picked:

* position -- news is written as an inverted pyramid, so the lead carries the story;
* centrality -- LexRank: the stationary distribution of a random walk on the
  sentence-similarity graph (TF-IDF cosine), i.e. how much a sentence "is about"
  what the rest of the article is about;
* title overlap -- the headline is the writer's own summary of the story.

Everything is plain numpy on a few dozen sentences: about a millisecond per article.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from briefwire.text import plain_quotes

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_LETTERS = re.compile(r"[A-Za-z]")
# Reporting verbs and titles occur in nearly every news sentence and say nothing about its topic.
_NEWS_STOP = frozenset({"said", "says", "say", "told", "added", "mr", "mrs", "ms", "dr", "also", "would"})


@dataclass(frozen=True)
class Weights:
    """How the salience signals are mixed.

    The defaults come from a small grid search on a tuning split of the BBC
    benchmark (articles 001-005 of each topic; see docs/bench-quality.md). The
    grid was flat near its top; among the best settings this one keeps both a
    lead prior and MMR. Centrality carries most of the weight: on news, the lead
    prior mostly acts as a tie-breaker once the title signal is present.
    """

    position: float = 0.1
    centrality: float = 1.0
    title: float = 0.5
    # Position prior exp(-i / position_decay), 1.0 for the lead sentence.
    position_decay: float = 10.0
    # MMR trade-off: 1.0 ignores redundancy, 0.0 ignores salience.
    mmr_lambda: float = 0.7
    # Above this TF-IDF cosine two sentences are treated as saying the same thing.
    duplicate_cosine: float = 0.6
    min_words: int = 6


DEFAULT_WEIGHTS = Weights()


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS) | _NEWS_STOP


@lru_cache(maxsize=20000)
def stem(word: str) -> str:
    """A crude suffix stripper: enough to match "profits"/"profit" and "rising"/"rise" for similarity."""
    if word.endswith("'s"):
        word = word[:-2]
    for suffix, repl in (("ies", "y"), ("sses", "ss"), ("ing", ""), ("ed", ""), ("es", "e"), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            return word[: -len(suffix)] + repl
    return word


def content_terms(text: str) -> list[str]:
    stops = _stop_words()
    return [stem(w) for w in _WORD.findall(plain_quotes(text).lower()) if w not in stops]


def word_count(text: str) -> int:
    return sum(1 for w in text.split() if _LETTERS.search(w))


def is_quote_fragment(sentence: str, inside_quote: bool) -> bool:
    """True for a sentence that is only quoted speech, with no attribution around it.

    A bare quotation ("We are delighted.") or one piece of a quotation spread over
    several sentences reads badly on its own as a key point: who said it is lost.
    """
    s = plain_quotes(sentence)
    # Text outside quotation marks: every other segment when split on '"', shifted
    # by one when the sentence starts inside a quotation opened earlier.
    parts = s.split('"')
    outside = parts[1::2] if inside_quote else parts[0::2]
    outside_words = sum(word_count(p) for p in outside)
    quoted = inside_quote or s.count('"') > 0
    return quoted and outside_words <= 2


def quote_states(sentences: list[str]) -> list[bool]:
    """For each sentence, whether it starts inside a quotation opened by an earlier sentence."""
    states: list[bool] = []
    inside = False
    for s in sentences:
        states.append(inside)
        if plain_quotes(s).count('"') % 2 == 1:
            inside = not inside
    return states


def eligible(sentences: list[str], min_words: int) -> list[bool]:
    return [
        word_count(s) >= min_words and not is_quote_fragment(s, inside)
        for s, inside in zip(sentences, quote_states(sentences), strict=True)
    ]


def tfidf_matrix(docs: list[list[str]]) -> tuple[np.ndarray, dict[str, int], np.ndarray]:
    """L2-normalised TF-IDF rows, with IDF computed over the article's own sentences."""
    vocab: dict[str, int] = {}
    for terms in docs:
        for t in terms:
            vocab.setdefault(t, len(vocab))
    n = len(docs)
    tf = np.zeros((n, max(len(vocab), 1)))
    for i, terms in enumerate(docs):
        for t, c in Counter(terms).items():
            tf[i, vocab[t]] = 1.0 + math.log(c)
    df = (tf > 0).sum(axis=0)
    idf = np.log((1.0 + n) / (1.0 + df)) + 1.0
    m = tf * idf
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    return m / np.where(norms == 0, 1.0, norms), vocab, idf


def lexrank(sim: np.ndarray, damping: float = 0.85, iterations: int = 100) -> np.ndarray:
    """Continuous LexRank (Erkan & Radev 2004) by power iteration; scaled so the maximum is 1."""
    n = sim.shape[0]
    if n == 1:
        return np.ones(1)
    graph = sim.copy()
    np.fill_diagonal(graph, 0.0)
    rows = graph.sum(axis=1, keepdims=True)
    # A sentence sharing no term with any other links uniformly, so the walk stays stochastic.
    graph = np.where(rows > 0, graph / np.where(rows == 0, 1.0, rows), 1.0 / n)
    p = np.full(n, 1.0 / n)
    for _ in range(iterations):
        nxt = (1.0 - damping) / n + damping * (graph.T @ p)
        if np.abs(nxt - p).sum() < 1e-8:
            p = nxt
            break
        p = nxt
    return p / p.max()


@dataclass
class Ranking:
    """Sentence scores for one article, plus the similarity matrix MMR needs."""

    scores: np.ndarray
    similarity: np.ndarray
    eligible: list[bool]

    def order(self) -> list[int]:
        """All sentence indexes, most salient first (eligible ones before the rest)."""
        return sorted(range(len(self.scores)), key=lambda i: (not self.eligible[i], -self.scores[i], i))


def score_sentences(sentences: list[str], title: str | None = None, weights: Weights = DEFAULT_WEIGHTS) -> Ranking:
    terms = [content_terms(s) for s in sentences]
    matrix, vocab, idf = tfidf_matrix(terms)
    sim = matrix @ matrix.T
    n = len(sentences)
    position = np.exp(-np.arange(n) / weights.position_decay)
    score = weights.position * position + weights.centrality * lexrank(sim)
    if title:
        # The title is vectorised in the article's own term space; unseen words carry no weight.
        tvec = np.zeros(matrix.shape[1])
        for t in set(content_terms(title)):
            if t in vocab:
                tvec[vocab[t]] = idf[vocab[t]]
        tnorm = np.linalg.norm(tvec)
        if tnorm > 0:
            score = score + weights.title * (matrix @ (tvec / tnorm))
    return Ranking(scores=score, similarity=sim, eligible=eligible(sentences, weights.min_words))


def select_sentences(
    sentences: list[str], n: int, *, title: str | None = None, weights: Weights = DEFAULT_WEIGHTS
) -> list[int]:
    """Indexes of the ``n`` best sentences for a summary, in source order.

    Ineligible sentences (too short, bare quotations) are used only when there are
    not enough others; near-duplicates of a chosen sentence never are.
    """
    if n <= 0 or not sentences:
        return []
    return select_ranked(score_sentences(sentences, title, weights), n, weights)


def select_ranked(ranking: Ranking, n: int, weights: Weights = DEFAULT_WEIGHTS) -> list[int]:
    scores, sim = ranking.scores, ranking.similarity
    top = scores.max() or 1.0
    chosen: list[int] = []
    for pool in ([i for i, ok in enumerate(ranking.eligible) if ok], range(len(scores))):
        candidates = [i for i in pool if i not in chosen]
        while candidates and len(chosen) < n:
            best, best_value = -1, -math.inf
            for i in candidates:
                overlap = max((sim[i, j] for j in chosen), default=0.0)
                if overlap >= weights.duplicate_cosine:
                    continue
                value = weights.mmr_lambda * scores[i] / top - (1.0 - weights.mmr_lambda) * overlap
                if value > best_value:
                    best, best_value = i, value
            if best < 0:
                break
            chosen.append(best)
            candidates.remove(best)
    return sorted(chosen)
