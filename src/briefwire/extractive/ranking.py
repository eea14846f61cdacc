"""Choose the key sentences of a news article without a language model.

Salience is TextRank centrality (Mihalcea & Tarau 2004): the stationary distribution
of a damped random walk on a graph whose edge weight between two sentences is the
number of content-word tokens they share, divided by the sum of the logarithms of
their lengths. Unlike sumy's implementation the graph has no self-loops: a sentence
shares every word with itself, so with self-loops each sentence's strongest edge is
to itself, the walk mostly stays put, and the stationary distribution says more
about self-overlap than about links from the rest of the article.

Picks are the most central sentences that are eligible (long enough, not a bare
quotation) and not near-duplicates of one already picked.

Position, title overlap, a length prior and an MMR redundancy penalty were all tried
on the benchmark's tuning split (docs/bench-quality.md); none generalised across its
topics in cross-validation, so the model is centrality alone.

Tokens, stems and term ids come from one regex call and cached dictionary lookups;
the graph is a few dozen numpy calls on an n x n matrix for n sentences. A fraction
of a millisecond for a typical article. A very long text (past Weights.max_graph_sentences)
is ranked on the sentences most linked to the rest, found from the tokens without the graph,
so that its cost stays linear in its length.
"""

from __future__ import annotations

import math
import re
import threading
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from briefwire.lexicon import news_stop_words

# Lower-cased words (letters and digits, with an apostrophe suffix: "warner's"), plus a sentence
# break marker, so that one regex call tokenises a whole article.
_WORD_OR_BREAK = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?|\n")
_BREAK, _STOP = -2, -1
# Double quotation marks, straight or typographic.
_DQUOTE = re.compile(r'["“”«»]')
_QUOTE_CHARS = frozenset('"“”«»')
_QUOTE_OR_BREAK = re.compile(r'["“”«»\n]')
_LETTER_WORD = re.compile(r"(?<![\w'’])[A-Za-z]")
# Word -> term id (or _STOP), shared by all articles so that each word is stemmed once per process.
# Cleared when it grows past this, so that a long-running server's memory stays bounded.
_TERM_IDS: dict[str, int] = {"\n": _BREAK}
_STEM_IDS: dict[str, int] = {}
_MAX_CACHED_WORDS = 200_000
_TERM_LOCK = threading.Lock()


@dataclass(frozen=True)
class Weights:
    """Settings of the selection; the defaults are the ones docs/bench-quality.md measures."""

    # Random-walk damping: the standard PageRank/TextRank value, not tuned.
    damping: float = 0.85
    # Above this cosine (content-word counts) two sentences are treated as saying the same thing.
    duplicate_cosine: float = 0.6
    min_words: int = 6
    # The graph has n^2 edges: past this many sentences (a long read has ~300; 100 KB of text
    # ~800) only the sentences most linked to the rest (linked_sentences) enter it, so that
    # time and memory grow linearly with the text. Articles up to it are ranked as before.
    max_graph_sentences: int = 400


DEFAULT_WEIGHTS = Weights()


_SUFFIXES = (("ies", "y"), ("sses", "ss"), ("ing", ""), ("ed", ""), ("es", "e"), ("s", ""))


def _stem(word: str) -> str:
    if word.endswith(("'s", "’s")):
        word = word[:-2]
    # Every suffix below ends in s, g or d, and none is stripped after "ss": most words stop here.
    if len(word) < 4 or word[-1] not in "sgd" or word.endswith("ss"):
        return word
    for suffix, repl in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)] + repl
    return word


@lru_cache(maxsize=20000)
def stem(word: str) -> str:
    """A crude suffix stripper: enough to match "profits"/"profit" and "rising"/"rise" for similarity."""
    return _stem(word)


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


def _is_eligible(sentence: str, inside_quote: bool, min_words: int) -> bool:
    if word_count(sentence) < min_words:
        return False
    # Most sentences hold no quotation mark: a set test skips the regex work for them.
    quoted = inside_quote or not _QUOTE_CHARS.isdisjoint(sentence)
    return not (quoted and is_quote_fragment(sentence, inside_quote))


def inside_quotes(sentences: list[str]) -> list[bool]:
    """Whether each sentence starts inside a quotation opened in an earlier one (odd count of marks)."""
    inside = [False] * len(sentences)
    state, i = False, 0
    # One regex pass over the article: quotation marks and the sentence breaks between them.
    for mark in _QUOTE_OR_BREAK.findall("\n".join(sentences)):
        if mark == "\n":
            i += 1
            if i < len(inside):
                inside[i] = state
        else:
            state = not state
    return inside


def eligible(sentences: list[str], min_words: int) -> list[bool]:
    """Whether each sentence may be a key point: long enough and not a bare quotation."""
    return [_is_eligible(s, q, min_words) for s, q in zip(sentences, inside_quotes(sentences), strict=True)]


def _add_terms(words: set[str]) -> None:
    """Give each new word its term id: that of its stem, or _STOP for a stop word."""
    stops = news_stop_words()
    for word in words:
        _TERM_IDS[word] = _STOP if word in stops else _STEM_IDS.setdefault(_stem(word), len(_STEM_IDS))


def _term_ids(sentences: list[str]) -> list[int]:
    """The term id of each token of ``sentences`` (_STOP for a stop word), _BREAK between sentences.

    One regex call tokenises the whole article, sentence breaks included.
    """
    text = "\n".join(sentences)
    if text.count("\n") != len(sentences) - 1:  # callers other than split_sentences may leave some
        text = "\n".join(s.replace("\n", " ") for s in sentences)
    tokens = _WORD_OR_BREAK.findall(text.lower())
    # The cache is shared by threads (the web service briefs in several): one article's ids
    # must all come from the same cache, so a clear never falls between its lookups.
    with _TERM_LOCK:
        if len(_TERM_IDS) > _MAX_CACHED_WORDS:
            _TERM_IDS.clear()
            _TERM_IDS["\n"] = _BREAK
            _STEM_IDS.clear()
        ids = list(map(_TERM_IDS.get, tokens))
        if None in ids:  # words seen for the first time: set operations find them, no Python loop
            _add_terms(set(tokens).difference(_TERM_IDS))
            ids = list(map(_TERM_IDS.__getitem__, tokens))
    return ids


def term_counts(sentences: list[str]) -> np.ndarray:
    """Term x sentence matrix of content-word counts (stemmed, stop words left out).

    One plain Python pass turns the tokens into flat matrix indexes (a term's row is its
    rank of first appearance). At this size each numpy call costs more than its arithmetic
    (np.unique alone costs as much as this whole function), so numpy only counts.
    """
    n = len(sentences)
    rows: dict[int, int] = {}
    flat: list[int] = []
    sentence = 0
    for term in _term_ids(sentences):
        if term >= 0:
            flat.append(rows.setdefault(term, len(rows)) * n + sentence)
        elif term == _BREAK:
            sentence += 1
    v = max(len(rows), 1)
    return np.bincount(flat, minlength=v * n).reshape(v, n).astype(float)


def linked_sentences(sentences: list[str], limit: int) -> list[int]:
    """Indexes of the ``limit`` sentences most linked to the rest of the text, in source order.

    A sentence's link is its TextRank degree: the content-word tokens it shares with all
    other sentences, sum_j |S_i ∩ S_j| = sum_t c_it (total_t - c_it), over its log-length
    plus the mean log-length (TextRank's denominator, with the other sentence's length
    averaged). That takes a few numpy passes over the tokens rather than the n x n graph.
    """
    ids = np.asarray(_term_ids(sentences), dtype=np.int64)
    n = len(sentences)
    sentence_of = np.cumsum(ids == _BREAK)
    content = ids >= 0
    terms, owners = ids[content], sentence_of[content]
    if not len(terms):
        return list(range(min(limit, n)))
    totals = np.bincount(terms)
    pairs, repeats = np.unique(terms * n + owners, return_counts=True)
    self_overlap = np.bincount(pairs % n, weights=repeats.astype(float) ** 2, minlength=n)
    degree = np.bincount(owners, weights=totals[terms].astype(float), minlength=n) - self_overlap
    logs = np.log(np.maximum(np.bincount(owners, minlength=n), 1.0))
    link = degree / np.maximum(logs + logs.mean(), 1.0)
    return sorted(np.argsort(-link, kind="stable")[:limit].tolist())


# Multiply-adds per matrix product. Above roughly 200,000 (measured with numpy's OpenBLAS
# 0.3.31), OpenBLAS splits a product over threads; on a busy machine the wake-ups cost far
# more than the arithmetic (a 94-sentence article took 240 ms instead of 0.4), and idle
# workers spin on, burning CPU after the call.
_PRODUCT_LIMIT = 131_072
# The walk is run 2**7 = 128 steps: the error shrinks as damping**steps, 1e-9 at d = 0.85.
_SQUARINGS = 7
# Up to this many sentences the 128 steps are seven matrix squarings (a few calls); above it,
# 128 matrix-vector products, whose n^2 each beats the squarings' n^3.
_SQUARING_MAX_SENTENCES = 50


def _product(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a @ b`` in row blocks small enough that OpenBLAS runs each one single-threaded."""
    m, k = a.shape
    n = b.shape[1]
    if m * k * n <= _PRODUCT_LIMIT:
        return a @ b
    out = np.empty((m, n))
    step = max(1, _PRODUCT_LIMIT // max(k * n, 1))
    for start in range(0, m, step):
        np.matmul(a[start : start + step], b, out=out[start : start + step])
    return out


def textrank(counts: np.ndarray, damping: float = DEFAULT_WEIGHTS.damping) -> tuple[np.ndarray, np.ndarray]:
    """TextRank centrality of each sentence (maximum 1), and the sentences' pairwise token overlap.

    ``counts`` is a term x sentence matrix, as term_counts makes it.

    The edge weight is TextRank's: shared tokens |S_i ∩ S_j| counted with repetition (a dot
    product of count rows) over log|S_i| + log|S_j|, with no self-loops. The stationary
    distribution of the damped walk G = d P + (1 - d)/n is any row of G^128, computed by
    seven squarings (long articles: 128 steps of the walk): small matrix products, cheaper
    here than a LAPACK solve, and kept single-threaded (see _product).
    """
    v, n = counts.shape
    lengths = counts.sum(axis=0)
    if v * n * n > _PRODUCT_LIMIT:
        # Only terms in two sentences or more link sentences. In a long article most terms occur
        # once, and dropping them shrinks the product; in a short one the two extra numpy calls
        # cost more than they save. (The diagonal then misses those terms; nothing reads it.)
        counts = counts[np.count_nonzero(counts, axis=1) > 1]
    overlap = _product(counts.T, counts)
    if n <= 1:
        return np.ones(n), overlap
    logs = np.log(np.maximum(lengths, 1.0))
    denominator = logs[:, None] + logs
    if lengths.min() <= 1:
        # Two one-word sentences have log-length 0: sumy uses the raw overlap then, and so does this.
        denominator[denominator == 0] = 1.0
    graph = overlap / denominator
    graph.flat[:: n + 1] = 0.0
    rows = graph.sum(axis=1, keepdims=True)
    if not rows.all():
        # A sentence sharing no term with any other links uniformly, so the walk stays stochastic.
        graph[rows[:, 0] == 0] = 1.0
        rows[rows == 0] = n
    if n <= _SQUARING_MAX_SENTENCES:
        walk = graph * (damping / rows) + (1.0 - damping) / n
        for _ in range(_SQUARINGS):
            walk = _product(walk, walk)
        p = walk[0]
    else:
        # p <- d P^T p + (1 - d)/n, from the uniform distribution. (Matrix-vector products stay
        # single-threaded; LAPACK's solve does not, and took 50-80 ms at 100+ sentences here.)
        step = np.ascontiguousarray((graph * (damping / rows)).T)
        p = np.full(n, 1.0 / n)
        for _ in range(2**_SQUARINGS):
            p = step @ p + (1.0 - damping) / n
    return p / p.max(), overlap


@dataclass
class Ranking:
    """Sentence scores for one article, and what the eligibility and duplicate checks need.

    ``scores``, ``overlap`` and ``self_overlap`` are indexed by position in ``candidates``, the
    sentences that entered the graph (all of them, unless the article is very long).
    """

    sentences: list[str]
    candidates: list[int]
    scores: np.ndarray
    overlap: np.ndarray  # shared content-word tokens of two candidates (its diagonal is not used)
    self_overlap: list[float]  # a candidate's overlap with itself: the squared norm of its counts

    def cosine(self, i: int, others: list[int]) -> float:
        """The highest cosine similarity between candidate ``i`` and ``others`` (content-word counts)."""
        # Scalar Python on a handful of pairs: cheaper than any numpy call.
        squares = self.self_overlap
        return max(float(self.overlap[i, j]) / (math.sqrt(squares[i] * squares[j]) or 1.0) for j in others)


def score_sentences(sentences: list[str], weights: Weights = DEFAULT_WEIGHTS) -> Ranking:
    if len(sentences) > weights.max_graph_sentences:
        candidates = linked_sentences(sentences, weights.max_graph_sentences)
    else:
        candidates = list(range(len(sentences)))
    counts = term_counts([sentences[i] for i in candidates])
    scores, overlap = textrank(counts, weights.damping)
    return Ranking(sentences, candidates, scores, overlap, (counts * counts).sum(axis=0).tolist())


def select_sentences(sentences: list[str], n: int, *, weights: Weights = DEFAULT_WEIGHTS) -> list[int]:
    """Indexes of the ``n`` best sentences for a summary, in source order.

    Ineligible sentences (too short, bare quotations) are used only when there are
    not enough others; near-duplicates of a chosen sentence never are.
    """
    if n <= 0 or not sentences:
        return []
    return select_ranked(score_sentences(sentences, weights), n, weights)


def select_ranked(ranking: Ranking, n: int, weights: Weights = DEFAULT_WEIGHTS) -> list[int]:
    """The most central sentences, each skipped if it nearly repeats one already picked.

    Eligibility is checked lazily, in order of centrality: usually only a handful of
    sentences are ever looked at.
    """
    sentences, candidates = ranking.sentences, ranking.candidates
    inside = inside_quotes(sentences)
    chosen: list[int] = []  # positions in candidates, like fallback
    fallback: list[int] = []  # ineligible candidates, most central first
    scores = ranking.scores.tolist()
    # Python's sort is stable, so ties go to the earlier sentence.
    order = sorted(range(len(scores)), key=lambda i: -scores[i])
    for pool in (order, fallback):
        for i in pool:
            if len(chosen) == n:
                break
            s = candidates[i]
            if pool is order and not _is_eligible(sentences[s], inside[s], weights.min_words):
                fallback.append(i)
                continue
            if not chosen or ranking.cosine(i, chosen) < weights.duplicate_cosine:
                chosen.append(i)
    return sorted(candidates[i] for i in chosen)
