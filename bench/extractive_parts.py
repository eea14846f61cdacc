"""Where the extractive engine's time goes, part by part, next to sumy LexRank (issue 6).

Reads ../shared/data (bbc-news-2095 articles of 400-900 words, and bbc-summary-100), like
bench/quality.py. For each article, in one process and interleaved: briefwire's sentence
splitting (and spaCy's tokenizer alone, the floor of any spaCy-based splitting), TextRank
scoring, the pick, entity and key-phrase annotation, the whole extractive_briefing, and sumy
LexRank on the pre-split sentences. Prints CPU-time medians in milliseconds and the budget
a 10x target leaves.

    PYTHONPATH=src python bench/extractive_parts.py
"""

from __future__ import annotations

import datetime
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable

from peers import sumy_system
from quality import DEFAULT_DATA, DEFAULT_TIMING, Doc, load_docs, typical_docs

from briefwire.extractive import extractive_briefing, warm_up
from briefwire.extractive.annotate import annotate
from briefwire.extractive.ranking import score_sentences, select_ranked
from briefwire.model import Article
from briefwire.text import _sentencizer, split_sentences

Summarise = Callable[[str, list[str], int], list[str]]


def cpu_ms(call: Callable[[], object]) -> tuple[object, float]:
    started = time.process_time()
    out = call()
    return out, (time.process_time() - started) * 1000


def time_parts(doc: Doc, lexrank: Summarise) -> dict[str, float]:
    """One article. The whole briefing runs first, as a user runs it: its words are new to the
    engine's caches. The parts run after it and find them cached, so they are lower bounds."""
    tokenizer = _sentencizer().tokenizer
    _, whole = cpu_ms(lambda: extractive_briefing(Article(title=doc.title, text=doc.body), n_points=3))
    sentences, split = cpu_ms(lambda: split_sentences(doc.body))
    _, tokenize = cpu_ms(lambda: [tokenizer(line) for line in doc.body.splitlines() if line.strip()])
    ranking, scores = cpu_ms(lambda: score_sentences(sentences))
    _, pick = cpu_ms(lambda: select_ranked(ranking, 3))
    _, annotation = cpu_ms(lambda: annotate(sentences))
    _, lex = cpu_ms(lambda: lexrank(doc.title, sentences, 3))
    return {
        "whole extractive_briefing": whole,
        "split_sentences": split,
        "  spaCy tokenizer alone": tokenize,
        "TextRank scores": scores,
        "pick 3": pick,
        "entities + key phrases": annotation,
        "sumy LexRank (pre-split)": lex,
    }


def parts(docs: list[Doc]) -> dict[str, float]:
    lexrank = sumy_system("lexrank")
    times: dict[str, list[float]] = {}
    for doc in docs:
        for name, ms in time_parts(doc, lexrank).items():
            times.setdefault(name, []).append(ms)
    return {name: statistics.median(values) for name, values in times.items()}


def main() -> int:
    if not DEFAULT_DATA.is_dir() or not DEFAULT_TIMING.is_dir():
        print(f"needs {DEFAULT_DATA} and {DEFAULT_TIMING} (../shared/data)", file=sys.stderr)
        return 2
    warm_up()
    print("# bench/extractive_parts.py")
    print(
        f"- run: {datetime.datetime.now():%Y-%m-%d %H:%M}, Python {platform.python_version()}, "
        f"{platform.machine()}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}"
    )
    print(f"- command: {' '.join(sys.argv)}; CPU-time medians, ms per article")
    sets = {
        "typical (50 bbc-news-2095 articles, 400-900 words)": typical_docs(DEFAULT_TIMING, 50),
        "bbc-summary-100": load_docs(DEFAULT_DATA),
    }
    for label, docs in sets.items():
        medians = parts(docs)
        budget = medians["sumy LexRank (pre-split)"] / 10
        print(f"\n{label}: 10x LexRank leaves {budget:.2f} ms for the whole mode")
        for name, ms in medians.items():
            print(f"  {name:28} {ms:6.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
