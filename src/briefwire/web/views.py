"""Turns a Briefing into what the briefing page shows: blocks of text cut into claim spans.

Claims carry their section path ("key_points[2]", "narrative.paragraphs[0]") and sentence
text; a block's text is cut wherever one of its claims is found, so every checked sentence
becomes clickable and anything the checker did not cover stays plain text. Claims that no
longer appear in the text (dropped by the ``drop`` policy, say) are listed separately.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from briefwire.model import Briefing, Claim

FLAGGED = frozenset({"unsupported", "contradicted"})


@dataclass
class Segment:
    text: str
    claim: int | None = None  # index into Briefing.claims


@dataclass
class Block:
    path: str
    segments: list[Segment]


@dataclass
class Section:
    key: str
    title: str
    blocks: list[Block] = field(default_factory=list)
    kind: str = "paragraphs"  # or "list" (blocks as list items) or "heading" (the deep dive title)


@dataclass
class BriefingView:
    briefing: Briefing
    headline: Block | None
    sections: list[Section]
    unplaced: list[int]  # claims not found in any block
    flagged: int

    @property
    def claims(self) -> list[Claim]:
        return self.briefing.claims


def safe_url(url: str | None) -> str | None:
    """Only http(s) links from articles and models: a ``javascript:`` href would run on click."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    return url.strip() if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def segment(text: str, claims: list[tuple[int, Claim]]) -> tuple[list[Segment], set[int]]:
    """Cut ``text`` at each claim's sentence, in order; returns the segments and the claims placed."""
    segments: list[Segment] = []
    placed: set[int] = set()
    cursor = 0
    folded = text.casefold()
    for index, claim in claims:
        needle = claim.text.strip()
        if not needle:
            continue
        start = text.find(needle, cursor)
        if start < 0:  # the model may have changed the case of a word when restating
            start = folded.find(needle.casefold(), cursor)
        if start < 0:
            continue
        if start > cursor:
            segments.append(Segment(text[cursor:start]))
        segments.append(Segment(text[start : start + len(needle)], index))
        placed.add(index)
        cursor = start + len(needle)
    if cursor < len(text):
        segments.append(Segment(text[cursor:]))
    return segments, placed


def build_view(briefing: Briefing) -> BriefingView:
    by_path: dict[str, list[tuple[int, Claim]]] = {}
    for index, claim in enumerate(briefing.claims):
        by_path.setdefault(claim.section, []).append((index, claim))
    placed: set[int] = set()

    def block(path: str, text: str) -> Block:
        segments, found = segment(text, by_path.get(path, []))
        placed.update(found)
        return Block(path, segments)

    def many(prefix: str, items: list[str]) -> list[Block]:
        return [block(f"{prefix}[{i}]", text) for i, text in enumerate(items)]

    sections: list[Section] = []
    if briefing.key_points:
        sections.append(Section("key_points", "Key points", many("key_points", briefing.key_points), "list"))
    if briefing.narrative:
        narrative = Section("narrative", "Narrative", many("narrative.paragraphs", briefing.narrative.paragraphs))
        if briefing.narrative.key_takeaway:
            narrative.blocks.append(block("narrative.key_takeaway", briefing.narrative.key_takeaway))
        sections.append(narrative)
    if briefing.deep_dive:
        dive = briefing.deep_dive
        parts = [
            ("context", "Context"),
            ("resolutions", "Resolutions"),
            ("practical_steps", "Practical steps"),
            ("trends", "Trends"),
            ("pros", "Pros"),
            ("cons", "Cons"),
            ("recommendations", "Recommendations"),
        ]
        for name, title in parts:
            items = getattr(dive, name)
            if items:
                kind = "paragraphs" if name == "context" else "list"
                sections.append(Section(f"deep_dive.{name}", title, many(f"deep_dive.{name}", items), kind))
    headline = block("headline", briefing.headline) if briefing.headline else None
    if briefing.deep_dive and briefing.deep_dive.title:
        # Checked like any sentence, so it is built (and its claim placed) even if shown as a heading.
        title_block = block("deep_dive.title", briefing.deep_dive.title)
        first = next((i for i, s in enumerate(sections) if s.key.startswith("deep_dive.")), len(sections))
        sections.insert(first, Section("deep_dive.title", "Deep dive", [title_block], "heading"))
    unplaced = [i for i in range(len(briefing.claims)) if i not in placed]
    flagged = sum(1 for c in briefing.claims if c.label in FLAGGED)
    return BriefingView(briefing, headline, sections, unplaced, flagged)
