"""Cutting an article to fit a token budget at a sentence boundary."""

from __future__ import annotations

import math
from collections.abc import Callable

from briefwire.model import Article
from briefwire.text import normalize_space, split_paragraphs, split_sentences

# English runs at about 1.3 tokens per word for the BPE tokenizers of small LLMs.
TOKENS_PER_WORD = 1.3


def estimate_tokens(text: str) -> int:
    return math.ceil(len(text.split()) * TOKENS_PER_WORD)


def _largest_fitting(n: int, fits: Callable[[int], bool]) -> int:
    """The largest k in 0..n with fits(k), for a fits() that is true up to some k and false after."""
    low, high = 0, n
    while low < high:
        mid = (low + high + 1) // 2
        if fits(mid):
            low = mid
        else:
            high = mid - 1
    return low


def _sentence_ends(paragraph: str) -> tuple[str, list[int]]:
    """The paragraph with spaces normalised, and the offset where each of its sentences ends."""
    text = normalize_space(paragraph)
    ends: list[int] = []
    position = 0
    for sentence in split_sentences(text):
        start = text.find(sentence, position)
        if start >= 0:  # the splitter returns substrings, so this always holds
            position = start + len(sentence)
            ends.append(position)
    return text, ends


def _cut(text: str) -> str:
    # The sentencizer can leave the opening quote of the next sentence on this one's end.
    text = text.rstrip()
    if text.endswith('"') and text.count('"') % 2 == 1:
        text = text[:-1].rstrip()
    return text


def _prefix(paragraphs: list[tuple[str, list[int]]], count: int) -> str:
    """The text up to the end of its ``count``-th sentence, paragraph breaks kept.

    Cutting the original at sentence offsets (rather than re-joining the split sentences)
    keeps quotes and spacing exactly as they were.
    """
    kept: list[str] = []
    for text, ends in paragraphs:
        if count >= len(ends):
            kept.append(text)
            count -= len(ends)
        else:
            if count > 0:
                kept.append(_cut(text[: ends[count - 1]]))
            break
    return "\n\n".join(p for p in kept if p)


def _fitting_text(text: str, max_tokens: int, count: Callable[[str], int], *, cut_off: bool = False) -> str:
    """The longest run of whole sentences from the start of ``text`` that ``count`` fits in ``max_tokens``.

    ``cut_off``: ``text`` ends part-way through a sentence, which is never kept.
    """
    paragraphs = [_sentence_ends(p) for p in split_paragraphs(text)]
    sentences = sum(len(ends) for _, ends in paragraphs) - cut_off
    # Binary search: a real tokenizer is too slow to call once per sentence on long articles.
    kept = _largest_fitting(sentences, lambda k: count(_prefix(paragraphs, k)) <= max_tokens)
    if kept:
        return _prefix(paragraphs, kept)
    # Not even the first sentence fits: keep as many of its words as do (at least one).
    words = _prefix(paragraphs, 1).split()
    if cut_off and len(words) > 1:
        words.pop()  # the cut may fall inside it
    fitting = _largest_fitting(len(words), lambda k: count(" ".join(words[:k])) <= max_tokens)
    return " ".join(words[: max(fitting, 1)])


def _truncated(article: Article, text: str, why: str) -> Article:
    kept_words, total_words = len(text.split()), len(article.text.split())
    warning = f"article truncated to {kept_words} of {total_words} words {why}"
    return article.model_copy(update={"text": text, "warnings": [*article.warnings, warning]})


def truncate_to_budget(
    article: Article, max_tokens: int, count_tokens: Callable[[str], int] | None = None
) -> Article:
    """Return ``article`` cut at the last sentence that fits ``max_tokens``, with a warning.

    An article that already fits is returned unchanged (the same object).
    """
    if max_tokens <= 0:
        raise ValueError("max_tokens must be positive")
    count = count_tokens or estimate_tokens
    if count(article.text) <= max_tokens:
        return article
    return _truncated(
        article, _fitting_text(article.text, max_tokens, count), "to fit the model's context window"
    )


def truncate_to_chars(article: Article, max_chars: int, why: str) -> Article:
    """Return ``article`` cut at the last sentence within its first ``max_chars`` characters, with a
    warning ending in ``why``; an article that already fits is returned unchanged (the same object).

    Only the head is split into sentences, so the cost does not grow with what is cut off.
    """
    if max_chars <= 0:
        raise ValueError("max_chars must be positive")
    if len(article.text) <= max_chars:
        return article
    head = _fitting_text(article.text[:max_chars], max_chars, len, cut_off=True)
    return _truncated(article, head, why)
