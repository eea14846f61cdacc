"""The briefing laid out once, in reading order, for every output format.

Markdown and HTML walk the same list of sections, so section order, omission rules and
the claim-by-claim text of each field are decided here and nowhere else.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar

from briefwire.model import BackgroundItem, Briefing, Claim, DeepDive, Evidence, GroundingSummary
from briefwire.text import normalize_space


@dataclass(frozen=True)
class Segment:
    """A run of text; ``claim`` is its index in ``briefing.claims`` when it was checked."""

    text: str
    claim: int | None = None


Inline = tuple[Segment, ...]


@dataclass(frozen=True)
class Paragraphs:
    kind: ClassVar[str] = "paragraphs"
    items: tuple[Inline, ...]


@dataclass(frozen=True)
class Bullets:
    kind: ClassVar[str] = "bullets"
    items: tuple[Inline, ...]
    label: str | None = None  # "Pros" / "Cons"


@dataclass(frozen=True)
class Takeaway:
    kind: ClassVar[str] = "takeaway"
    text: Inline


@dataclass(frozen=True)
class LinkItem:
    label: str
    url: str | None = None
    detail: str = ""  # e.g. "2024-03-01" for an archive item


@dataclass(frozen=True)
class Links:
    kind: ClassVar[str] = "links"
    items: tuple[LinkItem, ...]


@dataclass(frozen=True)
class Fields:
    kind: ClassVar[str] = "fields"
    items: tuple[tuple[str, LinkItem], ...]  # ("Title", LinkItem(...))


@dataclass(frozen=True)
class Words:
    kind: ClassVar[str] = "words"
    items: tuple[str, ...]


Block = Paragraphs | Bullets | Takeaway | Links | Fields | Words


@dataclass(frozen=True)
class Section:
    title: Inline
    level: int  # 2 for top-level sections, 3 for deep-dive subsections
    blocks: tuple[Block, ...]
    anchor: str


@dataclass(frozen=True)
class Document:
    grounding: str | None
    headline: Inline | None
    sections: tuple[Section, ...]


DEEP_DIVE_LISTS = (
    ("resolutions", "Possible resolutions or scenarios"),
    ("practical_steps", "Practical steps"),
    ("trends", "Trends and predictions"),
)
# Said once, where a list does not apply to the story, instead of items that fit any story.
NOT_APPLICABLE = "Nothing here applies specifically to this story."
FLAGGED = ("unsupported", "contradicted")
_SAFE_URL = re.compile(r"https?://[^\s<>\"'`\x00-\x1f\x7f]+", re.IGNORECASE)


def safe_url(url: str | None) -> str | None:
    """The URL if it is plain http(s) with nothing that could break out of an attribute."""
    if url and _SAFE_URL.fullmatch(url.strip()):
        return url.strip()
    return None


def grounding_line(summary: GroundingSummary | None) -> str | None:
    if summary is None:
        return None
    flagged = summary.unsupported + summary.contradicted
    parts = [
        f"{summary.checked} claims checked",
        f"{summary.supported} supported",
        f"{summary.opinion} opinion",
        f"{flagged} flagged",
    ]
    if flagged:
        parts[-1] += f" ({summary.unsupported} unsupported, {summary.contradicted} contradicted)"
    if summary.policy != "flag":
        parts.append(f"policy: {summary.policy}")
    return "Grounding: " + " · ".join(parts)


def evidence_origin(evidence: Evidence, background: list[BackgroundItem]) -> str:
    """Where a quote comes from, e.g. "article, sentence 4" or "archive A1, sentence 2"."""
    # sentence_id indexes text.split_sentences() from 0; readers count from 1.
    sentence = f"sentence {evidence.sentence_id + 1}"
    if evidence.source == "article":
        return f"article, {sentence}"
    archive_id = evidence.source.removeprefix("archive:")
    refs = {item.archive_id: item.ref for item in background}
    return f"archive {refs.get(archive_id, archive_id)}, {sentence}"


def has_note(claim: Claim) -> bool:
    """Whether the claim earns a footnote / evidence entry: quotes, or reasons for a flag."""
    return bool(claim.evidence) or (claim.label in FLAGGED and bool(claim.reasons))


_VERDICTS = {
    "supported": ("Supported by the source", "Supported by the source:"),
    "opinion": ("Opinion, not a factual claim.", "Opinion, not a factual claim; related source text:"),
    "unsupported": ("Not supported by the source", ""),
    "contradicted": ("Contradicted by the source", ""),
}


def note_heading(claim: Claim) -> str:
    """First line of a claim's note: the verdict, with the checker's reasons for a flag."""
    bare, with_quotes = _VERDICTS[claim.label]
    if claim.label not in FLAGGED:
        return with_quotes if claim.evidence else bare
    return f"{bare}: {'; '.join(claim.reasons)}." if claim.reasons else f"{bare}."


EVIDENCE_HEADINGS = {"unsupported": "Closest source text:", "contradicted": "Conflicting source text:"}


class _Fields:
    """Turns briefing fields into inline text, claim by claim where they were checked."""

    def __init__(self, briefing: Briefing) -> None:
        self._claims = briefing.claims
        self._by_section: dict[str, list[int]] = defaultdict(list)
        for i, claim in enumerate(briefing.claims):
            self._by_section[claim.section].append(i)

    def one(self, path: str, text: str) -> Inline:
        if ids := self._by_section.get(path):
            return tuple(Segment(normalize_space(self._claims[i].text), i) for i in ids)
        return (Segment(normalize_space(text)),)

    def many(self, path: str, texts: list[str]) -> tuple[Inline, ...]:
        return tuple(self.one(f"{path}[{i}]", t) for i, t in enumerate(texts) if t.strip())


def layout(briefing: Briefing) -> Document:
    fields = _Fields(briefing)
    headline = fields.one("headline", briefing.headline) if briefing.headline else None
    return Document(grounding_line(briefing.grounding), headline, tuple(_sections(briefing, fields)))


def _section(title: str | Inline, blocks: list[Block], level: int = 2, anchor: str = "") -> Section:
    inline = (Segment(title),) if isinstance(title, str) else title
    slug = anchor or re.sub(r"[^a-z0-9]+", "-", "".join(s.text for s in inline).lower()).strip("-")
    return Section(inline, level, tuple(blocks), slug)


def _sections(briefing: Briefing, fields: _Fields) -> Iterator[Section]:
    if points := fields.many("key_points", briefing.key_points):
        yield _section("Key points", [Bullets(points)])

    if narrative := briefing.narrative:
        blocks: list[Block] = []
        if paragraphs := fields.many("narrative.paragraphs", narrative.paragraphs):
            blocks.append(Paragraphs(paragraphs))
        if narrative.key_takeaway.strip():
            blocks.append(Takeaway(fields.one("narrative.key_takeaway", narrative.key_takeaway)))
        if blocks:
            yield _section("Narrative", blocks)

    background = _background(briefing.background)
    if briefing.deep_dive:
        yield from _deep_dive(briefing.deep_dive, fields, background)
    elif background:
        # No deep dive to hang them on, but the narrative may still cite [A1].
        yield _section("Context and background", background)

    links = tuple(
        LinkItem(link.name, url) for link in briefing.further_reading if (url := safe_url(link.url))
    )
    if links:
        yield _section("Further reading", [Links(links)])
    if source := _source(briefing):
        yield _section("Source", [source])
    if briefing.entities:
        yield _section("Entities", [Words(tuple(briefing.entities))])
    if briefing.key_phrases:
        yield _section("Key phrases", [Words(tuple(briefing.key_phrases))])
    if briefing.notes:
        yield _section("Notes", [Bullets(tuple((Segment(n),) for n in briefing.notes))])


def _deep_dive(dive: DeepDive, fields: _Fields, background: list[Block]) -> Iterator[Section]:
    title: Inline = (Segment("Deep dive"),)
    if dive.title.strip():
        title = (Segment("Deep dive:"), *fields.one("deep_dive.title", dive.title))
    yield _section(title, [], anchor="deep-dive")
    if dive.main_development.strip():
        main = fields.one("deep_dive.main_development", dive.main_development)
        yield _section("Main development", [Paragraphs((main,))], 3)
    context: list[Block] = []
    if paragraphs := fields.many("deep_dive.context", dive.context):
        context.append(Paragraphs(paragraphs))
    context.extend(background)
    if context:
        yield _section("Context and background", context, 3)
    skipped = set(dive.not_applicable)
    for name, heading in DEEP_DIVE_LISTS:
        if items := fields.many(f"deep_dive.{name}", getattr(dive, name)):
            yield _section(heading, [Bullets(items)], 3)
        elif name in skipped:
            yield _section(heading, [_not_applicable()], 3)
    sides: list[Block] = [
        Bullets(items, label)
        for items, label in (
            (fields.many("deep_dive.pros", dive.pros), "Pros"),
            (fields.many("deep_dive.cons", dive.cons), "Cons"),
        )
        if items
    ]
    if sides:
        yield _section("Pros and cons", sides, 3)
    elif {"pros", "cons"} <= skipped:
        yield _section("Pros and cons", [_not_applicable()], 3)
    if items := fields.many("deep_dive.recommendations", dive.recommendations):
        yield _section("Actionable recommendations", [Bullets(items)], 3)
    elif "recommendations" in skipped:
        yield _section("Actionable recommendations", [_not_applicable()], 3)


def _not_applicable() -> Paragraphs:
    return Paragraphs(((Segment(NOT_APPLICABLE),),))


def _background(items: list[BackgroundItem]) -> list[Block]:
    if not items:
        return []
    rows = tuple(
        LinkItem(f"[{item.ref}] {item.title or item.archive_id}", safe_url(item.url), item.date or "")
        for item in items
    )
    return [Links(rows)]


def _source(briefing: Briefing) -> Fields | None:
    src = briefing.source
    rows: list[tuple[str, LinkItem]] = [
        (label, LinkItem(value))
        for label, value in (("Title", src.title), ("Author", src.author), ("Date", src.date))
        if value
    ]
    if url := safe_url(src.url):
        rows.append(("URL", LinkItem(url, url)))
    return Fields(tuple(rows)) if rows else None
