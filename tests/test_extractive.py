"""The extractive engine: verbatim, grounded key points, entities, redundancy and speed."""

from __future__ import annotations

import time

import numpy as np
import pytest
import spacy

from briefwire.errors import ConfigError, InputError
from briefwire.extractive import extractive_briefing, select_sentences, warm_up
from briefwire.extractive.annotate import rank_entities, rank_phrases
from briefwire.extractive.briefing import OMITTED_NOTE, TITLE_NOTE, shorten_headline
from briefwire.extractive.ranking import eligible, term_counts, textrank
from briefwire.model import Article
from briefwire.text import split_sentences

TITLE = "Northwind Rail strike halts trains across Britain"

PARAGRAPHS = [
    [
        "Thousands of Northwind Rail workers walked out on Monday in a strike over pay, halting trains "
        "across Britain and leaving commuters stranded in London and Manchester.",
    ],
    [
        "The RMT union said its members rejected a pay offer of 3% because inflation had eroded their "
        "wages for two years.",
        "Northwind Rail chief executive Sarah Okafor said the company could not afford a larger pay rise "
        "without cutting services.",
        '"We are disappointed."',
        "Ms Okafor said the offer was the best the company could make while ticket revenue remained "
        "below its 2019 level.",
    ],
    [
        "The strike is the first at Northwind Rail in a decade.",
        "Union leader Tom Briggs said further strikes would follow in March unless the company improved "
        "its pay offer to workers.",
        "Commuters in London faced long queues for buses, and some roads into Manchester were gridlocked "
        "by early morning.",
    ],
    [
        "Transport Secretary Helen Marsh urged Northwind Rail and the RMT union to return to talks at the "
        "conciliation service Acas.",
        "Analysts said the strike could cost Northwind Rail about £20m in lost ticket revenue if it "
        "lasted a week.",
        "Mr Briggs said the union was ready to talk.",
    ],
]
# One sentence a line, paragraphs apart: the layout ingestion produces.
TEXT = "\n\n".join("\n".join(p) for p in PARAGRAPHS) + "\n"


@pytest.fixture(scope="module")
def article() -> Article:
    warm_up()
    return Article(
        text=TEXT, title=TITLE, author="A. Reporter", date="2024-02-05", url="https://example.com/x"
    )


@pytest.fixture(scope="module")
def briefing(article: Article):
    return extractive_briefing(article)


def test_key_points_are_verbatim_source_sentences_in_order(briefing) -> None:
    sentences = split_sentences(TEXT)
    assert briefing.engine == "extractive"
    assert len(briefing.key_points) == 4
    assert len(set(briefing.key_points)) == 4
    indexes = [sentences.index(p) for p in briefing.key_points]
    assert indexes == sorted(indexes)
    # Each key point cites itself, by the same sentence ids as the model engine's key points.
    assert briefing.cites == {f"key_points[{n}]": [i] for n, i in enumerate(indexes)}


@pytest.mark.parametrize("n", [3, 4, 5])
def test_number_of_points_follows_n_points(article: Article, n: int) -> None:
    assert len(extractive_briefing(article, n_points=n).key_points) == n


@pytest.mark.parametrize("n", [0, 2, 6])
def test_n_points_outside_three_to_five_is_refused(article: Article, n: int) -> None:
    with pytest.raises(ConfigError):
        extractive_briefing(article, n_points=n)


def test_claims_are_supported_by_the_sentence_itself(briefing) -> None:
    sentences = split_sentences(TEXT)
    assert len(briefing.claims) == len(briefing.key_points)
    for n, (claim, point) in enumerate(zip(briefing.claims, briefing.key_points, strict=True)):
        assert claim.section == f"key_points[{n}]"
        assert claim.text == point
        assert claim.label == "supported"
        assert claim.score == 1.0
        [evidence] = claim.evidence
        assert evidence.source == "article"
        assert sentences[evidence.sentence_id] == evidence.text == point
    assert briefing.grounding is not None
    assert briefing.grounding.checked == briefing.grounding.supported == len(briefing.claims)
    assert briefing.grounding.unsupported == briefing.grounding.contradicted == 0


def test_lead_sentence_is_chosen(briefing) -> None:
    assert briefing.key_points[0] == split_sentences(TEXT)[0]


def test_bare_quotes_and_short_sentences_are_skipped(article: Article) -> None:
    points = extractive_briefing(article, n_points=5).key_points
    assert '"We are disappointed."' not in points
    assert "Mr Briggs said the union was ready to talk." not in points


def test_entities_name_the_obvious_actors(briefing) -> None:
    assert "Northwind Rail" in briefing.entities
    assert briefing.entities[0] == "Northwind Rail"  # mentioned most
    assert "London" in briefing.entities
    # "Ms Okafor" and "Sarah Okafor" are one person, named in full.
    assert "Sarah Okafor" in briefing.entities
    assert not any("Okafor" in e and e != "Sarah Okafor" for e in briefing.entities)
    assert len(briefing.entities) == len({e.casefold() for e in briefing.entities})
    assert not {"Monday", "March", "3%"} & set(briefing.entities)


def test_key_phrases_are_noun_phrases_of_the_text(briefing) -> None:
    assert 3 <= len(briefing.key_phrases) <= 8
    flat = " ".join(split_sentences(TEXT)).lower()
    for phrase in briefing.key_phrases:
        assert phrase.lower() in flat  # a span of the article
    assert "pay" in briefing.key_phrases and "ticket revenue" in briefing.key_phrases
    # Names are the entities' business; a phrase never drags one in as an apposition.
    assert not any("Okafor" in p or "Briggs" in p for p in briefing.key_phrases)


def test_metadata_sections_and_notes(briefing) -> None:
    assert briefing.headline == TITLE
    assert briefing.source.title == TITLE
    assert briefing.source.author == "A. Reporter"
    assert briefing.source.url == "https://example.com/x"
    assert briefing.narrative is None and briefing.deep_dive is None
    assert OMITTED_NOTE in briefing.notes
    assert TITLE_NOTE in briefing.notes
    assert not any(c.section == "headline" for c in briefing.claims)


def test_near_duplicate_sentences_are_not_both_chosen() -> None:
    text = (
        "The central bank raised interest rates to 5% on Thursday to fight rising inflation.\n"
        "On Thursday the central bank raised interest rates to 5% to fight the rising inflation.\n"
        "Economists had expected the bank to hold rates steady until the summer.\n"
        "Mortgage lenders said they would pass the higher rates on to borrowers within weeks.\n"
        "Shares in house builders fell sharply after the announcement on Thursday.\n"
        "The bank said inflation would fall back to its 2% target by the end of next year.\n"
    )
    sentences = split_sentences(text)
    chosen = select_sentences(sentences, 4)
    assert not {0, 1} <= set(chosen)
    points = extractive_briefing(Article(text=text, title="Rates rise")).key_points
    assert not {sentences[0], sentences[1]} <= set(points)


def test_without_title_headline_is_first_sentence_with_a_claim() -> None:
    briefing = extractive_briefing(Article(text=TEXT))
    first = split_sentences(TEXT)[0]
    assert briefing.headline is not None and len(briefing.headline) <= 101
    assert first.startswith(briefing.headline.rstrip("…"))
    headline_claims = [c for c in briefing.claims if c.section == "headline"]
    assert len(headline_claims) == 1
    assert headline_claims[0].evidence[0].sentence_id == 0
    assert briefing.grounding is not None and briefing.grounding.checked == len(briefing.key_points) + 1


def test_shorten_headline_prefers_a_clause_break() -> None:
    assert shorten_headline("Short and sweet.") == ("Short and sweet.", False)
    long = "Thousands of rail workers walked out on Monday in a strike over pay, halting trains everywhere"
    assert shorten_headline(long, limit=80) == (
        "Thousands of rail workers walked out on Monday in a strike over pay",
        True,
    )
    words = "word " * 40
    short, cut = shorten_headline(words.strip(), limit=50)
    assert cut and short.endswith("…") and len(short) <= 51


def test_short_article_gives_what_it_has() -> None:
    text = "The council approved the new library budget on Tuesday evening.\nBuilding work starts in May."
    briefing = extractive_briefing(Article(text=text, title="Library approved"))
    assert briefing.key_points == split_sentences(text)
    assert any("too short" in n for n in briefing.notes)


def test_empty_article_is_an_input_error() -> None:
    with pytest.raises(InputError):
        extractive_briefing(Article(text="  \n "))


def test_eligibility_rules() -> None:
    sentences = [
        "The minister announced a review of school funding on Friday morning.",
        '"This is a scandal and it must end now," said Labour education spokesman Tom Reid.',
        '"It has gone on far too long.',
        'Nobody has listened to us for years."',
        "Too short to use.",
        '"We will fight it," he said.',
    ]
    assert eligible(sentences, min_words=6) == [True, True, False, False, False, False]


def test_run_stats_name_the_engine_as_the_pipeline_stores_it(briefing) -> None:
    assert briefing.run is not None
    assert (briefing.run.backend, briefing.run.model) == ("none", "extractive")
    assert briefing.run.total_seconds > 0


def test_fast_after_warm_up(article: Article) -> None:
    # A few ms on a quiet machine: 0.1 s is generous for shared CI machines. bench/quality.py
    # measures the real targets (50 ms an article, and the speed against sumy LexRank).
    extractive_briefing(article)
    started = time.perf_counter()
    extractive_briefing(article)
    assert time.perf_counter() - started < 0.1


def test_no_statistical_model_is_loaded(article: Article, monkeypatch: pytest.MonkeyPatch) -> None:
    # Entities and key phrases are rule-based: loading a spaCy pipeline would cost seconds, then
    # ~0.1 ms a word, far over the engine's budget.
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the extractive engine loaded a spaCy pipeline")

    monkeypatch.setattr(spacy, "load", refuse)
    assert extractive_briefing(article).entities


# The second shape is large enough for the matrix products to be computed in blocks.
@pytest.mark.parametrize(("terms", "sentences"), [(30, 8), (400, 90)])
def test_textrank_is_the_stationary_distribution_without_self_loops(terms: int, sentences: int) -> None:
    rng = np.random.default_rng(7)
    counts = rng.integers(0, 3, size=(terms, sentences)).astype(float)
    scores, overlap = textrank(counts, damping=0.85)
    # The same walk, solved directly: p = (1 - d)/n + d P^T p.
    n = counts.shape[1]
    weights = counts.T @ counts
    logs = np.log(counts.sum(axis=0))
    weights = weights / (logs[:, None] + logs)
    np.fill_diagonal(weights, 0.0)
    walk = weights / weights.sum(axis=1, keepdims=True)
    expected = np.linalg.solve(np.eye(n) - 0.85 * walk.T, np.full(n, 0.15 / n))
    assert np.allclose(scores, expected / expected.max())
    off_diagonal = ~np.eye(n, dtype=bool)
    assert np.allclose(overlap[off_diagonal], (counts.T @ counts)[off_diagonal])


def test_term_counts_keeps_one_column_per_sentence() -> None:
    # A newline inside a sentence must not shift the later sentences' columns.
    counts = term_counts(["Rail strike\nin London.", "The strike ended.", "Trains ran again."])
    assert counts.shape[1] == 3
    assert counts.sum(axis=0).tolist() == [3.0, 2.0, 2.0]  # rail strike london | strike end | train run


ENTITY_TEXT = (
    "Commuters faced delays as the Bank of England met in London.\n"
    "British ministers said England would host talks with US officials.\n"
    "Home Secretary Jane Porter said the commuters deserved better.\n"
    "Ms Porter met Bank of England staff on Monday.\n"
)


def test_entity_rules() -> None:
    entities = rank_entities(split_sentences(ENTITY_TEXT))
    assert entities[0] == "Bank of England"  # two mentions, and first
    assert {"London", "England", "US", "Jane Porter"} <= set(entities)
    # A sentence's capitalised first word, a nationality, a job title, a date, a short form.
    assert not {"Commuters", "British", "Home", "Home Secretary", "Monday", "Porter"} & set(entities)


def test_key_phrases_skip_verbs_and_adverbs() -> None:
    text = (
        "Drivers walked out quickly over a pay offer.\n"
        "Cleaners walked out quickly too, rejecting the pay offer.\n"
        "The pay offer was rejected by the union.\n"
    )
    phrases = rank_phrases(split_sentences(text), exclude=[])
    assert phrases[0] == "pay offer"
    assert not {"walked", "quickly", "rejected", "rejecting"} & {w for p in phrases for w in p.split()}


def test_a_sentence_goes_on_after_no_and_a_number():
    text = "Elvis is set to go back to No. 1 on Sunday. He said no. 5 people came. Vol. 2 is out."
    assert split_sentences(text) == [
        "Elvis is set to go back to No. 1 on Sunday.",
        "He said no.",
        "5 people came.",
        "Vol. 2 is out.",
    ]
