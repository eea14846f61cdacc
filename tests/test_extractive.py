"""The extractive engine: verbatim, grounded key points, entities, redundancy and speed."""

from __future__ import annotations

import time

import pytest

from briefwire.errors import ConfigError, InputError
from briefwire.extractive import extractive_briefing, select_sentences, warm_up
from briefwire.extractive.briefing import OMITTED_NOTE, TITLE_NOTE, shorten_headline
from briefwire.extractive.ranking import eligible
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
    chosen = select_sentences(sentences, 4, title="Central bank raises interest rates to fight inflation")
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
    # A generous bound for shared CI machines; bench/quality.py measures the real 50 ms target.
    extractive_briefing(article)
    started = time.perf_counter()
    extractive_briefing(article)
    assert time.perf_counter() - started < 0.5
