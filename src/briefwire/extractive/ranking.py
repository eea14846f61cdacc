"""Choose the key sentences of a news article without a language model.

Each sentence gets a salience score from three signals, then a greedy MMR pass
picks sentences that are salient but not redundant with those already picked:

* position -- news is written as an inverted pyramid, so the lead carries the story;
* centrality -- LexRank: the stationary distribution of a random walk on the
  sentence-similarity graph (TF-IDF cosine), i.e. how much a sentence "is about"
  what the rest of the article is about;
* title overlap -- the headline is the writer's own summary of the story.

Everything is plain numpy on a few dozen sentences: well under a millisecond an article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")
# Double quotation marks, straight or typographic (str.translate per sentence costs more).
_DQUOTE = re.compile(r'["“”«»]')
_LETTER_WORD = re.compile(r"(?<![\w'’])[A-Za-z]")
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
    if word.endswith(("'s", "’s")):
        word = word[:-2]
    for suffix, repl in (("ies", "y"), ("sses", "ss"), ("ing", ""), ("ed", ""), ("es", "e"), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            return word[: -len(suffix)] + repl
    return word


def words(text: str) -> list[str]:
    """Lower-cased word tokens: letters and digits, with an apostrophe suffix ("warner's")."""
    return _WORD.findall(text.lower())


def content_terms(text: str) -> list[str]:
    """Stemmed content words of ``text``, stop words left out."""
    stops = _stop_words()
    return [stem(w) for w in words(text) if w not in stops]


def word_count(text: str) -> int:
    # Whitespace tokens: numbers and symbols count too, which is fine for "too short" tests.
    return len(text.split())


def is_quote_fragment(sentence: str, inside_quote: bool) -> bool:
    """True for a sentence that is only quoted speech, with no attribution around it.

    A bare quotation ("We are delighted.") or one piece of a quotation spread over
    several sentences reads badly on its own as a key point: who said it is lost.
    """
    parts = _DQUOTE.split(sentence)
    if not inside_quote and len(parts) == 1:
        return False
    # Text outside quotation marks: every other segment when split on the marks, shifted
    # by one when the sentence starts inside a quotation opened earlier.
    outside = parts[1::2] if inside_quote else parts[0::2]
    return sum(len(_LETTER_WORD.findall(p)) for p in outside) <= 2


def eligible(sentences: list[str], min_words: int) -> list[bool]:
    """Whether each sentence may be a key point: long enough and not a bare quotation."""
    out: list[bool] = []
    inside = False  # whether the sentence starts inside a quotation opened earlier
    for s in sentences:
        marks = len(_DQUOTE.findall(s))
        quoted = inside or marks > 0
        out.append(word_count(s) >= min_words and not (quoted and is_quote_fragment(s, inside)))
        if marks % 2:
            inside = not inside
    return out


def tfidf_matrix(docs: list[list[str]]) -> tuple[np.ndarray, dict[str, int], np.ndarray]:
    """L2-normalised TF-IDF rows, with IDF computed over the article's own sentences."""
    vocab: dict[str, int] = {}
    rows: list[int] = []
    cols: list[int] = []
    counts: list[int] = []
    for i, terms in enumerate(docs):
        seen: dict[int, int] = {}
        for t in terms:
            j = vocab.setdefault(t, len(vocab))
            seen[j] = seen.get(j, 0) + 1
        rows.extend([i] * len(seen))
        cols.extend(seen)
        counts.extend(seen.values())
    n = len(docs)
    tf = np.zeros((n, max(len(vocab), 1)))
    tf[rows, cols] = 1.0 + np.log(np.asarray(counts, dtype=float))
    df = np.bincount(cols, minlength=tf.shape[1])
    idf = np.log((1.0 + n) / (1.0 + df)) + 1.0
    m = tf * idf
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    return m / np.where(norms == 0, 1.0, norms), vocab, idf


def cosine_similarity(matrix: np.ndarray) -> np.ndarray:
    """Pairwise cosine of L2-normalised rows.

    Off the diagonal only terms shared by two sentences or more contribute, so the product
    runs on those columns alone: small enough that OpenBLAS stays single-threaded, whose
    thread wake-ups cost a loaded machine far more than the arithmetic.
    """
    shared = np.ascontiguousarray(matrix[:, np.count_nonzero(matrix, axis=0) > 1])
    sim = shared @ shared.T
    np.fill_diagonal(sim, 1.0)
    return sim


def lexrank(sim: np.ndarray, damping: float = 0.85) -> np.ndarray:
    """Continuous LexRank (Erkan & Radev 2004), scaled so that the maximum is 1.

    The stationary distribution p = (1 - d)/n + d G^T p is solved directly: for a few
    dozen sentences one linear solve is cheaper than power iteration.
    """
    n = sim.shape[0]
    if n == 1:
        return np.ones(1)
    graph = sim.copy()
    np.fill_diagonal(graph, 0.0)
    rows = graph.sum(axis=1, keepdims=True)
    # A sentence sharing no term with any other links uniformly, so the walk stays stochastic.
    graph = np.where(rows > 0, graph / np.where(rows == 0, 1.0, rows), 1.0 / n)
    p = np.linalg.solve(np.eye(n) - damping * graph.T, np.full(n, (1.0 - damping) / n))
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


def score_sentences(
    sentences: list[str], title: str | None = None, weights: Weights = DEFAULT_WEIGHTS
) -> Ranking:
    terms = [content_terms(s) for s in sentences]
    matrix, vocab, idf = tfidf_matrix(terms)
    sim = cosine_similarity(matrix)
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
    """Greedy MMR: each pick maximises salience minus similarity to the sentences already picked."""
    scores, sim = ranking.scores, ranking.similarity
    value = weights.mmr_lambda * scores / (scores.max() or 1.0)
    penalty = 1.0 - weights.mmr_lambda
    overlap = np.zeros(len(scores))  # each sentence's highest similarity to a chosen one
    free = np.ones(len(scores), dtype=bool)
    chosen: list[int] = []
    # Eligible sentences first; the rest only when an article has too few of them.
    for pool in (np.asarray(ranking.eligible, dtype=bool), free):
        while len(chosen) < n:
            candidates = free & pool & (overlap < weights.duplicate_cosine)
            if not candidates.any():
                break
            best = int(np.argmax(np.where(candidates, value - penalty * overlap, -np.inf)))
            chosen.append(best)
            free[best] = False
            overlap = np.maximum(overlap, sim[best])
    return sorted(chosen)
