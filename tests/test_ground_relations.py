"""The checks for errors between true facts, modelled on real briefing errors (issue 12)."""

from __future__ import annotations

import pytest

from briefwire.ground import check_claims
from briefwire.ground.briefing import units_of
from briefwire.ground.checker import Checker
from briefwire.ground.index import SourceIndex
from briefwire.ground.relations import looks_ahead
from briefwire.model import Article, Briefing, Narrative

BERLIN = (
    "The German capital has launched a five-year project to confront its colonial past. "
    "Streets in the so-called African Quarter of Wedding will be renamed despite opposition from "
    "residents. The International Labour Organization urged governments to involve unions early. "
    "Nortel shares rose 1.46% in Toronto on Tuesday. The firm also revised its profits downwards."
)


def reasons(claim: str, source: str = BERLIN) -> str:
    return " ".join(check_claims(source, [claim], backend=None)[0].reasons)


def label(claim: str, source: str = BERLIN) -> str:
    return check_claims(source, [claim], backend=None)[0].label


def test_a_capital_named_for_its_description_is_the_same_place():
    assert label("Berlin launches a five-year project to confront its colonial past.") == "supported"
    assert "Berlin" not in reasons("Berlin launches a five-year project to confront its colonial past.")


@pytest.mark.parametrize(
    ("claim", "cue"),
    [
        ("Streets in Wedding will be renamed in light of this opposition.", "in light of"),
        ("Nortel shares rose 1.46% in Toronto on Tuesday, due to the profit revision.", "due to"),
        ("The ILO urged governments to involve unions early, prompting the strike.", "prompting"),
        ("Streets will be renamed, highlighting the city's commitment to diversity.", "highlighting"),
    ],
)
def test_a_link_the_evidence_does_not_state_is_reported(claim, cue):
    assert f"'{cue}' asserts" in reasons(claim)


def test_a_link_the_evidence_states_is_not_reported():
    claim = "Streets in the African Quarter will be renamed despite residents' opposition."
    assert "asserts" not in reasons(claim)


def test_a_cause_told_as_a_sequence_is_not_reported():
    source = "Shares in the firm fell 5% after it warned that sales would slow."
    assert "asserts" not in reasons("The firm's shares fell 5% because it warned of slowing sales.", source)


def test_a_statement_given_to_a_speaker_who_never_made_it_is_reported():
    source = "The film won the top prize at the festival. Its director, Bong Joon-ho, thanked the cast."
    assert "without a speaker" in reasons("Bong Joon-ho said the film won the top prize.", source)
    source2 = "Mr Brown said the economy was strong. Mr Howard disagreed."
    assert label("Mr Howard said the economy was strong.", source2) != "supported"
    assert label("Mr Brown said the economy was strong.", source2) == "supported"


def test_a_headline_off_the_title_and_lead_loses_lead_coverage():
    article = Article(title="Antwerp dock strike enters third day", text=BERLIN)
    checker = Checker(SourceIndex(article))
    on = checker.signals("Antwerp dock strike enters its third day", headline=True)
    off = checker.signals("Nortel revises profits as shares rise", headline=True)
    assert on.lead_coverage > 0.8 > off.lead_coverage


def test_a_takeaway_that_states_a_fact_is_checked_as_one():
    briefing = Briefing(
        narrative=Narrative(
            paragraphs=["The capital will rename streets."],
            key_takeaway="The renaming ended the protests. Residents will watch what comes next.",
        )
    )
    takeaway = [u for u in units_of(briefing) if "key_takeaway" in u.field]
    assert [u.analytic for u in takeaway] == [False, True]


@pytest.mark.parametrize(
    ("sentence", "ahead"),
    [
        ("Investors will watch the next results closely.", True),
        ("Regulators should act before the next election.", True),
        ("The strike ended on Tuesday after three days.", False),
        ("The bank cut rates because inflation fell.", False),
    ],
)
def test_looks_ahead(sentence, ahead):
    assert looks_ahead(sentence) is ahead


def test_a_headline_that_is_the_articles_title_is_supported_by_it():
    article = Article(title="Mutant book wins Guardian prize", text="A book about mutants has won an award.")
    checker = Checker(SourceIndex(article))
    claim, _ = checker.check("Mutant book wins Guardian prize", "headline")
    assert claim.label == "supported" and claim.reasons == ["the article's own title"]
    other, _ = checker.check("Mutant book wins Booker prize", "headline")
    assert other.label != "supported"
