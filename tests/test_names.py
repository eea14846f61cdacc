"""A surname the briefing uses before saying whom it means gets the article's full form."""

from __future__ import annotations

from fakes import cited
from test_compose import ARTICLE, KEY_POINTS, scripted

from briefwire.compose.composer import Composer, compose
from briefwire.compose.names import Description, asides, describe, full_forms, introduce, roles
from briefwire.model import Article

ARTICLE_SENTENCES = [
    "Former WorldCom chief Bernie Ebbers went on trial in New York on Monday.",
    "Dr Liam Fox, the shadow foreign secretary, said the trial mattered.",
    "South Korea and North Korea held talks.",
    "Mr Ebbers denies fraud.",
    "Dr Fox said more later.",
    "Korea was not named again.",
]


def test_a_surname_gets_the_full_form_the_article_gave_first():
    forms = full_forms(ARTICLE_SENTENCES)
    assert forms["Ebbers"] == "Bernie Ebbers"
    assert forms["Fox"] == "Dr Liam Fox"
    # "South Korea" and "North Korea": two full forms, and places besides.
    assert "Korea" not in forms
    assert "York" not in forms  # "New York" is a place, not a person's given name


def test_only_the_first_mention_changes_and_the_headline_counts_as_introduced():
    forms = full_forms(ARTICLE_SENTENCES)
    lines = ["Mr Ebbers denies fraud.", "Mr Ebbers is accused of conspiracy.", "Fox spoke."]
    assert introduce(lines, forms) == {
        "Mr Ebbers denies fraud.": "Bernie Ebbers denies fraud.",  # news style drops "Mr"
        "Fox spoke.": "Dr Liam Fox spoke.",
    }
    assert introduce(lines, forms, known=["Ebbers trial opens"]) == {"Fox spoke.": "Dr Liam Fox spoke."}


def test_a_title_the_line_gives_is_kept_when_the_full_form_has_none():
    forms = full_forms(["Liam Fox spoke on Monday.", "Dr Fox spoke again."])
    assert introduce(["Dr Fox spoke."], forms) == {"Dr Fox spoke.": "Dr Liam Fox spoke."}


def test_names_that_are_not_safe_to_fill_in_stay_as_they_are():
    # Two people with one surname; a bare name before any full one; a determiner ("the League").
    article = [
        "Jane Okafor and Peter Okafor run the port.",
        "Smith arrived first.",
        "Later, Anna Smith left.",
        "The Premier League said Wigan Athletic would appeal.",
    ]
    forms = full_forms(article)
    assert "Okafor" not in forms and "Smith" not in forms
    lines = ["Okafor spoke.", "Smith spoke.", "The League spoke."]
    assert introduce(lines, forms) == {}


def test_a_key_point_naming_a_surname_first_is_rewritten_and_keeps_its_cites():
    points = [KEY_POINTS[0], "Okafor said the quays were safe after engineers inspected them.", KEY_POINTS[2]]
    backend = scripted({"key_points": [cited(points)]})  # "Jane Okafor" is in sentence 2
    composer = Composer(backend, ARTICLE, seed=7)
    _, key_points, _, _ = compose(composer, ("key_points",))
    assert key_points[1] == "Jane Okafor said the quays were safe after engineers inspected them."
    assert composer.cites_in({"key_points": key_points})["key_points[1]"] == [1]
    assert any(note.startswith("names: 1 sentence(s)") for note in composer.notes)


def test_a_hyphen_tagged_as_a_name_ends_no_run_in_a_loop():
    # spaCy tags the "-" of "anti-Tory" as a proper noun; it once made the name reader loop forever.
    article = ['Labour said the poster was "not anti-Jewish, but anti-Tory".', "Michael Howard spoke."]
    assert full_forms(article) == {"Howard": "Michael Howard"}


def test_a_role_before_a_title_is_not_part_of_the_name():
    article = [
        "Its chairman, Lord Chairman Lord Holme, spoke.",
        "Lord Holme said more.",
        "Swiss Xstrata bid.",
    ]
    forms = full_forms(article)
    assert "Holme" not in forms  # the article never gives more than "Lord Holme"
    assert "Xstrata" not in forms  # a nationality, not a given name
    assert introduce(["Lord Holme argued."], forms) == {}


# What the article says a name is (v14 readers: "KK Mittal has no role").
DESCRIBED = [
    "Tory leader Michael Howard said the chancellor was up to his old trick.",
    '"Holcim is looking to buy it very cheap," said KK Mittal, a fund manager with Escorts Mutual Fund.',
    "Peter Tom, who will remain as chief executive, said the offer provided significant value.",
    "Where the chancellor avoided electioneering, Michael Howard felt no such constraint.",
    "Jane Doe, a lawyer, and Tom Roe spoke, and Mary Poe, the mayor, wept.",
]


def test_the_article_gives_asides_after_a_name_and_roles_before_it():
    assert asides(DESCRIBED[1]) == [
        Description("KK Mittal", "a fund manager with Escorts Mutual Fund", before=False, follows="")
    ]
    assert asides(DESCRIBED[2]) == [
        Description("Peter Tom", "who will remain as chief executive", before=False, follows="said")
    ]
    assert roles(DESCRIBED[0]) == [Description("Michael Howard", "Tory leader", before=True, initial=True)]
    assert roles("In November singer Brian Harvey quit.") == []  # a time is no role
    # a body is described as a person is; a name in apposition is no description ("Holcim, ACC")
    assert [d.text for d in asides("Holcim, the cement maker, bid.")] == ["the cement maker"]
    assert asides("Holcim, ACC, bid.") == []


def test_a_name_is_described_at_its_first_mention_only():
    cites = {
        '"Holcim is looking to buy it very cheap," said KK Mittal.': [1],
        "Peter Tom said the offer provided significant value.": [2],
        "Michael Howard felt no such constraint.": [3],
        "Peter Tom spoke again.": [2],
    }
    changed = describe(list(cites), lambda line: cites.get(line, []), DESCRIBED)
    assert changed == {
        '"Holcim is looking to buy it very cheap," said KK Mittal.': (
            '"Holcim is looking to buy it very cheap," said KK Mittal, '
            "a fund manager with Escorts Mutual Fund."
        ),
        "Peter Tom said the offer provided significant value.": (
            "Peter Tom, who will remain as chief executive, said the offer provided significant value."
        ),
        "Michael Howard felt no such constraint.": "Tory leader Michael Howard felt no such constraint.",
    }


def test_a_description_goes_only_where_the_line_goes_on_as_the_article_did():
    # An aside the line's sentence does not give back in place; a role after a role or a
    # determiner; a name in quotation marks; a line that cites nothing gets no aside.
    lines = [
        "Peter Tom led the talks.",  # the article went on "said", the line "led"
        "The veteran Michael Howard spoke.",
        'She said "Jane Doe is right."',
    ]
    cites = {lines[0]: [2], lines[2]: [4]}
    assert describe(lines, lambda line: cites.get(line, []), DESCRIBED) == {}


def test_a_key_point_gets_back_the_aside_its_shortening_left_out():
    article = Article(
        title="Port reopens",
        text=(
            "The Port of Harwick reopened on Monday after a storm. "
            "Jane Okafor, the port's harbour master, said the quays were safe after engineers inspected them."
        ),
    )
    points = [
        "The Port of Harwick reopened on Monday after a storm.",
        "Jane Okafor said the quays were safe.",
    ]
    backend = scripted({"key_points": [cited(points)]})
    composer = Composer(backend, article, seed=7)
    _, key_points, _, _ = compose(composer, ("key_points",))
    assert key_points[1] == article.text.split(". ")[1]  # the aside is back
    assert composer.cites_in({"key_points": key_points})["key_points[1]"] == [1]
    assert any("say who or what a name is" in note for note in composer.notes)
