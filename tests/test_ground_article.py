"""The small article the grounding tests share, and the sentence ids they rely on."""

from __future__ import annotations

from briefwire.model import Article
from briefwire.text import split_sentences

ARTICLE_TEXT = """Harbour strike ends after pay deal

Dock workers in Rotterdam ended a five-day strike on Tuesday after accepting a 12% pay rise over two years.
The FNV union said 2,400 members voted in favour of the deal.
Port operator ECT had warned that the stoppage was costing it $1.4bn a year.
Union leader Anna de Vries praised the agreement but said the talks had not been easy.
ECT hired 300 new workers in March, the company said.
Shipping firms in the United States had diverted cargo to Antwerp during the strike.
The Dutch government did not intervene in the dispute.
Russian President Vladimir Putin was not mentioned by anyone.
Putin's name appears here only to test surnames.
"""
ARTICLE = Article(text=ARTICLE_TEXT, title="Harbour strike ends after pay deal")

# Sentence ids (indexes into split_sentences(ARTICLE_TEXT)) the tests point at.
STRIKE, VOTE, COST, LEADER, HIRED, US_FIRMS, GOVERNMENT, PUTIN_FULL, PUTIN_SHORT = range(1, 10)


def test_sentence_ids_are_what_the_tests_expect():
    sentences = split_sentences(ARTICLE_TEXT)
    assert sentences[0] == "Harbour strike ends after pay deal"
    assert sentences[STRIKE].startswith("Dock workers")
    assert sentences[HIRED].startswith("ECT hired")
    assert sentences[PUTIN_SHORT].startswith("Putin's name")
