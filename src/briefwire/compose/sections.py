"""The briefing template: one instruction and one output schema per model call.

Each output model's fields are fields of the spec's section in the briefing's shape (shape.py),
by name: ContextOut.context fills deep_dive.context.

Every string field is a regular-expression-constrained JSON string. The
pattern forbids straight double quotes and backslashes (the article's quotes
are shown to the model as typographic quotes, which need no escaping) and
requires the string to end with sentence punctuation. That is what stops the
small model from closing a JSON string in the middle of a quotation and
leaving a sentence cut off. Lengths are bounded in the pattern, item counts
by minItems/maxItems, and every call has a max_tokens budget.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from briefwire.llm.base import GenerationParams

# Latin letters (with accents), digits, spaces and everyday punctuation: no straight double
# quote, no backslash, no newline, and none of the stray non-Latin tokens a small model emits.
_CHARS = r"A-Za-z0-9À-ÖØ-öø-ÿ ,;:'’‘“”()%$€£&/+\-–—"
_BODY = rf"[{_CHARS}.!?]"


def sentence(min_len: int, max_len: int) -> type[str]:
    """A string that starts with a capital (or digit/quote) and ends in . ! or ?"""
    return Annotated[  # type: ignore[return-value]
        str, StringConstraints(pattern=rf"^[A-Z0-9“‘]{_BODY}{{{min_len},{max_len}}}[.!?]$")
    ]


# A full stop followed by a space inside one sentence: after an initialism ("U.S. President")
# or a title ("Dr. Okafor"). Without these the model, barred from ". ", wrote "U.S.President".
_ABBREVIATION = r"(?:[A-Z]\.)+[A-Z]\. |(?:Mr|Mrs|Ms|Dr|St|Jr|Sr|Prof|Gen|Gov|Sen|Rep|No)\. "


def one_sentence_pattern(min_len: int, max_len: int) -> str:
    """One sentence with no sentence break inside: a full stop must touch a letter or digit
    ("U.S", "2.5") or end an abbreviation, so the model cannot pack several sentences into one."""
    inner = f"[{_CHARS}]"
    unit = rf"{inner}|\.[A-Za-z0-9]|{_ABBREVIATION}"
    return rf"^[A-Z0-9“‘](?:{unit}){{{min_len},{max_len}}}[.!?]$"


def one_sentence(min_len: int, max_len: int) -> type[str]:
    """Like ``sentence`` but with no sentence break inside (one_sentence_pattern), so the model
    cannot pack several sentences into one key point."""
    return Annotated[  # type: ignore[return-value]
        str, StringConstraints(pattern=one_sentence_pattern(min_len, max_len))
    ]


Headline = Annotated[str, StringConstraints(pattern=rf"^[A-Z0-9“‘]{_BODY}{{15,110}}[A-Za-z0-9”’%)]$")]
Title = Annotated[str, StringConstraints(pattern=rf"^[A-Z0-9“‘]{_BODY}{{10,100}}[A-Za-z0-9”’%)]$")]
# Maxima are generous on purpose: a model that reaches one is forced to end the string there,
# mid-sentence. Brevity is asked for in the instructions instead.
KeyPoint = one_sentence(30, 280)
Paragraph = sentence(120, 900)
# What a narrative paragraph may shrink to when a repair drops a flagged sentence.
ShortParagraph = sentence(25, 900)
Item = one_sentence(25, 260)
ShortItem = one_sentence(15, 220)


class HeadlineOut(BaseModel):
    headline: Headline


class KeyPointsOut(BaseModel):
    key_points: list[KeyPoint] = Field(min_length=3, max_length=5)  # type: ignore[valid-type]


class CitedKeyPoint(BaseModel):
    # Numbers first: the model picks its source sentences, then writes from them.
    sentences: list[int] = Field(min_length=1, max_length=2)
    point: KeyPoint  # type: ignore[valid-type]


class KeyPointsCited(BaseModel):
    """What the model is asked for: each key point with the numbered sentences it comes from."""

    key_points: list[CitedKeyPoint] = Field(min_length=3, max_length=5)


class NarrativeOut(BaseModel):
    paragraphs: list[ShortParagraph] = Field(min_length=1, max_length=3)  # type: ignore[valid-type]


class TakeawayOut(BaseModel):
    key_takeaway: KeyPoint  # type: ignore[valid-type]


class ContextOut(BaseModel):
    title: Title
    main_development: Item  # type: ignore[valid-type]
    context: list[Paragraph] = Field(min_length=1, max_length=2)  # type: ignore[valid-type]


# The analytic lists may be empty: a kind of item that does not apply to the story is said so in
# one line (DeepDive.not_applicable), and items that would fit any story are dropped, not padded.
class OutlookOut(BaseModel):
    resolutions: list[Item] = Field(min_length=0, max_length=3)  # type: ignore[valid-type]
    practical_steps: list[Item] = Field(min_length=0, max_length=3)  # type: ignore[valid-type]
    trends: list[Item] = Field(min_length=0, max_length=3)  # type: ignore[valid-type]


class AssessmentOut(BaseModel):
    pros: list[ShortItem] = Field(min_length=0, max_length=3)  # type: ignore[valid-type]
    cons: list[ShortItem] = Field(min_length=0, max_length=3)  # type: ignore[valid-type]
    recommendations: list[Item] = Field(min_length=0, max_length=3)  # type: ignore[valid-type]


@dataclass(frozen=True)
class SectionSpec:
    """One model call: which briefing section it fills, what it asks, what shape comes back."""

    name: str  # the stats name, e.g. "deep_dive.outlook"
    section: str  # the user-facing section it belongs to (for --sections; shape.SECTIONS)
    instruction: str
    output: type[BaseModel]
    max_tokens: int
    params: GenerationParams = field(default_factory=GenerationParams)
    # Show the model the sentences already written, so it does not restate them.
    avoid_repeats: bool = False
    # A stricter shape to generate than ``output`` accepts, leaving room for repairs; with
    # ``cites``, the output's items each paired with the numbers of the sentences they come from.
    draft: type[BaseModel] | None = None
    # Show the model numbered article sentences and have each item name its sources (composer.py).
    cites: bool = False
    # Tell the model the main development named earlier in the briefing (the pros and cons are of it).
    about_main: bool = False
    # Give the model this many article sentences, picked by the composer, to retell one by one in
    # fewer words (each retelling cites its sentence); 0: the model writes from the article.
    given: int = 0

    def schema(self) -> dict:
        return (self.draft or self.output).model_json_schema()


_NO_INVENTION = (
    "Use only facts stated in the article: no names, numbers, dates or places that are not in it. "
    "Do not use double quotation marks; paraphrase quotes instead."
)
# Analysis a small model writes by rote ("Focus on quality over quantity") fits any story.
_SPECIFIC = (
    "Each item names a person, organisation, place or figure from the article and a specific "
    "action or consequence for them. If a kind of item does not apply to this story (for example, "
    "no practical steps for readers of a film-awards story), give an empty list for it instead."
)
_PROSE = GenerationParams(max_tokens=0, temperature=0.8, repeat_penalty=1.1, dry_multiplier=0.8)
_LISTS = GenerationParams(max_tokens=0, temperature=0.6, repeat_penalty=1.1, dry_multiplier=0.6)


def _with_budget(params: GenerationParams, max_tokens: int) -> GenerationParams:
    return GenerationParams(**{**params.__dict__, "max_tokens": max_tokens})


def _spec(
    name: str,
    section: str,
    instruction: str,
    output: type[BaseModel],
    budget: int,
    base: GenerationParams,
    avoid_repeats: bool = False,
    draft: type[BaseModel] | None = None,
    cites: bool = False,
    about_main: bool = False,
    given: int = 0,
) -> SectionSpec:
    params = _with_budget(base, budget)
    return SectionSpec(
        name,
        section,
        instruction,
        output,
        budget,
        params,
        avoid_repeats,
        draft,
        cites,
        about_main,
        given,
    )


SPECS: tuple[SectionSpec, ...] = (
    _spec(
        "headline",
        "headline",
        # Only for articles without a title (compose() uses the title otherwise): the lead is where
        # a news story states its main fact, and a headline must add nothing to it.
        "Write a factual news headline of at most 12 words that states the main fact of the "
        "article's first paragraph, using only facts stated there, with no final full stop. "
        "Answer as JSON.",
        HeadlineOut,
        48,
        _LISTS,
    ),
    _spec(
        "key_points",
        "key_points",
        # Compressing one or two named sentences keeps each fact with its actor; a point written
        # from the whole article is where a small model merges and swaps.
        "List the 3 to 5 most important facts of the article as key points, using the numbered "
        "sentences above. For each key point, first give the number of the sentence it comes from (a "
        "second number only if the fact needs both), then write it: one short, complete sentence of at "
        "most 30 words that says what that sentence says in fewer words, with the same people doing "
        "the same things. Each key "
        f"point covers a different fact. {_NO_INVENTION} Answer as JSON.",
        KeyPointsOut,
        360,
        _LISTS,
        draft=KeyPointsCited,
        cites=True,
    ),
    _spec(
        "narrative.takeaway",
        "narrative",
        # Asked for "what the story means for a reader", the model wrote a meaning of its own (17
        # of 20 false); asked to name a sentence on what is at stake and restate it, it named one
        # and summarised others (13 of 20 false). Given the one sentence (on what happens next,
        # if the article has one), it only shortens it; told it was writing "the key takeaway",
        # it began "One key takeaway from the article is that..."; told to write "one complete
        # sentence within the word limit", it wrote that (2 of 20). Shortening, it still erred in
        # 13 of 20, so the takeaway is a sentence that shortens by deletion where there is one
        # (compress.py), and the model is asked only where there is none.
        "Shorten the article sentence below to fit the word limit shown, keeping the same people "
        f"doing the same things. {_NO_INVENTION} Answer as JSON.",
        TakeawayOut,
        110,
        _LISTS,
        given=1,
    ),
    _spec(
        "narrative",
        "narrative",
        # Written from the whole article, 64% of narrative sentences were false (roles swapped,
        # numbers on the wrong thing, invented links), while key points that shorten one named
        # sentence were 7% false. So the narrative retells the rest of the story the same way:
        # the article's most central sentences that no key point or the takeaway rests on, in
        # order, each shortened within a word limit (asked only for fewer words, it copied them).
        # Shortening, it still erred in 40% (a lost hedge, a moved number, another subject): the
        # sentences that shorten by deleting asides are given first and need no model, and a
        # retelling of the others is kept only if it rewords nothing (compress.py).
        "Retell the rest of the story for a general reader by shortening each article sentence below, "
        "in the order given: for each, one complete sentence within its word limit, in plain words, "
        "that says what it says with the same people doing the same things and the same speakers. "
        "Where a sentence says it or they, name who or what is meant if the article says so. Add no "
        f"cause, link, motive or comment. {_NO_INVENTION} Answer as JSON.",
        NarrativeOut,
        520,
        _LISTS,
        given=6,
    ),
    _spec(
        "deep_dive.context",
        "deep_dive",
        "Start a deep-dive analysis of the story. Give it a short analytic title; then name the main "
        "decision or development of the story in one sentence (who did what, as the article says); "
        "then write 1 or 2 paragraphs of context and background that explain who the actors are, what "
        "led to this moment and why it matters, drawing on the article and any earlier coverage given "
        "above (cite earlier coverage as [A1], [A2]). "
        f"{_NO_INVENTION} Answer as JSON.",
        ContextOut,
        400,
        _PROSE,
        avoid_repeats=True,
    ),
    _spec(
        "deep_dive.outlook",
        "deep_dive",
        "Continue the analysis. List 2 or 3 possible resolutions or scenarios, 2 or 3 practical steps "
        "that the people or organisations affected could take, and 2 or 3 trends or predictions that "
        f"follow from the article. {_SPECIFIC} One sentence each, at most 25 words. "
        f"{_NO_INVENTION} Answer as JSON.",
        OutlookOut,
        420,
        _LISTS,
        about_main=True,
    ),
    _spec(
        "deep_dive.assessment",
        "deep_dive",
        "Finish the analysis. List 2 or 3 pros and 2 or 3 cons of the main development, then 2 or 3 "
        f"actionable recommendations for the people who decide on it. {_SPECIFIC} One sentence each, "
        f"at most 20 words. {_NO_INVENTION} Answer as JSON.",
        AssessmentOut,
        380,
        _LISTS,
        about_main=True,
    ),
)
