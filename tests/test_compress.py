"""Shortening by deletion and telling a shortening from a rewording (compose/compress.py).

The sentences are modelled on real article sentences and on the retellings the 1.5B model wrote
for them, labelled false by careful reading (data/writer-eval/v4-labels.jsonl).
"""

from __future__ import annotations

import pytest

from briefwire.compose.compress import compress, faithful


@pytest.mark.parametrize(
    ("sentence", "shortened"),
    [
        # an aside between dashes
        (
            "Dr Greenspan - who became chairman of the Federal Reserve for an unprecedented fifth term "
            "in June 2004 - will step down in January next year.",
            "Dr Greenspan will step down in January next year.",
        ),
        # a descriptive appositive goes with both its commas; a name stays
        (
            "Joyce Johnston, principal of the college, said: \"It is very fitting that the world's premier "
            "economist delivered this lecture in tribute to the world's first economist.\"",
            "Joyce Johnston said: \"It is very fitting that the world's premier economist delivered this "
            "lecture in tribute to the world's first economist.\"",
        ),
        # a non-restrictive clause and a bracket
        (
            "Texas is keen to cash in on the third generation (3G) of mobile technology, which offers "
            "high-speed networks for video streaming and other multimedia functions.",
            "Texas is keen to cash in on the third generation of mobile technology.",
        ),
        # an opening adverbial and a closing one
        (
            "In the album chart, operatic quartet Il Divo's eponymous debut rose 23 places to number six, "
            "while crooner Tony Christie's Definitive Collection is a new entry at number 10.",
            "Operatic quartet Il Divo's eponymous debut rose 23 places to number six.",
        ),
    ],
)
def test_asides_are_deleted_and_the_main_clause_kept_in_its_own_words(sentence, shortened):
    assert compress(sentence) == shortened


@pytest.mark.parametrize(
    "sentence",
    [
        # a condition: without it the rest is not true
        "If a decision is taken to have charges filed against him, Kenteris will accept it gladly.",
        # nothing to delete: it would be a copy
        "Mr Campbell was at the centre of the government's row with BBC over Andrew Gilligan's story "
        "about the Iraq weapons dossier.",
        # deleting the closing modifier leaves "The warning came."
        "The warning of a five-cent hit to 2005 earnings came just 24 hours after one of the world's "
        "biggest investment banks had upped its target for Carnival's share price.",
    ],
)
def test_no_shortening_where_deleting_would_change_the_facts_or_delete_nothing(sentence):
    assert compress(sentence) is None


def test_an_attribution_and_a_negation_are_never_deleted():
    netcraft = (
        "According to response-time figures gathered by Netcraft, some of the sites that the screensaver "
        "targeted were being knocked offline, which angered the spammers who had paid for the sites and "
        "the firms that hosted them."
    )
    short = compress(netcraft)
    assert short is not None and short.startswith("According to response-time figures gathered by Netcraft")
    fannie = (
        "Fannie Mae is not the largest lender in the market, although it underwrites half of all US "
        "house purchases."
    )
    assert compress(fannie) == "Fannie Mae is not the largest lender in the market."


ZAMBIA = (
    "In June, former champions Zambia will host Lesotho, Malawi and Swaziland in the third group in Lusaka."
)
MONACO = "About 60 people attended Sunday's meeting in Monaco, including IAAF chief Lamine Diack."
CAMP = (
    "The celebrities are chosen by the viewers to pass trials in order to win food for the rest of the camp."
)
AFRICA = "As well as more aid, the commission is likely to demand action on corruption in Africa."
LABOUR = "Labour have refused to discuss his exact new position."


@pytest.mark.parametrize(
    ("line", "sentence"),
    [
        ("Former champions Zambia will host Lesotho, Malawi and Swaziland in Lusaka.", ZAMBIA),
        ("About 60 people attended the meeting in Monaco.", MONACO),
        ("Around 60 people attended the meeting in Monaco.", MONACO),  # a hedge of the same kind
        ("The celebrities are picked by viewers to win food for the camp.", CAMP),  # one new word
        ("The commission is likely to demand action on corruption.", AFRICA),
    ],
)
def test_a_shortening_is_faithful(line, sentence):
    assert faithful(line, sentence)


@pytest.mark.parametrize(
    ("line", "sentence"),
    [
        ("Lesotho, Malawi and Swaziland will host Zambia in June.", ZAMBIA),  # roles swapped
        ("More than 60 people attended the meeting in Monaco.", MONACO),  # another hedge
        ("Four celebrities are chosen by viewers to win food for all.", CAMP),  # a number invented
        ("The commission will demand action on corruption in Africa.", AFRICA),  # the hedge lost
        ("Labour have discussed his exact new position.", LABOUR),  # the negation lost
        ("Investors were surprised by the warning and sold shares.", MONACO),  # another sentence
    ],
)
def test_a_rewording_is_not(line, sentence):
    assert not faithful(line, sentence)
