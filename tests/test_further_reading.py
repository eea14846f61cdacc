"""The official-source registry, mention matching and link selection."""

from __future__ import annotations

import json
import re
from importlib import resources
from typing import get_args

import pytest

from briefwire.further_reading import (
    COUNTRY_TERMS,
    INTERNATIONAL_SCOPES,
    Candidate,
    Kind,
    OfficialSource,
    find_candidates,
    has_international_angle,
    load_registry,
    select_links,
)

KINDS = set(get_args(Kind))


def urls(candidates) -> list[str]:
    return [c.url for c in candidates]


# --- registry ---------------------------------------------------------------------------


def test_registry_ships_inside_the_package():
    raw = json.loads(resources.files("briefwire").joinpath("data/official_sources.json").read_text("utf-8"))
    assert isinstance(raw, list) and len(raw) == len(load_registry())


def test_registry_entries_are_well_formed():
    registry = load_registry()
    assert len(registry) >= 150
    names = [s.name.casefold() for s in registry]
    assert len(names) == len(set(names))
    for source in registry:
        assert re.fullmatch(r"https://[a-z0-9.-]+\.[a-z]{2,}", source.domain), source
        assert source.kind in KINDS
        assert source.scope.strip()
        assert isinstance(source.aliases, tuple)
    assert {s.kind for s in registry} == KINDS


def test_registry_covers_the_obvious_bodies():
    domains = {s.domain for s in load_registry()}
    for expected in (
        "https://www.whitehouse.gov",
        "https://www.kremlin.ru",
        "https://www.gov.uk",
        "https://www.mid.ru",
        "https://www.un.org",
        "https://www.imf.org",
        "https://www.federalreserve.gov",
        "https://www.ecb.europa.eu",
        "https://www.ons.gov.uk",
    ):
        assert expected in domains


def test_every_country_term_leads_to_a_government_entry():
    registry = load_registry()
    for country in COUNTRY_TERMS:
        assert any(s.scope == country and s.kind in ("government", "head_of_state") for s in registry), (
            country
        )
    assert not INTERNATIONAL_SCOPES & set(COUNTRY_TERMS)


def test_registry_validation_rejects_paths_and_http():
    for bad in ("https://www.gov.uk/foreign-office", "http://www.gov.uk", "www.gov.uk", "https://x"):
        with pytest.raises(ValueError):
            OfficialSource(name="X", scope="United Kingdom", kind="government", domain=bad)


# --- find_candidates --------------------------------------------------------------------

ARTICLE = (
    "The Kremlin on Tuesday rejected the proposal. Russian President Vladimir Putin said the terms "
    "were unacceptable, while the U.S. State Department urged restraint. The IMF warned that the "
    "conflict could slow growth, and the Fed is watching energy prices."
)


def test_candidates_for_named_bodies():
    found = find_candidates(ARTICLE)
    by_url = {c.url: c for c in found}
    assert {
        "https://www.kremlin.ru",
        "https://www.state.gov",
        "https://www.imf.org",
        "https://www.federalreserve.gov",
    } <= set(by_url)
    assert by_url["https://www.state.gov"].matched == "U.S. State Department"
    assert by_url["https://www.imf.org"].matched == "IMF"
    # Two mentions (the Kremlin, Russian President) outrank one.
    assert found[0].url == "https://www.kremlin.ru"
    assert found[0].score > by_url["https://www.imf.org"].score


def test_acronyms_match_case_sensitively_only():
    assert find_candidates("Who decides? Nobody knows who will pay, and we fed the ducks.") == []
    assert urls(find_candidates("The WHO declared an emergency.")) == ["https://www.who.int"]
    # Longer names match in any case, e.g. in an all-caps headline.
    assert urls(find_candidates("WORLD HEALTH ORGANIZATION DECLARES EMERGENCY")) == ["https://www.who.int"]
    assert find_candidates("the imf said") == []


def test_word_boundaries():
    assert find_candidates("The UNESCOs and FEDEX and Kremlinology fans") == []
    assert urls(find_candidates("Kremlin-backed media said")) == ["https://www.kremlin.ru"]


def test_longest_alias_wins():
    found = find_candidates("The Federal Foreign Office in Berlin disagreed.")
    assert found[0].url == "https://www.auswaertiges-amt.de"
    assert "https://www.gov.uk" not in urls(found)  # not the UK "Foreign Office"


def test_country_mentions_score_below_bodies():
    found = find_candidates(
        "Russia and Russian officials in Moscow met British and UK envoys. The IMF agreed."
    )
    by_url = {c.url: c for c in found}
    assert by_url["https://www.gov.uk"].via == "country"
    assert by_url["https://www.kremlin.ru"].via == "country"
    assert by_url["https://www.kremlin.ru"].matched == "Russia"
    assert found[0].url == "https://www.imf.org"  # one body mention beats three country mentions
    assert all(c.score < 1 for c in found if c.via == "country")


def test_country_words_match_only_as_proper_nouns():
    assert find_candidates("We ate turkey with china plates and polish.") == []
    assert [c.scope for c in find_candidates("Turkey and China and Poland")] == [
        "Turkey",
        "China",
        "Poland",
    ]


def test_stop_phrases_are_not_country_mentions():
    assert find_candidates("Flooding in New Mexico and British Columbia.") == []


def test_entities_count_as_mentions():
    assert find_candidates("Officials met on Monday.") == []
    found = find_candidates(
        "Officials met on Monday.", entities=["Bank of England", "Bank of England", "nobody"]
    )
    assert urls(found) == ["https://www.bankofengland.co.uk"]
    assert found[0].matched == "Bank of England" and found[0].score == 1.0


def test_candidates_are_deduplicated_by_url_and_deterministic():
    text = "Downing Street and the Home Office and the FCDO and HM Treasury all said no."
    found = find_candidates(text)
    assert urls(found) == ["https://www.gov.uk"]
    assert found[0].name == "Prime Minister's Office, 10 Downing Street"  # first mentioned
    assert find_candidates(ARTICLE) == find_candidates(ARTICLE)
    assert len(find_candidates(ARTICLE, limit=2)) == 2


# --- select_links -----------------------------------------------------------------------


def test_select_links_distinct_registry_urls():
    links = select_links(find_candidates(ARTICLE + " Downing Street and the Home Office agreed."))
    assert 2 <= len(links) <= 4
    domains = {s.domain for s in load_registry()}
    assert all(link.url in domains for link in links)
    assert len({link.url for link in links}) == len(links)
    assert links[0].url == "https://www.kremlin.ru"


def test_select_links_respects_k_max():
    assert len(select_links(find_candidates(ARTICLE), k_max=1)) == 1


def test_select_links_ignores_candidates_not_from_registry():
    forged = [
        Candidate(name="Kremlin", url="https://evil.example", score=9.0, matched="Kremlin", scope="Russia"),
        Candidate(name="Totally Official", url="https://www.un.org", score=8.0, matched="x", scope="Russia"),
    ]
    assert select_links(forged, k_min=0) == []


def test_fallbacks_only_with_an_international_angle():
    domestic = find_candidates("The Fed held rates steady.")
    assert not has_international_angle(domestic)
    assert [link.url for link in select_links(domestic)] == ["https://www.federalreserve.gov"]
    assert select_links(find_candidates("Nothing official here.")) == []

    abroad = find_candidates("The Russian Foreign Ministry summoned the envoy.")
    assert has_international_angle(abroad) is False  # one country, no international body
    links = select_links(abroad, international=True)
    assert [link.url for link in links] == ["https://www.mid.ru", "https://www.kremlin.ru"]

    unhcr = find_candidates("UNHCR said thousands had fled.")
    assert has_international_angle(unhcr)
    assert [link.url for link in select_links(unhcr)] == ["https://www.unhcr.org", "https://www.un.org"]


def test_a_single_country_mention_is_not_enough_for_a_link():
    once = find_candidates("The British driver won the race.")
    assert urls(once) == ["https://www.gov.uk"]
    assert select_links(once) == []
    twice = find_candidates("The UK economy grew, British officials said.")
    assert [link.url for link in select_links(twice)] == ["https://www.gov.uk"]


def test_passing_country_mentions_do_not_trigger_fallbacks():
    sport = find_candidates("The British driver won in Melbourne for the US team; the Chinese race is next.")
    assert {c.via for c in sport} == {"country"}
    assert select_links(sport) == []


AWARDS = (
    "Parasite wins top prize at the Screen Actors Guild awards\n"
    "The South Korean film Parasite won the top award at the Screen Actors Guild awards on Sunday. "
    "The film's cast beat stars from four other films to the prize. American actress Renee Zellweger "
    "and American actor Joaquin Phoenix won the awards for best actress and best actor. British film "
    "1917 missed out on the award, although its British director said the film had a strong season."
)


def test_an_awards_story_links_no_government_for_its_country_words():
    from briefwire.further_reading import off_government_subject

    assert off_government_subject(AWARDS) == "arts and entertainment"
    links = select_links(find_candidates(AWARDS), on_topic=off_government_subject(AWARDS))
    assert links == []  # none rather than the White House for "American actress"
    assert select_links(find_candidates(AWARDS))  # what it linked before the remit rule


def test_a_policy_story_keeps_its_government_links():
    from briefwire.further_reading import off_government_subject

    text = (
        "The UK government announced a new budget on Wednesday. The chancellor told MPs that the "
        "British economy would grow, and the prime minister defended the policy in parliament."
    )
    assert off_government_subject(text) is None


def test_a_company_story_links_no_government_for_its_country_words():
    from briefwire.further_reading import OUTSIDE_GOVERNMENT, off_government_subject

    # dd1: a Dutch bank's job cuts linked the Dutch government, USA.gov and the White House.
    text = (
        "Dutch bank to lay off 2,850 staff\n"
        "Dutch bank ABN Amro is to cut 2,850 jobs as it tries to lower costs. The Dutch lender said "
        "most of the cuts would fall in the Netherlands, with others in its US operations. The US "
        "business has been hit by falling profits, and Dutch unions said they would fight the cuts."
    )
    assert off_government_subject(text) == OUTSIDE_GOVERNMENT
    assert select_links(find_candidates(text))  # country words alone still reach governments
    assert select_links(find_candidates(text), on_topic=off_government_subject(text)) == []
    # A body the story names outright is still linked.
    named = text + " The Securities and Exchange Commission is looking into the US accounts."
    links = select_links(find_candidates(named), on_topic=off_government_subject(named))
    assert [link.name for link in links] == ["Securities and Exchange Commission"]
