"""The peer summarisers bench/quality.py compares briefwire's extractive engine with.

Each is a ``Summarise``: (title, sentences, n) -> the n chosen sentences, by text. All get
briefwire.text.split_sentences output, so that every system chooses among the same sentences.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from collections.abc import Callable

# A system picks n sentences (by text) from an article's title and sentences.
Summarise = Callable[[str, list[str], int], list[str]]


def lead(title: str, sentences: list[str], n: int) -> list[str]:
    return sentences[:n]


def sumy_system(kind: str) -> Summarise:
    """sumy on our sentences: its NLTK punkt tokenizer data cannot be downloaded here."""
    from sumy.models.dom import ObjectDocumentModel, Paragraph, Sentence
    from sumy.nlp.stemmers import Stemmer
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.summarizers.text_rank import TextRankSummarizer
    from sumy.utils import get_stop_words

    class Words:
        # Sentence.words only needs to_words; sumy's own Tokenizer would load punkt.
        @staticmethod
        def to_words(text: str) -> list[str]:
            return re.findall(r"[^\W_]+(?:'[^\W_]+)?", text)

    summariser = (LexRankSummarizer if kind == "lexrank" else TextRankSummarizer)(Stemmer("english"))
    summariser.stop_words = get_stop_words("english")
    tokenizer = Words()

    def run(title: str, sentences: list[str], n: int) -> list[str]:
        doc = ObjectDocumentModel([Paragraph([Sentence(s, tokenizer) for s in sentences])])
        return [str(s) for s in summariser(doc, n)]

    return run


def newspaper_stock_error() -> str | None:
    """None when newspaper4k's own summarize() runs here; otherwise why it does not."""
    try:
        from newspaper import nlp
        from newspaper.text import StopWords
    except ImportError as err:
        return f"newspaper4k not installed ({err})"
    # nltk.download writes its failures to the process's stderr: catch them at the descriptor.
    with tempfile.TemporaryFile(mode="w+") as log:
        saved = os.dup(2)
        os.dup2(log.fileno(), 2)
        try:
            nlp.summarize("Title words", "A first sentence here. A second one there.", StopWords("en"), 1)
        except Exception as err:  # report whatever stops it
            error: Exception | None = err
        else:
            error = None
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
        log.seek(0)
        download = " ".join(log.read().replace("[nltk_data]", " ").split())
    if error is None:
        return None
    lookup = " ".join(str(error).replace("*", " ").split()).split(" Please")[0]
    return f"newspaper.nlp.summarize fails offline: {download} -> {type(error).__name__}: {lookup}"


def newspaper_system(stock: bool) -> Summarise:
    """newspaper4k's summariser; with ``stock=False`` its scorer on our sentences (it splits with punkt)."""
    from newspaper import nlp, settings
    from newspaper.text import StopWords

    stopwords = StopWords("en")

    def run(title: str, sentences: list[str], n: int) -> list[str]:
        text = " ".join(sentences)
        if stock:
            return nlp.summarize(title, text, stopwords, n)
        # The body of newspaper.nlp.summarize with its punkt split replaced by our sentences.
        keys = nlp.keywords(text, stopwords, settings.SUMMARIZE_KEYWORD_COUNT)
        ranks = nlp.scored_sentences(sentences, list(stopwords.tokenizer(title)), keys, stopwords)
        return [s for _, s, _ in sorted(ranks[:n], key=lambda r: r[0])]

    return run
