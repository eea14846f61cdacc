"""The shape of a briefing, declared once: its sections, the fields in them, and for each field
how it is written, checked, grounded and shown.

Every stage reads this declaration instead of listing fields of its own: compose (which path an
answer fills, which fields get content checks, what a top-up asks for), ground (which sentences
are claims, which may be opinions, what stands in for an emptied text), render (order, headings)
and the options and web form (the sections a user may choose). Adding a section is a FieldSpec
here plus its prompt (a SectionSpec in compose/sections.py); a deep-dive list needs no model
field (model.DeepDive keeps the fields it does not name).

A path names a field ("deep_dive.pros") or, with an index, one item of a list field
("deep_dive.pros[1]"); claims, cites and content problems are keyed by these paths. Data only:
nothing here imports the rest of briefwire, so every stage may import it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

# "text": one string; "sentences": a list of one-sentence items; "paragraphs": a list of
# paragraphs; "links": a list of Link (no sentences to check).
Kind = Literal["text", "sentences", "paragraphs", "links"]
# How a text is shown: the document's headline, its section's title, a key takeaway, or as it is.
Role = Literal["body", "headline", "title", "takeaway"]
TEXT_LISTS = ("sentences", "paragraphs")
# A stand-in that is no briefing path: the briefed article's own title.
ARTICLE_TITLE = "article.title"


@dataclass(frozen=True)
class Section:
    """What a user chooses with --sections; ``title`` heads it in every output and the web form."""

    name: str
    title: str
    # Said when grounding leaves none of the section's lists an item, and the section goes.
    removed_note: str = ""


@dataclass(frozen=True)
class FieldSpec:
    path: str  # where it lives in a Briefing; its first part is its section
    kind: Kind
    role: Role = "body"
    heading: str | None = None  # a heading of its own inside its section (the deep dive's parts)
    label: str | None = None  # over its items, where fields share a heading ("Pros")
    # The model's analysis rather than the article's facts: it may be an opinion, it must name
    # something of this story, and it may be left empty when it does not apply.
    analytic: bool = False
    # An opinion only where it looks ahead or judges ("will", "should"); else checked as a fact.
    judgement: bool = False
    retells: bool = False  # retells the article: must not copy its sentences
    # An analytic list whose items may speak to the reader ("Back up your phone"); the others are
    # about the story's people, and an item addressed to "you" there is dropped.
    to_readers: bool = False
    checked: bool = True  # content checks while composing (cut off, repeats, copies, typos)
    grounded: bool = True  # each sentence checked against the article as a claim
    # What a top-up call calls its items, and a generous token budget for one; None: no top-ups.
    top_up: tuple[str, int] | None = None
    # For a required text that grounding empties: the paths tried in turn for a replacement.
    stand_in: tuple[str, ...] = ()
    background: bool = False  # earlier coverage from the archive is shown with it

    @property
    def section(self) -> str:
        return self.path.split(".")[0]

    @property
    def name(self) -> str:
        """The field's own name, as a section's output model calls it."""
        return self.path.rsplit(".", 1)[-1]


SECTIONS: tuple[Section, ...] = (
    Section("headline", "Headline"),
    Section("key_points", "Key points"),
    Section("narrative", "Narrative", "narrative: removed, no paragraph was supported"),
    Section("deep_dive", "Deep dive", "deep_dive: removed, nothing in it was supported"),
    Section("further_reading", "Further reading"),
)


def _analysis(
    name: str, heading: str, items: str, tokens: int, label: str | None = None, to_readers: bool = False
) -> FieldSpec:
    """One of the deep dive's lists of analysis: one sentence an item, each may not apply."""
    return FieldSpec(
        f"deep_dive.{name}",
        "sentences",
        heading=heading,
        label=label,
        analytic=True,
        to_readers=to_readers,
        top_up=(f"{items}, one sentence each", tokens),
    )


FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("headline", "text", role="headline", checked=False, stand_in=(ARTICLE_TITLE,)),
    FieldSpec("key_points", "sentences", top_up=("key points, one short sentence each", 80)),
    # No top-ups for paragraphs: written alone, a paragraph tends to copy the article (1 of 4
    # top-ups passed the checks in a trial).
    FieldSpec("narrative.paragraphs", "paragraphs", retells=True),
    FieldSpec(
        "narrative.key_takeaway",
        "text",
        role="takeaway",
        judgement=True,
        retells=True,
        # The first surviving key point (or paragraph) is grounded and says what matters most.
        stand_in=("key_points[0]", "narrative.paragraphs[0]"),
    ),
    FieldSpec("deep_dive.title", "text", role="title", checked=False, grounded=False),
    # Restates the story's main fact on purpose, so it is no repeat of a key point; grounding
    # still checks it.
    FieldSpec("deep_dive.main_development", "text", heading="Main development", checked=False),
    FieldSpec(
        "deep_dive.context",
        "paragraphs",
        heading="Context and background",
        top_up=("paragraphs of context and background", 220),
        background=True,
    ),
    _analysis("resolutions", "Possible resolutions or scenarios", "possible resolutions or scenarios", 70),
    _analysis(
        "practical_steps",
        "Practical steps",
        "practical steps for the people or organisations affected",
        70,
        to_readers=True,
    ),
    _analysis("trends", "Trends and predictions", "trends or predictions", 70),
    _analysis("pros", "Pros and cons", "pros of the main decision or development", 60, label="Pros"),
    _analysis("cons", "Pros and cons", "cons of the main decision or development", 60, label="Cons"),
    _analysis(
        "recommendations",
        "Actionable recommendations",
        "actionable recommendations for decision-makers",
        70,
    ),
    FieldSpec("further_reading", "links"),
)


# Read at call time, not import time, so that a section declared later (a test's) counts everywhere.


def section_names() -> tuple[str, ...]:
    return tuple(s.name for s in SECTIONS)


def fields(section: str | None = None) -> tuple[FieldSpec, ...]:
    """The declared fields in reading order (by section, then as declared), or one section's."""
    order = {name: i for i, name in enumerate(section_names())}
    ordered = sorted(FIELDS, key=lambda f: order.get(f.section, len(order)))
    return tuple(f for f in ordered if section is None or f.section == section)


def field(path: str) -> FieldSpec:
    """The declaration of ``path``, an index or not ("deep_dive.pros[1]" -> deep_dive.pros)."""
    name, _ = split(path)
    for spec in FIELDS:
        if spec.path == name:
            return spec
    raise KeyError(f"no field {name!r} in the briefing's shape (shape.FIELDS)")


def path_in(section: str, name: str) -> str:
    """The path of field ``name`` of ``section``: where a section call's answer field goes."""
    for spec in fields(section):
        if spec.name == name:
            return spec.path
    raise KeyError(f"section {section!r} declares no field {name!r} (shape.FIELDS)")


def is_nested(section: str) -> bool:
    """Whether the section is an object of fields (the narrative) rather than one field."""
    return any("." in spec.path for spec in fields(section))


_PATH = re.compile(r"^([a-z_][a-z0-9_.]*?)(?:\[(\d+)\])?$")


def split(path: str) -> tuple[str, int | None]:
    """A path as (field path, item index): ("deep_dive.pros", 1) for "deep_dive.pros[1]"."""
    match = _PATH.match(path)
    if match is None:
        raise ValueError(f"not a briefing path: {path!r}")
    return match[1], None if match[2] is None else int(match[2])


def item(path: str, index: int) -> str:
    return f"{path}[{index}]"


def get(obj: Any, path: str) -> Any:
    """The value at ``path`` in a Briefing or its dumped dict; None where any part is missing."""
    name, index = split(path)
    for key in name.split("."):
        obj = obj.get(key) if isinstance(obj, dict) else getattr(obj, key, None)
        if obj is None:
            return None
    if index is None:
        return obj
    return obj[index] if index < len(obj) else None


def put(data: dict, path: str, value: Any) -> None:
    """Set ``path`` in a dumped briefing (a dict) to ``value``."""
    name, index = split(path)
    *parents, last = name.split(".")
    for key in parents:
        data = data[key]
    if index is None:
        data[last] = value
    else:
        data[last][index] = value


def nest(values: dict[str, Any]) -> dict[str, Any]:
    """A briefing's dict from values by field path: {"narrative.paragraphs": [...]} ->
    {"narrative": {"paragraphs": [...]}}."""
    data: dict[str, Any] = {}
    for path, value in values.items():
        *parents, last = path.split(".")
        target = data
        for key in parents:
            target = target.setdefault(key, {})
        target[last] = value
    return data


def walk(obj: Any) -> Iterator[tuple[str, str]]:
    """(path, text) for every text and list item of ``obj`` (a Briefing or its dict), in reading
    order; an empty text is left out, an empty list item is not (its position is its path)."""
    for spec in fields():
        if spec.kind == "links":
            continue
        value = get(obj, spec.path)
        if spec.kind == "text":
            if value:
                yield spec.path, value
        elif value:
            yield from ((item(spec.path, i), text) for i, text in enumerate(value))


def not_applicable(section: str, values: dict[str, Any]) -> list[str] | None:
    """The section's analytic lists left empty (said once, "does not apply", instead of padded);
    None for a section that has no analytic lists."""
    lists = [spec.name for spec in fields(section) if spec.analytic and spec.kind in TEXT_LISTS]
    return [name for name in lists if not values.get(name)] if lists else None
