"""Grounding with the real embedded model as judge (slow: a few seconds per claim on two cores)."""

from __future__ import annotations

import pytest
from test_ground_article import ARTICLE, ARTICLE_TEXT, STRIKE

from briefwire.ground import check_claims, ground_briefing
from briefwire.model import Article, Briefing

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def backend(embedded_backend):
    pytest.importorskip("xllamacpp")
    return embedded_backend


def test_judge_supports_faithful_and_flags_injected_claim(backend):
    faithful = "Dock workers in Rotterdam ended their five-day strike on Tuesday."
    injected = "Dock workers in Rotterdam ended their strike after talks in Syria."
    good, bad = check_claims(ARTICLE_TEXT, [faithful, injected], backend=backend)
    assert good.label == "supported" and good.evidence[0].sentence_id == STRIKE
    assert any(r.startswith("judge P(yes)=") for r in good.reasons)  # the model did judge it
    assert bad.label == "unsupported" and any("Syria" in r for r in bad.reasons)


def test_judge_reads_probabilities_for_a_briefing(backend):
    briefing = Briefing(key_points=["The FNV union said 2,400 members backed the pay deal."])
    (claim,) = ground_briefing(briefing, ARTICLE, backend=backend).claims
    judged = [r for r in claim.reasons if r.startswith("judge P(yes)=")]
    assert judged and 0.0 <= float(judged[0].split("=")[1]) <= 1.0
    assert claim.label == "supported"


BERLIN = Article(
    title="Berlin to rename streets named after colonial figures",
    text=(
        "The German capital has launched a five-year project to confront its colonial past. "
        "Several streets in the so-called African Quarter of the Wedding district will be renamed, "
        "despite opposition from some residents. The city's culture senator said the names honoured "
        "men who had committed crimes in Africa."
    ),
)


def test_a_headline_that_contradicts_the_lead_is_flagged_and_a_paraphrase_is_supported(backend):
    briefing = Briefing(
        headline="Berlin drops plan to rename colonial-era streets",
        key_points=["Berlin launches a five-year project to confront its colonial past."],
    )
    claims = ground_briefing(briefing, BERLIN, backend=backend).claims
    by_section = {c.section: c for c in claims}
    assert by_section["headline"].label in {"unsupported", "contradicted"}
    assert by_section["key_points[0]"].label == "supported"
