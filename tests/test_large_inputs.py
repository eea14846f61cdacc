"""Large inputs at small sizes: cost that grows linearly, and the limits around it (issue 13).

The 100 KB and 1 MB figures are in bench/large_input.py; these tests pin down the parts that
make them linear: the sentence graph's cap, the splitter's pieces, the web app's cut.
"""

from __future__ import annotations

import random
import tracemalloc

import numpy as np
import pytest
from fastapi.testclient import TestClient
from test_web_support import ARTICLE, settings_for, wait_for_job

from briefwire import text as text_module
from briefwire.extractive import extractive_briefing, warm_up
from briefwire.extractive.ranking import (
    DEFAULT_WEIGHTS,
    Weights,
    linked_sentences,
    score_sentences,
    select_ranked,
    term_counts,
)
from briefwire.ingest.budget import truncate_to_chars
from briefwire.model import Article
from briefwire.text import split_sentences
from briefwire.web import create_app


def long_text(sentences: int, seed: int = 7) -> str:
    """Made-up news-like sentences over a few thousand invented words, one paragraph per ten."""
    rng = random.Random(seed)
    vocabulary = ["".join(rng.choices("bcdfghklmnprstvz", k=3)) + "ion" for _ in range(3_000)]
    out = []
    for n in range(sentences):
        words = rng.choices(vocabulary, k=rng.randint(8, 20))
        out.append(" ".join(words).capitalize() + "." + ("\n\n" if n % 10 == 9 else " "))
    return "".join(out)


def test_the_graph_takes_the_sentences_with_the_highest_textrank_degree() -> None:
    sentences = split_sentences(long_text(120))
    picked = linked_sentences(sentences, 30)
    # The same degree from the full n x n overlap that the cap avoids building.
    counts = term_counts(sentences)
    overlap = counts.T @ counts
    degree = overlap.sum(axis=1) - np.diag(overlap)
    logs = np.log(np.maximum(counts.sum(axis=0), 1.0))
    link = degree / np.maximum(logs + logs.mean(), 1.0)
    assert picked == sorted(np.argsort(-link, kind="stable")[:30].tolist())


def test_a_normal_article_is_ranked_on_all_its_sentences() -> None:
    sentences = split_sentences(long_text(DEFAULT_WEIGHTS.max_graph_sentences))
    assert score_sentences(sentences).candidates == list(range(len(sentences)))


def test_a_long_text_is_ranked_on_a_capped_graph_in_bounded_memory() -> None:
    warm_up()
    text = long_text(3_000)  # ~330 KB
    sentences = split_sentences(text)
    ranking = score_sentences(sentences)
    cap = DEFAULT_WEIGHTS.max_graph_sentences
    assert len(sentences) > 2_500 and ranking.overlap.shape == (cap, cap)
    chosen = select_ranked(ranking, 4)
    assert len(chosen) == 4 and set(chosen) <= set(ranking.candidates)
    # A dense term x sentence matrix and an n x n overlap would take hundreds of MB here.
    tracemalloc.start()
    try:
        briefing = extractive_briefing(Article(text=text, title="A long read"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 60_000_000, peak
    assert all(point in sentences for point in briefing.key_points)


def test_a_smaller_cap_changes_only_which_sentences_compete() -> None:
    sentences = split_sentences(long_text(80))
    capped = select_ranked(score_sentences(sentences, Weights(max_graph_sentences=20)), 4, Weights())
    assert set(capped) <= set(linked_sentences(sentences, 20))


def test_a_line_longer_than_spacy_takes_is_split_in_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    line = "Ships waited at anchor for a third day. " * 20 + "no full stop in this run of words " * 5
    whole = split_sentences(line)
    monkeypatch.setattr(text_module, "_MAX_PIECE", 60)
    pieces = split_sentences(line)
    # Cut after a full stop: the same sentences; where there is none, at a space: the same words.
    assert pieces[:20] == whole[:20] == ["Ships waited at anchor for a third day."] * 20
    assert " ".join(pieces[20:]).split() == " ".join(whole[20:]).split()


def test_a_pasted_text_of_over_a_million_characters_on_one_line_splits() -> None:
    # spaCy refuses a text over nlp.max_length (1,000,000 characters) in one call.
    sentences = split_sentences("The port was closed again on Monday morning. " * 25_000)
    assert len(sentences) == 25_000


PARAGRAPHS = [
    "The port closed on Monday. Ships waited offshore. Unions met the minister.",
    '"We will not back down," the union leader told reporters. "Today we strike again."',
    "Talks resume on Thursday. Operators hope for a deal.",
]


@pytest.mark.parametrize(
    ("limit", "kept"),
    [
        (60, "The port closed on Monday. Ships waited offshore."),
        (80, PARAGRAPHS[0]),  # a paragraph break is no reason to drop a whole sentence
        (140, PARAGRAPHS[0] + '\n\n"We will not back down," the union leader told reporters.'),
        (10, "The port"),  # not one sentence fits: whole words, never a cut one ("c")
    ],
)
def test_truncation_to_characters_keeps_whole_sentences(limit: int, kept: str) -> None:
    article = Article(text="\n\n".join(PARAGRAPHS), warnings=["earlier"])
    cut = truncate_to_chars(article, limit, "(web limit)")
    assert cut.text == kept and len(cut.text) <= limit
    assert cut.warnings == ["earlier", f"article truncated to {len(kept.split())} of 35 words (web limit)"]
    assert truncate_to_chars(article, 1_000, "(web limit)") is article


def test_the_web_app_cuts_what_it_will_not_brief_and_says_so(tmp_path) -> None:
    settings = settings_for(tmp_path, brief_fn=None, max_article_chars=200)
    with TestClient(create_app(settings)) as client:
        job_id = client.post("/api/briefings", json={"text": ARTICLE, "engine": "extractive"}).json()["id"]
        job = wait_for_job(client, job_id)
        assert job["status"] == "done", job
        briefing = client.get(f"/api/briefings/{job['briefing_id']}").json()
        [note] = [n for n in briefing["notes"] if "truncated" in n]
        assert note.endswith("(this server briefs at most 200 characters)")
        assert "Talks are due to resume" not in " ".join(briefing["key_points"])  # past the cut
