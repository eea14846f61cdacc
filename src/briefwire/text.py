"""Sentence splitting and light text normalisation shared by compose, ground and extractive."""

from __future__ import annotations

import re
from functools import lru_cache

_WS = re.compile(r"\s+")
_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "«": '"', "»": '"'})


@lru_cache(maxsize=1)
def _sentencizer():
    # A blank pipeline with the rule-based sentencizer: a few ms per article, no model load.
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def split_paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


def split_sentences(text: str) -> list[str]:
    """Sentences in order; paragraph breaks always end a sentence."""
    nlp = _sentencizer()
    out: list[str] = []
    for para in split_paragraphs(text) or [text]:
        for line in para.splitlines():
            line = _WS.sub(" ", line).strip()
            if not line:
                continue
            out.extend(s.text.strip() for s in nlp(line).sents if s.text.strip())
    return _reattach_opening_quotes(out)


_DANGLING_QUOTE = re.compile(r'\s+["“]$')


def _reattach_opening_quotes(sentences: list[str]) -> list[str]:
    """The sentencizer leaves an opening quote on the previous sentence: move it forward."""
    fixed: list[str] = []
    carry = ""
    for sent in sentences:
        sent = carry + sent
        carry = ""
        match = _DANGLING_QUOTE.search(sent)
        if match:
            carry = sent[match.end() - 1 :]
            sent = sent[: match.start()]
        if sent.strip('"“” '):
            fixed.append(sent)
    return fixed


def plain_quotes(text: str) -> str:
    return text.translate(_QUOTES)


def normalize_space(text: str) -> str:
    return _WS.sub(" ", text).strip()


_OPENING_QUOTE = re.compile(r'(^|[\s(\[{—–-])"')


def smart_quotes(text: str) -> str:
    """Straight double quotes → typographic ones.

    The model copies the quote style it sees; typographic quotes need no
    escaping inside JSON strings, so quotations no longer end a string early.
    """
    return _OPENING_QUOTE.sub(r"\1“", text).replace('"', "”")
