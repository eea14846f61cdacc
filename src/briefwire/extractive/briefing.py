"""The extractive engine: a Briefing built from the article's own sentences, no language model."""

from __future__ import annotations

import time

from briefwire import shape
from briefwire.errors import ConfigError, InputError
from briefwire.extractive.annotate import annotate, load_word_lists
from briefwire.extractive.ranking import score_sentences, select_ranked
from briefwire.model import Article, Briefing, Claim, Evidence, GroundingSummary, RunStats, Source
from briefwire.text import (
    article_sentences,
    normalize_space,
    shorten_headline,
    split_sentences,
    title_headline,
)

MIN_POINTS, MAX_POINTS = 3, 5

OMITTED_NOTE = (
    "Extractive engine: key points are verbatim sentences of the article, chosen without a "
    "language model; the narrative and deep dive need a model and were omitted."
)
TITLE_NOTE = "The headline is the article's own title, so it is not checked as a claim."


def warm_up() -> None:
    """Build the sentence splitter and read the word lists now, so that the first briefing is fast too."""
    sentences = split_sentences(
        'Warm up the "splitter" now. Then Ms Marsh warms the ranking and the annotation.'
    )
    load_word_lists()
    annotate(sentences)
    select_ranked(score_sentences(sentences), 1)


def extractive_briefing(article: Article, *, n_points: int = 4) -> Briefing:
    """Brief ``article`` by sentence extraction: headline, key points, entities and key phrases.

    Every key point is a sentence of ``split_sentences(article.text)``, returned in
    source order with a supported claim whose evidence is that very sentence.
    ``article.warnings`` are left to the caller (pipeline.brief puts them first in the notes).
    """
    if not MIN_POINTS <= n_points <= MAX_POINTS:
        raise ConfigError(
            f"The extractive engine writes {MIN_POINTS} to {MAX_POINTS} key points, not {n_points}."
        )
    started = time.perf_counter()
    sentences = list(article_sentences(article.text))
    if not sentences:
        raise InputError("The article has no text to brief.")
    title = normalize_space(article.title) if article.title and article.title.strip() else None

    chosen = select_ranked(score_sentences(sentences), n_points)
    entities, key_phrases = annotate(sentences)

    claims = [
        Claim(
            section=shape.item("key_points", n),
            text=sentences[i],
            label="supported",
            score=1.0,
            evidence=[Evidence(source="article", sentence_id=i, text=sentences[i])],
            reasons=["verbatim sentence of the article"],
        )
        for n, i in enumerate(chosen)
    ]
    notes = [OMITTED_NOTE]
    headline = title_headline(title)
    if headline:
        notes.append(TITLE_NOTE)
    else:
        headline, shortened = shorten_headline(sentences[0])
        reason = (
            "opening words of the article's first sentence" if shortened else "first sentence of the article"
        )
        claims.insert(
            0,
            Claim(
                section="headline",
                text=headline,
                label="supported",
                score=1.0,
                evidence=[Evidence(source="article", sentence_id=0, text=sentences[0])],
                reasons=[reason],
            ),
        )
        notes.append(f"The article has no title: the headline is the {reason}.")
    if len(chosen) < MIN_POINTS:
        notes.append(f"The article is too short for more than {len(chosen)} key point(s).")

    return Briefing(
        engine="extractive",
        source=Source(title=article.title, author=article.author, date=article.date, url=article.url),
        headline=headline,
        key_points=[sentences[i] for i in chosen],
        cites={shape.item("key_points", n): [i] for n, i in enumerate(chosen)},
        entities=entities,
        key_phrases=key_phrases,
        claims=claims,
        grounding=GroundingSummary(checked=len(claims), supported=len(claims)),
        notes=notes,
        # The names pipeline.brief looks a stored extractive briefing up by.
        run=RunStats(backend="none", model="extractive", total_seconds=time.perf_counter() - started),
    )
