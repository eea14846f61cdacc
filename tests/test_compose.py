"""Composition logic with a scripted backend: schemas, retries, repairs, errors, prompt layout."""

from __future__ import annotations

import re

import pytest
from fakes import cited

from briefwire.compose import retell
from briefwire.compose.composer import MAX_ATTEMPTS, TITLE_HEADLINE_NOTE, Composer, compose
from briefwire.compose.quality import SourceText, is_cut_off, near_duplicate, problems_in
from briefwire.compose.sections import SPECS, KeyPointsOut
from briefwire.errors import GenerationError
from briefwire.llm.fake import FakeBackend
from briefwire.model import Article
from briefwire.text import article_sentences, smart_quotes

ARTICLE = Article(
    title="Port of Harwick reopens after storm",
    text=(
        "The Port of Harwick reopened on Monday following a three-day closure caused by Storm Elin. "
        'Harbour master Jane Okafor said "the quays are safe again" after engineers inspected them.\n\n'
        "About 40 ships had been waiting offshore. The closure cost local businesses an estimated £2m a day, "
        "according to the Harwick Chamber of Commerce.\n\n"
        "Forecasters expect calmer weather for the rest of the week."
    ),
)

# Each shortens the sentence it cites (1, 2 and 3): a point that rewords its source stands down
# for the source's own words.
KEY_POINTS = [
    "The Port of Harwick reopened on Monday following a three-day closure.",
    "Jane Okafor said the quays were safe after engineers inspected them.",
    "About 40 ships had been waiting offshore.",
]

TAKEAWAY = "The closure cost local businesses about £2m a day, according to the chamber."

# The article sentences (numbered from 1) the narrative is given, and what it makes of them: the
# key points rest on 1-3, the takeaway on 4, and 3 is too short to retell, so too few are left
# and it retells the other central ones.
GIVEN = [1, 2, 4, 5]
NARRATIVE = [
    "A three-day closure was caused by Storm Elin.",
    "Harbour master Jane Okafor said the quays are safe again.",
    "Businesses lost an estimated £2m a day, according to the Harwick Chamber of Commerce.",
    "Forecasters expect calmer weather this week.",
]
# Four retellings make two paragraphs of two.
PARAGRAPHS = [" ".join(NARRATIVE[:2]), " ".join(NARRATIVE[2:])]

GOOD = {
    "headline": {"headline": "Harwick port reopens after three-day storm closure"},
    "key_points": cited(KEY_POINTS),
    "narrative": {"retold": NARRATIVE},
    "narrative.takeaway": {"retold": [TAKEAWAY]},
    "deep_dive.context": {
        "title": "Why a three-day closure hurt Harwick",
        "main_development": "The Port of Harwick reopened after Storm Elin closed it for three days.",
        "context": [
            "Harwick relies on shipping for much of its trade. A closure of even a few days ripples through "
            "warehouses, hauliers and shops that wait for goods."
        ],
    },
    "deep_dive.outlook": {
        "resolutions": [
            "Operators may clear the backlog of waiting ships within days.",
            "Insurers could review storm cover for the quays.",
        ],
        "practical_steps": [
            "Businesses can plan extra storage before storm season.",
            "Hauliers can reschedule collections with the port.",
        ],
        "trends": [
            "Storm closures may become more frequent as weather grows harsher.",
            "Ports are investing more in quay inspections.",
        ],
    },
    "deep_dive.assessment": {
        "pros": [
            "The inspection put safety first.",
            "Jane Okafor declared the quays safe before ships moved.",
        ],
        "cons": ["Traders lost money every day of the closure.", "Ships faced long waits offshore."],
        "recommendations": [
            "Local officials should publish a storm response plan.",
            "Businesses should budget for short closures.",
        ],
    },
}


def scripted(overrides: dict[str, list[object]] | None = None) -> FakeBackend:
    """Answers by section (found from the instruction), with optional per-section answer queues."""
    queues = {name: list(answers) for name, answers in (overrides or {}).items()}
    by_output = {(spec.draft or spec.output).__name__: spec.name for spec in SPECS}

    def respond(messages, schema):
        name = by_output[schema["title"]]
        return queues[name].pop(0) if queues.get(name) else GOOD[name]

    return FakeBackend(responder=respond)


def run(backend: FakeBackend, sections=("headline", "key_points", "narrative", "deep_dive")):
    composer = Composer(backend, ARTICLE, seed=7)
    return composer, compose(composer, sections)


def test_the_headline_is_the_articles_title_without_a_model_call():
    backend = scripted()
    composer, (headline, *_) = run(backend, sections=("headline",))
    assert headline == ARTICLE.title
    assert backend.calls == [] and composer.stats[0].name == "headline"
    assert composer.stats[0].generated_tokens == 0


def test_without_a_title_the_headline_is_written_from_the_lead():
    backend = scripted()
    composer = Composer(backend, ARTICLE.model_copy(update={"title": None}), seed=7)
    headline, *_ = compose(composer, ("headline",))
    assert headline == GOOD["headline"]["headline"]
    assert "first paragraph" in backend.calls[0]["messages"][-1]["content"]


def test_full_briefing_from_valid_answers():
    composer, (headline, key_points, narrative, deep_dive) = run(scripted())
    assert headline == ARTICLE.title
    assert len(key_points) == 3
    assert narrative is not None and narrative.paragraphs == PARAGRAPHS
    assert deep_dive is not None and deep_dive.title.startswith("Why")
    assert deep_dive.pros and deep_dive.cons and deep_dive.recommendations
    assert [s.name for s in composer.stats] == [spec.name for spec in SPECS]
    assert [s.attempts for s in composer.stats] == [0] + [1] * (len(SPECS) - 1)  # the title: no call
    assert composer.notes == [TITLE_HEADLINE_NOTE]


def test_prompt_layout_article_first_instruction_last():
    backend = scripted()
    run(backend)
    heads = []
    for call in backend.calls:
        user = call["messages"][-1]["content"]
        head, _, task = user.partition("\n\nTASK:\n")
        heads.append((call["schema"]["title"] == "KeyPointsCited", head))
        assert "three-day closure caused by Storm Elin" in head
        # The task holds no more of the article than the sentences a retelling is given.
        given = task.split("ARTICLE SENTENCES:\n")[1] if "ARTICLE SENTENCES:" in task else ""
        assert "Forecasters expect" not in task.replace(given, "")
        assert "Chamber of Commerce" not in task.replace(given, "")
    # Every call starts with one byte-identical article prefix, and the citing calls share the
    # numbered sentences after it: the KV cache serves both after their first call.
    plain = {head for citing, head in heads if not citing}
    numbered = {head for citing, head in heads if citing}
    assert len(plain) == 1 and len(numbered) == 1
    article, cited = plain.pop(), numbered.pop()
    assert cited.startswith(article) and "[2] Harbour master Jane Okafor said" in cited
    # Straight quotes reach the model as typographic ones (no JSON escaping needed).
    assert "“the quays are safe again”" in article


def test_key_points_name_numbered_article_sentences_and_keep_them_as_cites():
    answer = {
        "key_points": [
            {"sentences": [1], "point": KEY_POINTS[0]},
            {"sentences": [2, 2], "point": KEY_POINTS[1]},  # a repeated number counts once
            {"sentences": [4, 99], "point": KEY_POINTS[2]},  # 99 was never shown: ignored
        ]
    }
    backend = scripted({"key_points": [answer]})
    composer, (_, key_points, _, _) = run(backend, sections=("key_points",))
    call = backend.calls[0]
    shown = call["messages"][-1]["content"].split("TASK:")[0]
    assert "[2] Harbour master Jane Okafor said" in shown and "[5] Forecasters expect" in shown
    items = call["schema"]["$defs"]["CitedKeyPoint"]["properties"]["sentences"]["items"]
    assert items["enum"] == [1, 2, 3, 4, 5]  # the model can only name sentences it was shown
    # Ids are positions in the article's sentences, as grounding evidence numbers them.
    assert composer.cites_in({"key_points": key_points}) == {
        "key_points[0]": [0],
        "key_points[1]": [1],
        "key_points[2]": [3],
    }


def test_a_key_point_that_rewords_its_source_stands_down_for_the_sources_own_words():
    # Modelled on a real one: "Bookmakers Ladbrokes has even odds of being the first contestant
    # to be voted off" for "Ladbrokes says the singer has even odds ...": the actor swapped.
    swapped = "Engineers said the quays were safe after Jane Okafor inspected them."
    answer = {
        "key_points": [
            {"sentences": [1], "point": KEY_POINTS[0]},
            {"sentences": [2], "point": swapped},
            {"sentences": [3], "point": KEY_POINTS[2]},
        ]
    }
    backend = scripted({"key_points": [answer]})
    composer, (_, key_points, _, _) = run(backend, sections=("key_points",))
    source = smart_quotes(article_sentences(ARTICLE.text)[1])
    assert swapped not in key_points and key_points[1] == source
    assert composer.cites_in({"key_points": key_points})["key_points[1]"] == [1]
    assert any("reworded sentence 2" in note for note in composer.notes)
    assert len(backend.calls) == 1  # no retry needed


def test_a_point_that_stands_down_cites_only_the_sentence_whose_words_it_keeps():
    swapped = "Engineers said the quays were safe after Jane Okafor inspected them."
    answer = {
        "key_points": [
            {"sentences": [1], "point": KEY_POINTS[0]},
            {"sentences": [2, 4], "point": swapped},
            {"sentences": [3], "point": KEY_POINTS[2]},
        ]
    }
    composer, (_, key_points, _, _) = run(scripted({"key_points": [answer]}), sections=("key_points",))
    assert key_points[1] == smart_quotes(article_sentences(ARTICLE.text)[1])
    # A later line that leans on sentence 4 must not count this point as naming what it says.
    assert composer.cites_in({"key_points": key_points})["key_points[1]"] == [1]


def test_a_point_citing_two_sentences_that_says_one_rests_on_that_one():
    court = (
        "The special Election Court, the first in living memory to hear allegations of vote-rigging, "
        "opened in Birmingham last month."
    )
    case = "The case against the three men is being brought by local Liberal Democrat supporters."
    said_one = "The special Election Court opened in Birmingham last month."
    assert retell.resting_on(said_one, [court, case]) == [0]
    both = (
        "The Election Court opened in Birmingham last month to hear a case brought by local Liberal "
        "Democrat supporters."
    )
    assert retell.resting_on(both, [court, case]) == [0, 1]
    # So the next point's "They" (the supporters, in the article's next sentence) is not anchored.
    they = "They claim the trio benefited from the widespread misuse of postal votes."
    assert retell.unanchored([(said_one, [6]), (they, [8])]) == [they]
    assert retell.unanchored([(both, [6, 7]), (they, [8])]) == []


@pytest.mark.parametrize(
    ("sentence", "alone"),
    [
        ("More than half are from Europe with France particularly well represented.", False),
        ("48% were pessimistic about their national economy.", False),
        ("The rest will be sold next year.", False),
        ("Half of the 21 films in competition are from Europe.", True),
        ("Some 350 films will screen at the festival.", True),
        ("Girls Aloud, Akon and Kaiser Chiefs each released singles in the top ten.", True),
        # "he" or "her" before anyone the sentence names (v12), and an opening with an apostrophe
        ("Because he did not intend to kill deer or foxes it was not hunting.", False),
        ("The judges were full of praise for her writing.", False),
        ("That's disappointing because the extras were dropped.", False),
        ("The entrepreneur said he would use the money to pay for college.", True),
        ("Irons said he had wondered whether he should attend.", True),
    ],
)
def test_a_line_that_counts_or_says_he_before_naming_anyone_leans_on_an_earlier_one(sentence, alone):
    assert retell.stands_alone(sentence) is alone


def test_a_key_point_does_not_stand_down_for_a_source_that_leans_on_the_sentence_before():
    swapped = "The cardinal criticised the cost of the war in Iraq on the radio."
    sources = ["He criticised the fact that billions have been spent on war, on Thought for the Day."]
    # The source's own "He" would name whoever the point before it names: no point, not that.
    assert retell.kept_to_sources(swapped, sources) is None
    assert (
        retell.kept_to_sources(
            "Billions have been spent on war, the cardinal said.",
            ["Billions have been spent on war, the cardinal said on Thought for the Day."],
        )
        == "Billions have been spent on war, the cardinal said."
    )


def test_a_long_article_shows_only_its_most_central_sentences_in_order():
    from briefwire.compose.citing import CITE_CANDIDATES

    filler = " ".join(f"Dock {n} in Harwick handled {n} ships last year." for n in range(1, 30))
    long_article = ARTICLE.model_copy(update={"text": ARTICLE.text + "\n\n" + filler})
    composer = Composer(scripted(), long_article, seed=7)
    shown = composer.candidates
    assert len(shown) == CITE_CANDIDATES and shown == sorted(shown)


def test_every_call_is_schema_constrained_and_bounded():
    backend = scripted()
    run(backend)
    for call in backend.calls:
        assert call["schema"] is not None
        assert call["params"].max_tokens > 0
        assert call["params"].repeat_penalty > 1.0


def test_sections_subset_only_calls_those():
    backend = scripted()
    _, (headline, key_points, narrative, deep_dive) = run(backend, sections=("key_points",))
    assert headline is None and narrative is None and deep_dive is None
    assert len(key_points) == 3
    assert len(backend.calls) == 1


def test_truncated_json_is_retried_with_another_seed():
    truncated = '{"key_points": [{"sentences": [1], "point": "The Port of Harwick reopened on Monday after'
    backend = scripted({"key_points": [truncated]})
    composer, (_, key_points, _, _) = run(backend, sections=("key_points",))
    assert len(key_points) == 3
    assert composer.stats[0].attempts == 2
    seeds = [c["params"].seed for c in backend.calls]
    assert seeds[0] != seeds[1]


def test_invalid_output_every_time_names_the_section():
    backend = scripted({"key_points": ["not json"] * MAX_ATTEMPTS})
    with pytest.raises(GenerationError, match=r"key_points.*3 attempts.*invalid or truncated JSON"):
        run(backend, sections=("key_points",))


def test_schema_violation_is_reported():
    too_few = cited(["Only one key point here, which is not enough."])
    backend = scripted({"key_points": [too_few] * MAX_ATTEMPTS})
    with pytest.raises(GenerationError, match="schema violation"):
        run(backend, sections=("key_points",))


def test_copied_narrative_is_retried_then_accepted_when_rewritten():
    sentences = article_sentences(ARTICLE.text)
    copied = {"retold": [sentences[n - 1] for n in GIVEN]}
    backend = scripted({"narrative": [copied]})
    composer, (_, _, narrative, _) = run(backend, sections=("key_points", "narrative"))
    assert narrative is not None
    assert narrative.paragraphs == PARAGRAPHS
    assert stats_of(composer, "narrative").attempts == 2
    # The retry uses stricter repetition settings.
    first, second = (c["params"] for c in backend.calls if c["schema"]["title"] == "NarrativeOut")
    assert second.repeat_penalty > first.repeat_penalty


def test_duplicate_sentence_is_dropped_without_a_retry():
    repeating = {"retold": [KEY_POINTS[0], *NARRATIVE[1:]]}
    backend = scripted({"narrative": [repeating]})
    composer, (_, _, narrative, _) = run(backend, sections=("key_points", "narrative"))
    assert narrative is not None
    assert narrative.paragraphs == [NARRATIVE[1], PARAGRAPHS[1]]
    assert stats_of(composer, "narrative").attempts == 1
    assert any("duplicate" in n for n in composer.notes)


def test_the_narrative_is_given_numbered_sentences_with_word_limits_and_cites_them():
    backend = scripted()
    composer, (_, _, narrative, _) = run(backend, sections=("key_points", "narrative"))
    call = next(c for c in backend.calls if c["schema"]["title"] == "NarrativeOut")
    task = call["messages"][-1]["content"].split("TASK:")[1]
    sentences = article_sentences(ARTICLE.text)
    for n in GIVEN:
        limit = max(retell.MIN_WORDS, round(retell.WORD_SHARE * len(sentences[n - 1].split())))
        assert f"[{n}] (at most {limit} words) {smart_quotes(sentences[n - 1])}" in task
    # One retelling per given sentence, each shorter than its sentence.
    items = call["schema"]["properties"]["retold"]["prefixItems"]
    assert len(items) == len(GIVEN)
    for n, item in zip(GIVEN, items, strict=True):
        pattern = re.compile(item["pattern"])
        assert not pattern.match(sentences[n - 1])
        assert pattern.match(smart_quotes(sentences[n - 1])[:40].rstrip() + ".")
    assert composer.cites_in({"narrative": narrative.model_dump()}) == {
        "narrative.paragraphs[0]": [0, 1],
        "narrative.paragraphs[1]": [3, 4],
        "narrative.key_takeaway": [3],
    }


def test_run_stats_sum_attempts():
    truncated = '{"key_points": ['
    backend = scripted({"key_points": [truncated]})
    composer, _ = run(backend, sections=("key_points",))
    stats = composer.stats[0]
    assert stats.attempts == 2
    assert stats.generated_tokens == sum(len(str(x).split()) for x in [truncated]) + len(
        __import__("json").dumps(GOOD["key_points"]).split()
    )


# -- content checks -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "cut"),
    [
        ("The port reopened on Monday.", False),
        ("He said it was “safe again.”", False),
        ("The plan covers both the.", True),
        ("The plan covers", True),
        ("He said “the quays are safe.", True),
        ("He could not say when it would be b.", True),
        ("The vote went to Plan B.", False),
        ("One key takeaway from the article is that Japan Airlines,!", True),
    ],
)
def test_cut_off_detection(sentence, cut):
    assert is_cut_off(sentence) is cut


@pytest.mark.parametrize(
    ("sentence", "speaks"),
    [
        ("Lewsey added that the ball was scooped back and to our surprise a turnover was given.", True),
        ("Fisher said he would have me go to the auction to pay for my forehead.", True),
        ('Lewsey said: "To our surprise the referee gave a turnover."', False),
        ("Mennear called it 'our worst day' and the US said it would act.", False),
    ],
)
def test_a_speakers_first_person_outside_quotation_marks_is_a_problem(sentence, speaks):
    found = problems_in({"key_points[0]": [sentence]})
    assert ("voice" in [p.kind for p in found]) is speaks


def test_a_retelling_that_restates_a_key_point_is_a_repeat():
    point = "The German festival opens with Man To Man, a historical epic starring Kristin Scott Thomas."
    fields = {"narrative.paragraphs[0]": ["Man to Man opens the German festival on 10 February."]}
    found = problems_in(fields, earlier=[point], rewrite_fields=list(fields))
    assert [p.kind for p in found] == ["duplicate"]
    # A key point may share as much with another: only a retelling must say something new.
    assert not problems_in({"key_points[1]": fields["narrative.paragraphs[0]"]}, earlier=[point])
    other = {"narrative.paragraphs[0]": ["Kristin Scott Thomas also stars in a London play this spring."]}
    assert not problems_in(other, earlier=[point], rewrite_fields=list(other))


def test_a_short_retelling_saying_three_words_of_a_key_point_is_a_repeat():
    # v15: the narrative said again, in three content words of four, what a key point said.
    point = "Mr Ebbers has denied multiple charges of conspiracy and fraud."
    fields = {"narrative.paragraphs[0]": ["Mr Ebbers has denied all the charges."]}
    found = problems_in(fields, earlier=[point], rewrite_fields=list(fields))
    assert [p.kind for p in found] == ["duplicate"]
    other = {"narrative.paragraphs[0]": ["Mr Ebbers faces a trial in New York."]}
    assert not problems_in(other, earlier=[point], rewrite_fields=list(other))


def test_near_duplicates():
    assert near_duplicate(
        "The port reopened on Monday after the storm.", "On Monday the port reopened after the storm."
    )
    assert not near_duplicate("The port reopened on Monday.", "Forecasters expect calmer weather this week.")


def test_copy_detection_uses_long_shared_runs():
    source = SourceText.of(ARTICLE.text)
    assert source.copied_sentence(
        "The Port of Harwick reopened on Monday following a three-day closure caused by Storm Elin."
    )
    assert not source.copied_sentence("Ships are moving again at Harwick after the storm.")


def test_a_sentence_with_a_word_or_two_left_out_is_still_a_copy():
    source = SourceText.of(
        "The WMA format also includes so-called Digital Rights Management which is used to block piracy."
    )
    assert source.copied_sentence(
        "The WMA format includes so-called Digital Rights Management which is used to block piracy."
    )
    assert not source.copied_sentence("The WMA format includes Digital Rights Management.")


def test_a_line_that_begins_inside_a_quotation_is_cut_off():
    assert is_cut_off("They're on an incredible winning streak,” he told the Reuters agency.")
    assert not is_cut_off("“They're on an incredible winning streak,” he told the Reuters agency.")


def test_problems_in_reports_paths():
    problems = problems_in(
        {"key_points[0]": ["The port reopened."], "key_points[1]": ["The port reopened."]},
    )
    assert [(p.path, p.kind) for p in problems] == [("key_points[1]", "duplicate")]


def test_schema_patterns_forbid_quotes_and_require_an_ending():
    pattern = re.compile(KeyPointsOut.model_json_schema()["properties"]["key_points"]["items"]["pattern"])
    assert pattern.match("The central bank cut rates to 4.5% on Thursday.")
    assert not pattern.match('The minister said "no" to the plan on Thursday.')
    assert not pattern.match("The central bank cut rates to 4.5% on Thursday and then")
    # One sentence per key point: no full stop followed by a space.
    assert not pattern.match("Rates fell sharply. Markets rallied on the news that day.")


def narrative_with(line: str, at: int = 1) -> dict:
    """The good narrative with retelling ``at`` replaced by ``line``."""
    return {"retold": [line if i == at else text for i, text in enumerate(NARRATIVE)]}


def takeaway(text: str) -> dict:
    return {"retold": [text]}


def stats_of(composer: Composer, name: str):
    return next(s for s in composer.stats if s.name == name)


def test_last_resort_repair_keeps_a_shorter_section_rather_than_a_copy():
    copied = "Harbour master Jane Okafor said “the quays are safe again” after engineers inspected."
    # Every attempt copies a source sentence; dropping it leaves a valid section each time.
    backend = scripted({"narrative": [narrative_with(copied)] * MAX_ATTEMPTS})
    _, (_, _, narrative, _) = run(backend, sections=("key_points", "narrative"))
    assert narrative is not None
    assert copied not in " ".join(narrative.paragraphs)
    assert narrative.paragraphs == [NARRATIVE[0], PARAGRAPHS[1]]


def test_takeaway_repeating_a_paragraph_drops_the_paragraph_sentence_instead():
    twin = "The closure cost local businesses dearly, according to the chamber."
    backend = scripted(
        {"narrative": [narrative_with(twin)] * MAX_ATTEMPTS, "narrative.takeaway": [takeaway(twin)]}
    )
    composer, (_, _, narrative, _) = run(backend, sections=("key_points", "narrative"))
    assert stats_of(composer, "narrative").attempts == 1  # repaired at once, no regeneration
    assert narrative is not None
    assert narrative.key_takeaway == twin
    assert twin not in " ".join(narrative.paragraphs)


def test_a_retelling_that_ran_into_its_length_cap_is_dropped_as_cut_off():
    sentence = article_sentences(ARTICLE.text)[0]
    cap = retell.char_cap(sentence)
    cut = sentence[: cap - 3].rstrip() + "."  # the grammar made it end here, whatever the phrase
    backend = scripted({"narrative": [narrative_with(cut, at=0)]})
    composer, (_, _, narrative, _) = run(backend, sections=("key_points", "narrative"))
    assert narrative is not None and cut not in " ".join(narrative.paragraphs)
    assert narrative.paragraphs == [NARRATIVE[1], PARAGRAPHS[1]]
    assert stats_of(composer, "narrative").attempts == 1
    assert any("cut off" in note for note in composer.notes)


# -- top-ups: only the missing list items are asked for again ----------------------------


def _key_points_repeating_one() -> dict:
    """Three key points, the third a repeat of the second (from the same sentence): dropping it
    leaves one too few."""
    answer = cited([KEY_POINTS[0], KEY_POINTS[1], KEY_POINTS[1]])
    answer["key_points"][2]["sentences"] = [2]
    return answer


# A topped-up point names no sentence: it must shorten one (5), which it then cites.
NEW_POINT = "Forecasters expect calmer weather for the week."


def scripted_with_top_ups(overrides: dict[str, list[object]], top_ups: list[object]) -> FakeBackend:
    inner = scripted(overrides)
    queue = list(top_ups)

    def respond(messages, schema):
        if schema["title"] == "TopUpOut":
            return queue.pop(0)
        return inner._responder(messages, schema)

    return FakeBackend(responder=respond)


def test_a_list_left_short_by_a_repair_is_topped_up_without_a_new_generation():
    backend = scripted_with_top_ups(
        {"key_points": [_key_points_repeating_one()]}, [{"key_points": [NEW_POINT]}]
    )
    composer, (_, key_points, _, _) = run(backend, sections=("key_points", "narrative"))
    assert key_points == [KEY_POINTS[0], KEY_POINTS[1], NEW_POINT]
    stats = composer.stats[0]
    assert (stats.attempts, stats.top_ups) == (1, 1)
    call = backend.calls[1]
    # Exactly the missing item is asked for, with what it must not repeat, after the cached article.
    wanted = call["schema"]["properties"]["key_points"]
    assert wanted["minItems"] == wanted["maxItems"] == 1
    assert set(call["schema"]["properties"]) == {"key_points"}
    task = call["messages"][-1]["content"].split("TASK:")[1]
    assert "1 more key points" in task and KEY_POINTS[1] in task
    assert call["messages"][-1]["content"].startswith(
        backend.calls[0]["messages"][-1]["content"].split("TASK:")[0]
    )
    assert call["params"].max_tokens < 100
    assert any("wrote 1 new item" in n for n in composer.notes)
    # An item written by a top-up names no sources: it is kept as a shortening of one, and cites it.
    assert composer.cites_in({"key_points": key_points}) == {
        "key_points[0]": [0],
        "key_points[1]": [1],
        "key_points[2]": [4],
    }


def test_a_topped_up_key_point_that_shortens_no_sentence_is_not_kept():
    invented = "The Port of Harwick has maintained a neutral stance on storm closures."
    backend = scripted_with_top_ups(
        {"key_points": [_key_points_repeating_one()]}, [{"key_points": [invented]}]
    )
    composer, (_, key_points, _, _) = run(backend, sections=("key_points",))
    assert invented not in key_points
    assert composer.retell_problems[invented] == "reworded"


def test_a_top_up_that_fails_the_checks_falls_back_to_a_new_generation():
    repeat = {"key_points": [KEY_POINTS[1]]}
    backend = scripted_with_top_ups({"key_points": [_key_points_repeating_one()]}, [repeat])
    composer, (_, key_points, _, _) = run(backend, sections=("key_points",))
    assert key_points == KEY_POINTS
    stats = composer.stats[-1]
    assert (stats.attempts, stats.top_ups) == (2, 1)


def test_narrative_paragraphs_and_emptied_takeaways_are_not_topped_up():
    from briefwire.compose.quality import Problem
    from briefwire.compose.repair import plan_top_up
    from briefwire.compose.sections import AssessmentOut, NarrativeOut, TakeawayOut

    specs = {spec.name: spec for spec in SPECS}
    narrative = NarrativeOut(paragraphs=PARAGRAPHS)
    first = NARRATIVE[0]
    assert (
        plan_top_up(specs["narrative"], narrative, [Problem("narrative.paragraphs[0]", "copy", first)])
        is None
    )
    written = TakeawayOut(key_takeaway=TAKEAWAY)
    emptied = [Problem("narrative.key_takeaway", "copy", TAKEAWAY)]
    assert plan_top_up(specs["narrative.takeaway"], written, emptied) is None
    # The deep dive's lists may shrink (or empty: "does not apply"); only the key points are topped up.
    assessment = AssessmentOut.model_validate(GOOD["deep_dive.assessment"])
    con = GOOD["deep_dive.assessment"]["cons"][1]
    problem = [Problem("deep_dive.cons[1]", "duplicate", con)]
    assert plan_top_up(specs["deep_dive.assessment"], assessment, problem) is None
    points = KeyPointsOut(key_points=KEY_POINTS)
    plan = plan_top_up(specs["key_points"], points, [Problem("key_points[2]", "duplicate", KEY_POINTS[2])])
    assert plan is not None and plan.missing == {"key_points": 1}


def test_top_ups_can_be_turned_off():
    backend = scripted({"key_points": [_key_points_repeating_one()]})
    composer = Composer(backend, ARTICLE, seed=7, top_ups=False)
    compose(composer, ("key_points",))
    stats = composer.stats[-1]
    assert (stats.attempts, stats.top_ups) == (2, 0)
    assert all(c["schema"]["title"] != "TopUpOut" for c in backend.calls)


def test_a_misspelt_article_word_is_a_problem_but_another_form_of_one_is_not():
    source = SourceText.of("Dock workers in Antwerp went on strike. Hauliers waited at the quays.")
    fields = {
        "key_points[0]": ["Dock workers in Antwr went on strike."],
        "key_points[1]": ["Hauliers waited at the quay for days."],
    }
    found = problems_in(fields, source=source)
    assert [(p.path, p.kind) for p in found] == [("key_points[0]", "typo")]


def test_pieces_of_a_quotation_are_not_given_to_retell():
    from briefwire.compose.citing import Sources

    text = (
        "Wales prop Adam Jones is ready for a hard game against France on Saturday.\n\n"
        '"Gethin won\'t be intimidated tomorrow, none of us will," said Jones, who faces France for the '
        "first time.\n\n"
        "\"Me and Gethin are quite young so it is good to have someone of Mefin's experience in there.\n\n"
        '"Mefin is a good thinker who puts things across. But what is the saying? If you are good '
        'enough you are old enough."\n\n'
        "France coach Bernard Laporte has named an unchanged side for the match in Paris."
    )
    sources = Sources(text)
    quoted = {sources.sentences[i][:12] for i in sources.quoted}
    assert quoted == {'"Me and Geth', '"Mefin is a ', "But what is ", "If you are g"}
    assert {sources.sentences[i][:12] for i in sources.retell_pool} == {
        "Wales prop A",
        "\"Gethin won'",
        "France coach",
    }


def test_a_line_ending_in_a_dash_or_speaking_as_me_is_a_problem():
    from briefwire.compose.quality import is_cut_off, speaks_unquoted

    assert is_cut_off("The company has been working to streamline its operations -.")
    assert speaks_unquoted("Me and Gethin are young so it's good to have Mefin's experience.")
    assert not speaks_unquoted("The US team won in Paris.")


def test_a_name_of_the_article_in_lower_case_is_a_typo():
    source = SourceText.of(
        "The Spirit Awards were held on Saturday. Last year's big winner, Lost In Translation, won the "
        "Oscar for best original screenplay. The Government said the Labour Party would act."
    )
    assert source.misspelt("Last year's big winner was lost in translation, which won the Oscar.") == (
        "lost in translation"
    )
    assert source.misspelt("The labour party would act.") == "labour party"
    # A capitalised first word is no name, and the name's own words elsewhere are fine.
    assert source.misspelt("The government said the party would act.") is None
    assert source.misspelt("The winner was Lost In Translation.") is None


def test_a_name_with_an_apostrophe_is_no_typo():
    # "O'Herlihy" is one word of the article, read as "O" and "Herlihy" in a line (v15).
    source = SourceText.of("Irish actor Dan O'Herlihy has died. O'Herlihy was 85.")
    assert source.misspelt("Oscar nominee Dan O'Herlihy dies") is None
    assert source.misspelt("Oscar nominee Dan O'Herlihi dies") == "Herlihi"


def test_a_misspelt_name_that_begins_with_an_article_word_is_a_typo():
    # "Courtny" begins with the article's "court" but is no form of it (deep-dive table dd1).
    source = SourceText.of("Courtney Love left court on Friday. The strike goes on.")
    assert source.misspelt("Courtny Love's lawyers spoke.") == "Courtny"
    assert source.misspelt("The courts and the strikers agreed.") is None
    assert source.misspelt("She left court straightaway.") is None


def test_an_initialism_may_end_in_a_full_stop_inside_a_key_point():
    from pydantic import TypeAdapter, ValidationError

    from briefwire.compose.sections import KeyPoint

    adapter = TypeAdapter(KeyPoint)
    assert adapter.validate_python("The U.S. President spoke to Russia's leader on Tuesday.")
    with pytest.raises(ValidationError):  # a real sentence break is still refused
        adapter.validate_python("The talks ended on Monday. A new round begins in May.")


# -- the deep dive: about this story's main development, nothing that fits any story ----------


def test_the_deep_dive_names_the_main_development_and_analyses_it():
    backend = scripted()
    _, (_, _, _, deep_dive) = run(backend)
    assert deep_dive is not None
    assert deep_dive.main_development == GOOD["deep_dive.context"]["main_development"]
    assessment = next(c for c in backend.calls if c["schema"]["title"] == "AssessmentOut")
    task = assessment["messages"][-1]["content"].split("TASK:")[1]
    assert "pros and 2 or 3 cons of the main development" in task
    assert f"The main development: {deep_dive.main_development}" in task
    assert deep_dive.not_applicable == []


def test_items_that_would_fit_any_story_are_detected():
    source = SourceText.of(ARTICLE.text)
    assert source.generic("Focus on quality over quantity.")
    assert source.generic("Stakeholders should improve communication and ensure transparency.")
    assert not source.generic("Hauliers can reschedule collections with the port.")
    assert not source.generic("Engineers should inspect quays again before the next storm.")
    # Another form of an article word ties an item to the story too: "inspections" for "inspected".
    assert not source.generic("Regular inspections should continue.")


def test_analysis_that_restates_the_article_or_speaks_to_the_reader_is_a_problem():
    from briefwire.compose.quality import problems_in

    source = SourceText.of(ARTICLE.text)
    items = {
        # A fact of the article under a heading it does not fit (dd1: "Police are still searching …").
        "deep_dive.resolutions[0]": ["About 40 ships had been waiting offshore for days."],
        "deep_dive.recommendations[0]": ["If you run a business, ask the Harwick Chamber for help."],
        "deep_dive.practical_steps[0]": ["Check your shipment's new date with the Port of Harwick."],
        "deep_dive.trends[0]": ["Harwick's hauliers will plan for longer closures in winter storms."],
    }
    found = {
        (p.path, p.kind)
        for p in problems_in(
            items, source=source, analytic_fields=list(items), reader_fields=["deep_dive.practical_steps[0]"]
        )
    }
    assert found == {
        ("deep_dive.resolutions[0]", "article_fact"),
        ("deep_dive.recommendations[0]", "to_reader"),
    }


def test_a_list_label_before_an_item_is_removed():
    from briefwire.compose.quality import without_item_labels

    answer = '{"pros": ["Pro: The port reopened.", "Prof. Smith said so."], "cons": ["Cons: Ships waited."]}'
    assert without_item_labels(answer) == (
        '{"pros": ["The port reopened.", "Prof. Smith said so."], "cons": ["Ships waited."]}'
    )


def test_generic_items_are_dropped_and_a_list_left_empty_says_it_does_not_apply():
    outlook = dict(GOOD["deep_dive.outlook"])
    outlook["practical_steps"] = ["Focus on quality over quantity.", "Stakeholders should stay informed."]
    outlook["trends"] = [GOOD["deep_dive.outlook"]["trends"][0], "Communication will become more important."]
    assessment = {**GOOD["deep_dive.assessment"], "recommendations": []}  # the model says: none apply
    backend = scripted({"deep_dive.outlook": [outlook], "deep_dive.assessment": [assessment]})
    composer, (_, _, _, deep_dive) = run(backend)
    assert deep_dive is not None
    assert deep_dive.practical_steps == [] and deep_dive.trends == [GOOD["deep_dive.outlook"]["trends"][0]]
    assert deep_dive.not_applicable == ["practical_steps", "recommendations"]
    assert any("deep_dive.outlook: removed 3 sentence(s)" in n and "generic" in n for n in composer.notes)
    assert [s.attempts for s in composer.stats][-2:] == [1, 1]  # dropped, not generated again

    from briefwire.model import Briefing
    from briefwire.render import render
    from briefwire.render.layout import NOT_APPLICABLE

    markdown = render(Briefing(deep_dive=deep_dive), "md")
    steps = markdown.split("### Practical steps")[1].split("###")[0]
    assert NOT_APPLICABLE in steps
    assert NOT_APPLICABLE in markdown.split("### Actionable recommendations")[1]
    assert "### Main development" in markdown and deep_dive.main_development in markdown
    assert markdown.count(NOT_APPLICABLE) == 2  # the lists that have items say nothing of the kind


def test_a_space_lost_between_two_article_words_is_put_back_before_the_checks():
    source = SourceText.of("Mr Ebbers denied the charges. WorldCom collapsed in 2002.")
    assert source.respaced("MrEbbers said WorldCom was sound.") == "Mr Ebbers said WorldCom was sound."
    assert source.respaced("WorldCom and McDonald stay whole.") == "WorldCom and McDonald stay whole."
    joined = takeaway("The closure cost local businesses an estimated £2m a day, the HarwickChamber said.")
    backend = scripted({"narrative.takeaway": [joined]})
    _, (_, _, narrative, _) = run(backend, sections=("key_points", "narrative"))
    assert narrative is not None
    assert (
        narrative.key_takeaway
        == "The closure cost local businesses an estimated £2m a day, the Harwick Chamber said."
    )


def test_the_takeaway_retells_a_sentence_no_key_point_rests_on():
    backend = scripted()
    composer, (_, key_points, narrative, _) = run(backend, sections=("key_points", "narrative"))
    taken = {n for ids in composer.cites_in({"key_points": key_points}).values() for n in ids}
    call = next(c for c in backend.calls if c["schema"]["title"] == "TakeawayOut")
    task = call["messages"][-1]["content"].split("TASK:")[1]
    # Sentence 5 says what happens next, but at 10 words it leaves no room to shorten.
    assert "[4] (at most 12 words) The closure cost local businesses" in task and "[5]" not in task
    assert composer.cites_of(narrative.key_takeaway) == [3] and 3 not in taken


def test_an_instruction_written_back_is_no_retelling():
    leaked = "One complete sentence within the word limit shown that says what it says."
    backend = scripted({"narrative.takeaway": [takeaway(leaked)]})
    composer, (_, _, narrative, _) = run(backend, sections=("key_points", "narrative"))
    assert narrative is not None and narrative.key_takeaway == TAKEAWAY
    assert stats_of(composer, "narrative.takeaway").attempts == 2
    assert (
        any("does not retell" in note for note in composer.notes)
        or stats_of(composer, "narrative.takeaway").attempts == 2
    )


def test_a_takeaway_reworded_at_every_attempt_is_left_empty_not_kept():
    # The article: "an estimated £2m a day"; each attempt reverses it and loses the hedge.
    reworded = "Local businesses gained exactly £2m a day from the closure of the harbour."
    backend = scripted({"narrative.takeaway": [takeaway(reworded)] * MAX_ATTEMPTS})
    composer, (_, _, narrative, _) = run(backend, sections=("key_points", "narrative"))
    assert stats_of(composer, "narrative.takeaway").attempts == MAX_ATTEMPTS
    assert narrative is not None and narrative.key_takeaway == ""
    assert reworded not in " ".join(narrative.paragraphs)
    assert any("no sentence could be retold without rewording" in note for note in composer.notes)


# Two plain sentences that stand alone, for the tests of which sentences a retelling is given.
WALL_VOTE = "The council approved the new harbour wall on Monday after a long debate in the chamber."
CRACKS = "Engineers inspected every quay and found cracks along the whole of the northern pier."


def test_the_takeaway_prefers_a_sentence_on_what_happens_next():
    sentences = [
        WALL_VOTE,
        CRACKS,
        "Work on the wall is expected to start in the spring and should take about two years.",
        "The mayor said.",
    ]
    centrality = {0: 0.9, 1: 0.8, 2: 0.5, 3: 1.0}
    assert retell.pick(sentences, [0, 1, 2, 3], centrality, taken={0}, count=1).ids == (2,)
    assert retell.pick(sentences, [0, 1, 2, 3], centrality, taken={0}, count=2).ids == (1, 2)
    # Too short to retell ("The mayor said."), unless nothing else is left.
    assert retell.pick(sentences, [3], centrality, taken=set(), count=1).ids == (3,)


def test_the_articles_own_wording_is_welcome_only_a_whole_copied_sentence_is_not():
    source = SourceText.of(ARTICLE.text)
    close = [
        "The closure cost local businesses an estimated £2m a day, the chamber says.",
        "Harbour master Jane Okafor said the quays were safe again.",
    ]
    path = "narrative.paragraphs[0]"
    assert problems_in({path: close}, source=source, rewrite_fields=[path]) == []
    whole = "About 40 ships had been waiting offshore."
    assert [p.kind for p in problems_in({path: [whole]}, source=source, rewrite_fields=[path])] == ["copy"]


def test_words_joined_at_a_full_stop_are_respaced_as_the_article_writes_them_or_flagged():
    source = SourceText.of(
        "Labour said Mr Brown had a prominent role. The U.S. envoy spoke at bbc.co.uk on Monday. "
        "The mayor proclaimed Godzilla Day in Hollywood."
    )
    assert source.respaced("Mr.brown will be a prominent figure.") == "Mr Brown will be a prominent figure."
    assert source.misspelt("Mr Brown will be a prominent figure.") is None
    # A stray fragment after a full stop is no word of the article's: a defect to repair.
    assert source.misspelt("The mayor proclaimed Godzilla Day in Hollywood.iko.") == "Hollywood.iko"
    assert source.respaced("in Hollywood.iko.") == "in Hollywood.iko."
    assert source.misspelt("Prices will fall by 2029.energy firms said.") == "2029.energy"
    # Initialisms, decimals and the article's own dotted names are left alone.
    for fine in ("The U.S. envoy spoke on Monday.", "Rates rose 2.5 points.", "He spoke at bbc.co.uk today."):
        assert source.misspelt(fine) is None and source.respaced(fine) == fine


# -- deletion first: sentences that shorten by deleting asides need no model wording ---------

WALL = Article(
    title="Harbour wall approved",
    text=(
        "The council approved a new harbour wall on Monday after a long debate. "
        "Engineers found cracks along the northern pier last winter. "
        "Work on the wall, which will cost £4m, is expected to start in the spring. "
        "Mayor Ann Reid, who chaired the debate, said the town had waited far too long for it. "
        "The harbour handles about 300 fishing boats a year."
    ),
)


def test_sentences_that_shorten_by_deletion_are_retold_without_a_model_call():
    backend = scripted()
    composer = Composer(backend, WALL, seed=7)  # a key point already rests on the first sentence
    composer.accepted.append("The council approved a new harbour wall on Monday.")
    composer.cites["The council approved a new harbour wall on Monday."] = [0]
    spec = next(s for s in SPECS if s.name == "narrative.takeaway")
    takeaway = composer.run_spec(spec)
    # The sentence on what happens next, its aside deleted: the article's own words, cited.
    assert takeaway.key_takeaway == "Work on the wall is expected to start in the spring."
    assert composer.cites_of(takeaway.key_takeaway) == [2]
    assert backend.calls == [] and stats_of(composer, "narrative.takeaway").attempts == 0
    assert any("deleting asides" in note for note in composer.notes)


def test_a_retelling_that_rewords_its_sentence_is_dropped():
    sentences = article_sentences(ARTICLE.text)
    # Sentence 5 says "expect"; the model's line drops the hedge and adds a new claim.
    reworded = "Forecasters promise sunny weather all week long."
    backend = scripted({"narrative": [narrative_with(reworded, at=3)]})
    composer, (_, _, narrative, _) = run(backend, sections=("key_points", "narrative"))
    assert narrative is not None and reworded not in " ".join(narrative.paragraphs)
    assert "Forecasters expect calmer weather this week." not in " ".join(narrative.paragraphs)
    assert composer.retell_problems[reworded] == "reworded"
    assert any("reworded" in note for note in composer.notes)
    assert "Forecasters" in sentences[4]


@pytest.mark.parametrize(
    "first",
    [
        "He said the plan would cost the council more than it could afford this year.",  # leans
        "Has a quarter of UK adults either had their ID stolen or know someone who has?",  # asks
    ],
)
def test_a_sentence_that_leans_or_asks_is_given_only_when_nothing_else_is_left(first):
    sentences = [
        first,
        WALL_VOTE,
        CRACKS,
    ]
    centrality = {0: 1.0, 1: 0.5, 2: 0.4}
    assert retell.pick(sentences, [0, 1, 2], centrality, taken=set(), count=2).ids == (1, 2)
    assert retell.pick(sentences, [0], centrality, taken=set(), count=1).ids == (0,)
    assert retell.stands_alone(sentences[1])
    assert not retell.stands_alone("Nasdaq recently poured cold water on those suggestions.")


@pytest.mark.parametrize(
    ("sentence", "alone"),
    [
        ("In fact, he said, if consumers asked for content, the industry should not block it.", False),
        ("One of them came from Robben when he jinked past two Arsenal defenders.", False),
        ("The FER blames this on a 2004 law, in a statement signed by several members.", False),
        ("Shares in the firm, which he founded in 1990, rose 5% on Monday.", False),
        ("The latter recently bought Stata Labs to get its hands on search software.", False),
        ("Mr Glazer hopes this will lead to a formal bid being accepted.", False),
        ("Industry watchers took this to mean that the console will push for HDTV graphics.", False),
        ("The 73-year-old former Chelsea chairman sealed the deal at 0227 GMT on Friday.", True),
        ("The minister said this year's budget would be the last before the election.", True),
        ("To this end Microsoft was building chat support into the console.", False),
        ("The festival will screen 350 films this week in Berlin.", True),
        ("Willey says one reason for that result is the changeover from the lira to the euro.", False),
        ("The minister said he would resign next week.", True),
        ("The bank said it would keep interest rates on hold until March.", True),
        ("Members of the committee, who met on Monday, voted against it.", True),
    ],
)
def test_a_sentence_whose_subject_refers_back_does_not_stand_alone(sentence, alone):
    assert retell.stands_alone(sentence) is alone


def test_a_sentence_that_leans_is_given_only_after_the_sentence_it_leans_on():
    sentences = [
        WALL_VOTE,
        "It will cost more than the council can afford this year, the treasurer warned.",
        CRACKS,
        "They said the southern pier was safe for now but would need work within five years.",
    ]
    centrality = {0: 0.2, 1: 1.0, 2: 0.5, 3: 0.9}
    # Sentence 4's "They" leans on sentence 3, which is given; sentence 2's "It" on one that is not.
    assert retell.pick(sentences, [1, 2, 3], centrality, taken=set(), count=3).ids == (2, 3)
    assert retell.pick(sentences, [0, 1, 2, 3], centrality, taken=set(), count=4).ids == (0, 1, 2, 3)


def test_a_line_that_leans_is_flagged_unless_the_line_before_rests_on_its_antecedent():
    after_cardinal = [
        ("Dr Williams criticised the government over its case for war.", [4]),
        ("He criticised the cost of the war on Thought for the Day.", [8]),
    ]
    assert retell.unanchored(after_cardinal) == ["He criticised the cost of the war on Thought for the Day."]
    anchored = [after_cardinal[0], ("He said the case had been overstated.", [5])]
    assert retell.unanchored(anchored) == []
    assert retell.unanchored([("He said the case had been overstated.", [5])]) != []


def test_a_flagged_line_is_found_where_the_splitter_joins_it_to_the_next():
    # "60m." ends no sentence for the splitter: the two lines read as one sentence of the section.
    reworded = "Local traders lost two million pounds each day at the 60m."
    backend = scripted({"narrative": [narrative_with(reworded, at=2)]})
    composer, (_, _, narrative, _) = run(backend, sections=("key_points", "narrative"))
    assert narrative is not None and reworded not in " ".join(narrative.paragraphs)
    assert composer.retell_problems[reworded] == "reworded"


def test_the_takeaway_does_not_shorten_a_sentence_into_a_repeat_of_a_key_point():
    composer = Composer(scripted(), WALL, seed=7)
    # A key point resting on the lead already says what the wall sentence would shorten to.
    point = "Work on the wall is expected to start in the spring."
    composer.accepted.append(point)
    composer.cites[point] = [0]
    takeaway = composer.run_spec(next(s for s in SPECS if s.name == "narrative.takeaway"))
    assert takeaway.key_takeaway != point
    assert 2 not in composer.cites_of(takeaway.key_takeaway)


def test_a_retelling_left_leaning_on_a_dropped_line_is_dropped_too():
    composer = Composer(scripted(), ARTICLE, seed=7)
    spec = next(s for s in SPECS if s.name == "narrative")
    reworded = "Harbour master Jane Okafor declared the quays safe before any inspection."
    leaning = "They had been waiting offshore for three days."
    composer.cites.update({reworded: [1], leaning: [2]})
    composer.retell_problems[reworded] = "reworded"
    composer._given[spec.name] = retell.Given((1, 2))
    output = spec.output.model_validate({"paragraphs": [f"{reworded} {leaning}"]})
    # "They" leans on the line before it, which is dropped as reworded: it leans on nothing then.
    problems = composer._problems(spec, output)
    assert [p.kind for p in problems] == ["reworded"]
    repaired = composer._repair(spec, output, problems)
    assert leaning not in " ".join(repaired.paragraphs) and reworded not in " ".join(repaired.paragraphs)


def test_a_key_point_loses_a_link_to_a_sentence_before_it():
    answer = {
        "key_points": [
            {"sentences": [1], "point": KEY_POINTS[0]},
            {"sentences": [2], "point": KEY_POINTS[1]},
            {"sentences": [3], "point": f"However, {KEY_POINTS[2][0].lower()}{KEY_POINTS[2][1:]}"},
        ]
    }
    composer, (_, key_points, _, _) = run(scripted({"key_points": [answer]}), sections=("key_points",))
    # A point is read on its own: its "However" would contrast it with the point above.
    assert key_points[2] == KEY_POINTS[2]
    assert composer.cites_in({"key_points": key_points})["key_points[2]"] == [2]
