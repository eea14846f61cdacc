"""The source article as the briefing page shows it: numbered sentences in paragraphs, and
the sentences each claim's evidence points at.

Evidence ``sentence_id`` indexes ``split_sentences(article.text)``, so the page splits the
stored article the same way and numbers the sentences as the evidence panel cites them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from briefwire.model import Article, Claim, Evidence
from briefwire.render.layout import safe_url
from briefwire.text import article_sentences, normalize_space, split_paragraphs, split_sentences


@dataclass(frozen=True)
class Sentence:
    index: int  # as Evidence.sentence_id; readers see index + 1
    text: str
    cited: bool  # some claim's evidence quotes it


@dataclass(frozen=True)
class ArticleView:
    title: str | None
    url: str | None
    paragraphs: tuple[tuple[Sentence, ...], ...]
    # Per claim, per evidence item: the article sentence it quotes, or None (archive, not found).
    located: tuple[tuple[int | None, ...], ...]

    def cited_by(self, claim: int) -> list[int]:
        """The article sentences claim ``claim`` rests on, in order, each once."""
        return list(dict.fromkeys(i for i in self.located[claim] if i is not None))


def article_view(article: Article, claims: Sequence[Claim]) -> ArticleView:
    sentences = list(article_sentences(article.text))
    located = tuple(tuple(_locate(ev, sentences) for ev in claim.evidence) for claim in claims)
    cited = {i for per_claim in located for i in per_claim if i is not None}
    numbered = [Sentence(i, text, i in cited) for i, text in enumerate(sentences)]
    return ArticleView(article.title, safe_url(article.url), _paragraphs(article.text, numbered), located)


def _locate(evidence: Evidence, sentences: list[str]) -> int | None:
    if evidence.source != "article":
        return None
    i = evidence.sentence_id
    if 0 <= i < len(sentences) and _same(sentences[i], evidence.text):
        return i
    # A long article is briefed from a truncated copy whose numbering can drift from the stored
    # original's (joined line breaks); the quote itself still finds the sentence.
    return next((j for j, sentence in enumerate(sentences) if _same(sentence, evidence.text)), None)


def _same(a: str, b: str) -> bool:
    return normalize_space(a) == normalize_space(b)


def _paragraphs(text: str, sentences: list[Sentence]) -> tuple[tuple[Sentence, ...], ...]:
    # split_sentences ends a sentence at every paragraph break, so each paragraph's own count
    # recovers the breaks; should the counts ever disagree, one block beats misplaced breaks.
    sizes = [len(split_sentences(paragraph)) for paragraph in split_paragraphs(text)]
    if sum(sizes) != len(sentences):
        sizes = [len(sentences)]
    paragraphs, start = [], 0
    for size in sizes:
        paragraphs.append(tuple(sentences[start : start + size]))
        start += size
    return tuple(p for p in paragraphs if p)
