"""Shortening by deletion (compose/compress.py) and telling a shortening from a rewording
(compose/faithful.py).

The sentences are modelled on real article sentences and on the retellings the 1.5B model wrote
for them, labelled false by careful reading (data/writer-eval/v4-labels.jsonl), and on deletions
read blind (data/writer-eval/deletions/sample-a).
"""

from __future__ import annotations

import pytest

from briefwire.compose.compress import compress, unlinked
from briefwire.compose.faithful import faithful


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
        # a closing clause of its own event goes; the opening phrase says what "number six" ranks
        # in, and stays
        (
            "In the album chart, operatic quartet Il Divo's eponymous debut rose 23 places to number six, "
            "while crooner Tony Christie's Definitive Collection is a new entry at number 10.",
            "In the album chart, operatic quartet Il Divo's eponymous debut rose 23 places to number six.",
        ),
        # an opening adverbial
        (
            "After a drama which ran for three weeks, the council approved the new harbour wall.",
            "The council approved the new harbour wall.",
        ),
        # a link to the sentence before goes, at the start or between commas
        (
            "Secondly it has also underlined the view that the election campaign has, to all intents "
            "and purposes, kicked off.",
            "It has underlined the view that the election campaign has, to all intents and purposes, "
            "kicked off.",
        ),
        (
            "The company's shares, which had risen all week, however, fell by 5% in early trading on Monday.",
            "The company's shares fell by 5% in early trading on Monday.",
        ),
        # a closing clause after a dash goes with its dash (v12: "... its operations -.")
        (
            "The company has been working to streamline its operations - and has managed to save "
            "$1.1bn in costs without cutting jobs.",
            "The company has been working to streamline its operations.",
        ),
        # "including ..." between a subject and its verb goes with both its commas (v11)
        (
            "On top of that, the unemployment rate has been stuck at close to 10% and manufacturing firms, "
            "including DaimlerChrysler, Siemens and Volkswagen, have been negotiating with unions over cost "
            "cutting measures.",
            "On top of that, the unemployment rate has been stuck at close to 10% and manufacturing firms "
            "have been negotiating with unions over cost cutting measures.",
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
        # a misparse deletes the subject clause and leaves "However, is that this sniping ..."
        "What all seem agreed on, however, is that this sniping simply cannot be allowed to go on "
        "through the election campaign.",
        # a misparse deletes "after the bubble burst" and leaves "..., nose-diving."
        "It was the most potent symbol of the 1990s internet and telecoms boom, nose-diving after the "
        "bubble burst.",
        # every word of a quotation stays: a dash inside it opens no aside
        "\"I don't agree that the music industry lost control over the music market - it was never "
        'in control," he told the conference in London.',
        # a time or place phrase says what a number or a rank counts over
        "Truancy has been reduced by 5% at the 128 worst hit schools through the government's "
        "Behaviour Improvement Programme.",
        "The attack was the first of its kind since he took office in January last year.",
        # a list's items are no asides
        "The Bofra family of viruses can infect machines running Windows 2000, 95, 98, Me, NT, XP and "
        "Server 2003, the firm said on its website.",
        # a phrase the verb needs is no place phrase ("went back on a pledge")
        "According to a new book, Mr Blair went back on a pledge to make way for Mr Brown in 2004.",
        # a dash whose aside closes at a dash written "Sydney-" opens no closing aside
        "Analysts said the decision to list News Corp in the US - which will result in the firm's "
        "shares trading in New York rather than Sydney- nullified the need to retain a separate "
        "listing for Fox.",
        # deleting the closing modifier leaves "The warning came."
        "The warning of a five-cent hit to 2005 earnings came just 24 hours after one of the world's "
        "biggest investment banks had upped its target for Carnival's share price.",
    ],
)
def test_no_shortening_where_deleting_would_change_the_facts_or_delete_nothing(sentence):
    assert compress(sentence) is None


def test_so_far_is_no_opening_link():
    short = compress(
        "So far, only 22 of the 30 construction projects targeted by the agency, which was set up "
        "in 1998, have complied with its shutdown order."
    )
    assert short is None or short.startswith("So far, only 22 of the 30")


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
        # the past told as the present
        (
            "Icann approves seven top level domains with varying success.",
            "In 2000 Icann approved seven other new domains that have had varying degrees of success.",
        ),
        # telegraphic: the articles its sentence had are gone
        (
            "Strong final week helped industry end high.",
            "A strong final week helped the industry end the year on a high.",
        ),
        # how often, changed
        (
            "Computer networks are large, complex and often fragile.",
            "Today's computer networks are large, complex and occasionally fragile.",
        ),
        # a name brought in for the speaker's "we"
        (
            "Bates took over Leeds United in March 2004.",
            '"When we took over Leeds United in March 2004, we worked tirelessly," said Krasner.',
        ),
        # no main verb left
        (
            "Today's loss tough at international level.",
            "Today's loss is tough to take at international level.",
        ),
        # the voice turned round: Arsenal were linked with the keepers (v12)
        (
            "Arsenal linked Schwarzer, van der Sar and Frey with goalkeepers.",
            "Arsenal have been linked with Middlesbrough keeper Mark Schwarzer, Fulham's Edwin van der Sar "
            "and Parma's Sebastien Frey.",
        ),
        # a particle lost: "chase away" is not "chase" (v12)
        (
            "A Devon man was told he could use his four dogs to chase unwanted animals.",
            "A Devon man had been told he could use his four dogs to chase away unwanted animals.",
        ),
        # the speaker dropped: his view told as the briefing's own (v12)
        (
            "There are no technical or economic reasons for not providing equivalent access to services.",
            '"There are no technical or economic reasons for not providing equivalent access to services," '
            "said RNID technology director Guido Gybels.",
        ),
        # a pronoun brought in: "it" now names Factory, where "they" were the attempts (v12)
        (
            "Wilson has twice tried to resurrect Factory but it was despondent and dismal.",
            "Wilson has twice tried to resurrect Factory, but admits they were despondent and dismal "
            "experiences.",
        ),
    ],
)
def test_a_rewording_is_not(line, sentence):
    assert not faithful(line, sentence)


def test_deleting_the_second_of_two_joined_sentences_is_a_copy_of_the_first():
    # The splitter kept "... the men's 3000m. Meanwhile, ..." as one sentence.
    joined = (
        "Lisburn's Kelly McNeice Reid (4:31.34) was seventh in the women's 1500m while Gary Murray "
        "(8:11.22) was 11th in the men's 3000m. Meanwhile, Stephen Cairns and Jill Shannon claimed the "
        "individual titles at Saturday's Northern Ireland Cross Country Championship in Coleraine."
    )
    assert compress(joined) is None


def test_a_deletion_never_takes_the_or_of_an_either():
    sentence = (
        "A quarter of UK adults has either had their ID stolen, via hi-tech or other means, or knows "
        "someone who has, a recent report by Which?"
    )
    assert compress(sentence) is None
    assert (
        compress(
            "The firm, which was founded in 1990, has either sold its stake or plans to sell it, says FT."
        )
        == "The firm has either sold its stake or plans to sell it, says FT."
    )


@pytest.mark.parametrize(
    ("line", "unlinked_line"),
    [
        (
            "But Ms Short said the coalition would undermine the UN.",
            "Ms Short said the coalition would undermine the UN.",
        ),
        (
            "However, poor ticket sales have less to do with the disaster.",
            "Poor ticket sales have less to do with the disaster.",
        ),
        ("And “we will win,” he said.", "“We will win,” he said."),
        ("Butter prices rose by 5% in March.", "Butter prices rose by 5% in March."),
        ("Still, the firm grew.", "Still, the firm grew."),
    ],
)
def test_a_line_of_its_own_loses_a_link_to_a_sentence_before_it(line, unlinked_line):
    assert unlinked(line) == unlinked_line


def test_a_deletion_keeps_what_the_rest_holds_apart_from():
    assert compress("Apart from this, however, the festival has continued as originally planned.") is None


def test_the_later_items_of_a_list_are_no_appositive():
    # The parse hangs "the repeal ..." on "aims" across the verb; deleting it cut the list to one
    # aim (v11). A real appositive follows its noun at once, and goes.
    assert (
        compress(
            "The party's declared aims are an end to the occupation of Iraq, the repeal of anti-union laws "
            "and the end of privatisation."
        )
        is None
    )
    assert (
        compress(
            "Myron Ebell, an adviser on climate change to President Bush, has said there would be no change "
            "in the US stance."
        )
        == "Myron Ebell has said there would be no change in the US stance."
    )


@pytest.mark.parametrize(
    "sentence",
    [
        # the list's later items parse as a coordinated appositive of its first (v14)
        "Three 50th Anniversary Special Awards will also be presented to an institution, a playwright and "
        "an individual.",
        "The survey of what else has been left behind included a harp, a dog, a hamster and a baby.",
    ],
)
def test_a_list_of_common_nouns_is_not_cut_to_its_first_item(sentence):
    assert compress(sentence) is None


def test_a_coordinated_description_of_a_name_is_still_an_aside():
    sentence = (
        '"Consumer electronics companies want UWB to replace cables," Jeff Ravencraft, technology '
        "strategist at Intel and chairman of the Wireless USB Promoter Group, told technology site ZDNet."
    )
    assert compress(sentence) == (
        '"Consumer electronics companies want UWB to replace cables," Jeff Ravencraft told '
        "technology site ZDNet."
    )


def test_a_bracket_saying_whom_a_pronoun_means_is_kept():
    # Without "(ACC)" the retold quote read as if "it" were the company the line before named (v14).
    sentence = '"Holcim is looking to buy it (ACC) very cheap," said KK Mittal, a fund manager in New Delhi.'
    assert compress(sentence) == '"Holcim is looking to buy it (ACC) very cheap," said KK Mittal.'
    assert (
        compress("A rival offered $6.75bn (£3.6bn) for the firm.") == "A rival offered $6.75bn for the firm."
    )


def test_a_sentence_parsed_without_a_verb_root_is_not_shortened():
    # The parse makes "productions" the root and "documentaries to a romantic comedy drama" its
    # appositive; deleting that left "range from news." (v15).
    assert compress("Other productions that the NM2 team will make range from news, documentaries to a "
                    "romantic comedy drama.") is None  # fmt: skip
