"""Normalisation units: names, numbers, dates and word keys compare as the issue promises."""

from __future__ import annotations

import pytest

from briefwire.ground.normalize import canonical_name, parse_quantities, same_quantity, word_key


def one(text: str):
    found = parse_quantities(text)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize("variant", ["U.S.", "US", "United States", "America", "united states", "USA"])
def test_united_states_aliases(variant):
    assert canonical_name(variant) == canonical_name("U.S.") == "§united_states"


def test_lower_case_us_is_the_pronoun_not_the_country():
    assert canonical_name("us") == "us"
    assert canonical_name("UK") == canonical_name("Britain") == canonical_name("British")


def test_money_in_symbols_and_words():
    a, b = one("a fine of $5,000"), one("a fine of 5,000 dollars")
    assert a.value == b.value == 5000 and a.unit == b.unit == "USD"
    assert same_quantity(a, b) and same_quantity(b, a)
    assert one("£600m").unit == "GBP" and one("€3bn").unit == "EUR"


def test_scales_agree():
    values = [one(t).value for t in ("1.4bn", "1.4 billion", "1,400,000,000", "1400000000")]
    assert values == [1_400_000_000] * 4
    assert same_quantity(one("1.4bn"), one("1.4 billion"))


@pytest.mark.parametrize("text", ["20%", "20 per cent", "20 percent", "20 pc", "twenty per cent"])
def test_percent_forms(text):
    q = one(text)
    assert (q.value, q.unit) == (20, "%")
    assert same_quantity(q, one("20%"))


def test_number_words():
    q = one("five people")
    assert q.value == 5 and q.context == "people"
    assert same_quantity(q, one("5 people"))
    assert one("twenty-five cats").value == 25
    assert one("two million").value == 2_000_000
    assert parse_quantities("one of the biggest investors") == []  # "one" here is not a count


def test_dates_weekdays_months_years():
    assert (one("on Tuesday").unit, one("on Tuesday").value) == ("weekday", 1)
    assert (one("in March").unit, one("in March").value) == ("month", 2)
    assert one("in 2003").unit == "year"
    assert not same_quantity(one("on Tuesday"), one("on Friday"))
    assert not same_quantity(one("in 2004"), one("in 2003"))
    # "ten" is not October, whatever its position among months.
    assert not same_quantity(one("ten times"), one("in October"))


def test_rounding_and_hedges():
    assert same_quantity(one("about $1.1bn"), one("$1.13bn"))  # rounding to the claim's digits
    assert same_quantity(one("$1.1bn"), one("$1.13bn"))
    assert not same_quantity(one("$1.2bn"), one("$1.13bn"))
    assert not same_quantity(one("76%"), one("75%"))
    assert same_quantity(one("more than 400,000 people"), one("464,000 people"))
    assert not same_quantity(one("more than 500,000 people"), one("464,000 people"))


def test_fractions_read_as_percentages():
    half = one("half of the staff")
    assert (half.value, half.unit) == (50, "%")
    assert not same_quantity(half, one("10%"))


def test_word_keys_share_lemmas_and_paraphrases():
    assert word_key("rose") == word_key("rising") == word_key("rises") == word_key("climbed")
    assert word_key("said") == word_key("stated")
    assert word_key("believes") == "believe"
    assert word_key("fell") != word_key("rose")
