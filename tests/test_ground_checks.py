"""Each fast check on its own, then check_claims end to end (no model)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_ground_article import ARTICLE, ARTICLE_TEXT, COST, HIRED, PUTIN_FULL, PUTIN_SHORT, STRIKE, VOTE

from briefwire.ground import SourceIndex, check_claims
from briefwire.ground.checks import assess

DATA = Path(__file__).resolve().parent.parent / "data" / "writer-eval"


@pytest.fixture(scope="module")
def index() -> SourceIndex:
    return SourceIndex(ARTICLE)


def findings(index: SourceIndex, claim: str) -> dict[str, str]:
    a = assess(index, index.analyse_claim(claim))
    return {f.kind: f.reason for f in a.findings}


def test_index_holds_sentences_names_and_numbers(index):
    assert index.sentences[VOTE].sentence_id == VOTE
    assert "fnv" in index.gazetteer
    values = {q.value for q in index.quantities}
    assert {12, 2400, 1_400_000_000, 300} <= values


def test_alignment_finds_the_paraphrased_sentence(index):
    a = assess(index, index.analyse_claim("In March ECT took on 300 new staff, the firm stated."))
    assert a.evidence[0] == HIRED
    a = assess(index, index.analyse_claim("Rotterdam's dock workers called off their strike on Tuesday."))
    assert a.evidence[0] == STRIKE and a.cov1 > 0.6


def test_entity_absent_from_source(index):
    assert "entity_absent" in findings(index, "Dock workers in Syria ended a five-day strike on Tuesday.")


def test_entity_swapped_for_another_from_the_article(index):
    # ECT is in the article, but not in (or near) the sentence about the vote.
    got = findings(index, "ECT said 2,400 members voted in favour of the deal.")
    assert "entity_elsewhere" in got and "FNV" in got["entity_elsewhere"]


def test_aliases_and_surnames_match(index):
    assert findings(index, "Shipping firms in America had diverted cargo to Antwerp.") == {}
    assert findings(index, "US shipping firms diverted cargo to Antwerp during the strike.") == {}
    assert findings(index, "Putin was not mentioned by anyone.") == {}
    # The evidence says only "Putin"; the full name is elsewhere in the article.
    assert findings(index, "Vladimir Putin's name appears here only to test surnames.") == {}


def test_number_changed_conflicts(index):
    got = findings(index, "The FNV union said 4,200 members voted in favour of the deal.")
    assert "number_conflict" in got and "2,400" in got["number_conflict"]


def test_number_absent_and_number_in_other_words(index):
    assert "number_absent" in findings(index, "Dock workers won a pay rise of 31 euros.")
    assert findings(index, "The stoppage was costing ECT 1.4 billion dollars a year.") == {}
    assert findings(index, "The strike lasted five days and ended on Tuesday.") == {}


def test_date_changed_conflicts(index):
    assert "date_conflict" in findings(index, "Dock workers in Rotterdam ended a five-day strike on Friday.")


def test_negation_added_and_removed(index):
    assert "negation" in findings(
        index, "Dock workers in Rotterdam did not end the five-day strike on Tuesday."
    )
    assert "negation" in findings(index, "The Dutch government intervened in the dispute.")
    assert findings(index, "The Dutch government did not intervene in the dispute.") == {}


def test_opposite_word_contradicts(index):
    assert "antonym" in findings(index, "ECT fired 300 workers in March, the company said.")


def test_subject_and_object_swapped(index):
    assert "role_swap" in findings(index, "300 new workers hired ECT in March.")
    assert "role_swap" not in findings(index, "ECT hired 300 new workers in March.")


def test_splice_of_distant_sentences(index):
    got = findings(index, "The Dutch government said 2,400 members voted in favour of the deal.")
    assert got.keys() & {"splice", "entity_elsewhere"}


def test_a_splice_names_its_sentences_as_the_footnotes_number_them(index):
    got = findings(index, "The Dutch government said 2,400 members voted in favour of the deal.")
    dutch = next(s.sentence_id for s in index.sentences if s.text.startswith("The Dutch government"))
    # Footnotes count the article's sentences from 1 (render/layout.py); so does the reason.
    assert got["splice"] == f"joins distant sentences {VOTE + 1} and {dutch + 1}"


def test_check_claims_labels_in_input_order():
    claims = [
        "Dock workers in Rotterdam ended their five-day strike on Tuesday.",
        "Dock workers in Syria ended a five-day strike on Tuesday.",
        "The FNV union said 4,200 members voted in favour of the deal.",
        "ECT had not warned that the stoppage was costing it $1.4bn a year.",
    ]
    out = check_claims(ARTICLE_TEXT, claims, backend=None)
    assert [c.section for c in out] == ["claims[0]", "claims[1]", "claims[2]", "claims[3]"]
    assert [c.text for c in out] == claims
    faithful, syria, number, negated = out
    assert faithful.label == "supported" and faithful.score >= 0.5
    assert faithful.evidence[0].sentence_id == STRIKE and faithful.evidence[0].source == "article"
    assert syria.label == "unsupported" and any("Syria" in r for r in syria.reasons)
    assert number.label in {"unsupported", "contradicted"} and number.score < 0.5
    assert negated.label in {"contradicted", "unsupported"}
    assert negated.evidence[0].sentence_id == COST


def test_opinions_are_checked_for_new_facts():
    opinion, new_country, source_country = check_claims(
        ARTICLE_TEXT,
        [
            "Employers should listen more carefully to their staff.",
            "Employers should follow the example of Germany.",
            "Other ports should watch how the United States responds.",
        ],
        backend=None,
        analytic=True,
    )
    assert opinion.label == "opinion"
    assert new_country.label == "unsupported" and any("Germany" in r for r in new_country.reasons)
    assert source_country.label == "opinion"


def test_an_analysis_item_that_states_what_happened_is_checked_as_a_fact():
    from briefwire.ground.briefing import is_analytic

    # dd1: "Tory officials agreed to provide more information …" was shown as an opinion.
    assert not is_analytic("deep_dive.resolutions[0]", "Tory officials agreed to provide more information.")
    assert not is_analytic("deep_dive.pros[1]", "ABN Amro is considering hiring temporary workers.")
    assert is_analytic("deep_dive.resolutions[0]", "The union could accept the offer.")
    assert is_analytic("deep_dive.pros[0]", "Reduction in costs for efficiency improvements.")
    assert is_analytic("deep_dive.recommendations[0]", "Ensure that decisions are made by officials.")
    assert not is_analytic("key_points[0]", "The union could accept the offer.")
    assert is_analytic("narrative.key_takeaway", "The union could accept the offer.")


def test_a_claim_of_several_sentences_takes_the_worst_label():
    (claim,) = check_claims(
        ARTICLE_TEXT,
        ["Dock workers ended their strike on Tuesday. Workers in Syria joined them."],
        backend=None,
    )
    assert claim.label == "unsupported"
    assert {e.sentence_id for e in claim.evidence} >= {STRIKE}


def test_full_and_short_names_are_one_person():
    (claim,) = check_claims(ARTICLE_TEXT, ["Mr Putin was not mentioned by anyone."], backend=None)
    assert claim.label == "supported" and claim.evidence[0].sentence_id in {PUTIN_FULL, PUTIN_SHORT}


def test_fusion_with_a_relative_clause_is_not_a_splice(index):
    fused = (
        "Dock workers in Rotterdam ended a five-day strike on Tuesday, "
        "while the Dutch government did not intervene."
    )
    assert findings(index, fused) == {}


def test_title_case_headline_names_nothing_new(index):
    assert findings(index, "Rotterdam Dock Strike Ends With 12% Pay Rise") == {}


def test_acronyms_and_descriptions_of_source_names():
    source = (
        "Antwerp strike\n\nThe General Dockworkers' Union began a strike on Monday.\nTalks failed.\n"
        "Ships queued.\nThe union's leader, Marc De Smet, rejected the offer."
    )
    claims = [
        "The GDU began a strike on Monday.",  # initials of a name the source spells out
        "The General Dockworkers' Union's leader, Marc De Smet, rejected the offer.",  # "the union"
        "The ITF began a strike on Monday.",
    ]
    acronym, described, unknown = check_claims(source, claims, backend=None)
    assert acronym.label == "supported" and described.label == "supported"
    assert unknown.label == "unsupported" and any("ITF" in r for r in unknown.reasons)


def test_capitalised_connectors_alone_are_no_names():
    # "De" and "Van" glue names together ("Marc De Smet"); alone at the end they must not hang.
    out = check_claims(ARTICLE_TEXT, ["The talks were led by De.", "Van"], backend=None)
    assert len(out) == 2 and out[1].label == "unsupported"


def test_a_full_name_for_the_surname_of_the_evidence_is_not_a_splice():
    # The writer gives a surname's first mention the article's full name (compose/names.py). The
    # given names come from the distant sentence that first named each man ("Tory co-chairman Liam
    # Fox ... Tony Blair's prediction"), which once made the claim look spliced from two.
    rows = (json.loads(line) for line in (DATA / "v10-briefings.jsonl").open())
    text = next(r["text"] for r in rows if r["id"] == "politics/labour-accused-of-broken-pledge.txt")
    index = SourceIndex(text)
    claim = "Dr Liam Fox accused Tony Blair and other Cabinet ministers of telling lies about Tory policies."
    a = assess(index, index.analyse_claim(claim))
    assert index.sentences[a.evidence[0]].text.startswith("Earlier, Dr Fox accused Mr Blair")
    assert not a.findings
