"""The briefing laid out once, in reading order, for every output format.

Markdown and HTML walk the same list of sections, so section order, omission rules and
the claim-by-claim text of each field are decided here and nowhere else; which sections and
fields there are, and their headings, come from the briefing's shape (shape.py).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import groupby
from typing import Any, ClassVar

from briefwire import shape
from briefwire.model import BackgroundItem, Briefing, Claim, Evidence, GroundingSummary
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
    headline = next(
        (
            fields.one(spec.path, text)
            for spec in shape.fields()
            if spec.role == "headline" and (text := shape.get(briefing, spec.path))
        ),
        None,
    )
    return Document(grounding_line(briefing.grounding), headline, tuple(_sections(briefing, fields)))


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _section(title: str | Inline, blocks: list[Block], level: int = 2, anchor: str = "") -> Section:
    inline = (Segment(title),) if isinstance(title, str) else title
    return Section(inline, level, tuple(blocks), anchor or _slug("".join(s.text for s in inline)))


def _sections(briefing: Briefing, fields: _Fields) -> Iterator[Section]:
    """The declared sections in order (shape.py), then what describes the briefing itself."""
    background = _background(briefing.background)
    for section in shape.SECTIONS:
        specs = [s for s in shape.fields(section.name) if s.role != "headline"]
        if any(s.heading for s in specs):
            yield from _with_parts(section, specs, briefing, fields, background)
        elif blocks := [b for spec in specs for b in _blocks(spec, shape.get(briefing, spec.path), fields)]:
            yield _section(section.title, blocks)
    if source := _source(briefing):
        yield _section("Source", [source])
    if briefing.entities:
        yield _section("Entities", [Words(tuple(briefing.entities))])
    if briefing.key_phrases:
        yield _section("Key phrases", [Words(tuple(briefing.key_phrases))])
    if briefing.notes:
        yield _section("Notes", [Bullets(tuple((Segment(n),) for n in briefing.notes))])


def _blocks(spec: shape.FieldSpec, value: Any, fields: _Fields) -> list[Block]:
    """How one field reads: nothing when it is empty or absent."""
    if spec.kind == "links":
        links = tuple(LinkItem(link.name, url) for link in value or () if (url := safe_url(link.url)))
        return [Links(links)] if links else []
    if spec.kind == "text":
        if not value or not value.strip():
            return []
        text = fields.one(spec.path, value)
        return [Takeaway(text)] if spec.role == "takeaway" else [Paragraphs((text,))]
    items = fields.many(spec.path, value or [])
    if not items:
        return []
    return [Paragraphs(items)] if spec.kind == "paragraphs" else [Bullets(items, spec.label)]


def _with_parts(
    section: shape.Section,
    specs: list[shape.FieldSpec],
    briefing: Briefing,
    fields: _Fields,
    background: list[Block],
) -> Iterator[Section]:
    """A section whose fields have headings of their own (the deep dive): its heading, with its
    title, then one subsection per heading; fields that share one (pros, cons) share it."""
    value = shape.get(briefing, section.name)
    if value is None:
        # No deep dive to hang them on, but the narrative may still cite [A1].
        if background and (home := next((s for s in specs if s.background), None)):
            yield _section(home.heading or section.title, background)
        return
    title: Inline = (Segment(section.title),)
    for spec in specs:
        if spec.role == "title" and (text := shape.get(briefing, spec.path)) and text.strip():
            title = (Segment(f"{section.title}:"), *fields.one(spec.path, text))
    yield _section(title, [], anchor=_slug(section.title))
    skipped = set(getattr(value, "not_applicable", ()))
    parts = [s for s in specs if s.role != "title" and s.heading]
    for heading, group in groupby(parts, key=lambda s: s.heading):
        members = list(group)
        blocks = [b for spec in members for b in _blocks(spec, shape.get(briefing, spec.path), fields)]
        if any(spec.background for spec in members):
            blocks.extend(background)
        if blocks:
            yield _section(heading or "", blocks, 3)
        elif all(spec.name in skipped for spec in members):
            yield _section(heading or "", [_not_applicable()], 3)


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
