"""Markdown output: claims carry footnotes quoting their evidence, flagged claims a visible marker."""

from __future__ import annotations

import re

from briefwire.model import Briefing
from briefwire.render.layout import (
    EVIDENCE_HEADINGS,
    Block,
    Bullets,
    Fields,
    Inline,
    LinkItem,
    Links,
    Paragraphs,
    Takeaway,
    Words,
    evidence_origin,
    has_note,
    layout,
    note_heading,
)

MARKERS = {"unsupported": " ⚠️ *[unsupported]*", "contradicted": " ❌ *[contradicted]*"}

# Characters that would otherwise start emphasis, code, links, footnotes or raw HTML.
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<~])")
_ENTITY = re.compile(r"&(?=#?\w+;)")
_BLOCK_START = re.compile(r"^(\s*)([#>+\-=]|\d+[.)])")


def md_escape(text: str) -> str:
    """Text from the article or the model, made inert: it renders as itself, never as markup."""
    text = _INLINE_SPECIAL.sub(r"\\\1", text)
    text = _ENTITY.sub(r"\\&", text)
    return _BLOCK_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text)


class _Footnotes:
    """Numbers claims in the order a reader meets them and writes their footnotes."""

    def __init__(self, briefing: Briefing) -> None:
        self._briefing = briefing
        self._numbers: dict[int, int] = {}

    def inline(self, segments: Inline) -> str:
        parts = []
        for segment in segments:
            text = md_escape(segment.text)
            if segment.claim is not None:
                claim = self._briefing.claims[segment.claim]
                text += MARKERS.get(claim.label, "")
                if has_note(claim):
                    number = self._numbers.setdefault(segment.claim, len(self._numbers) + 1)
                    text += f"[^{number}]"
            parts.append(text)
        return " ".join(parts)

    def definitions(self) -> list[str]:
        out = []
        for claim_id, number in self._numbers.items():
            claim = self._briefing.claims[claim_id]
            lines = [f"[^{number}]: {md_escape(note_heading(claim))}"]
            if claim.evidence and claim.label in EVIDENCE_HEADINGS:
                lines += ["", "    " + EVIDENCE_HEADINGS[claim.label]]
            for ev in claim.evidence:
                origin = evidence_origin(ev, self._briefing.background)
                lines += ["", f'    > "{md_escape(ev.text)}" ({origin})']
            out.append("\n".join(lines))
        return out


def _link(item: LinkItem) -> str:
    label = md_escape(item.label)
    text = f"[{label}](<{item.url}>)" if item.url else label
    return f"{text} ({md_escape(item.detail)})" if item.detail else text


def _block(block: Block, notes: _Footnotes) -> str:
    if isinstance(block, Paragraphs):
        return "\n\n".join(notes.inline(p) for p in block.items)
    if isinstance(block, Bullets):
        items = "\n".join(f"- {notes.inline(item)}" for item in block.items)
        return f"**{block.label}**\n\n{items}" if block.label else items
    if isinstance(block, Takeaway):
        return f"**Key takeaway:** {notes.inline(block.text)}"
    if isinstance(block, Links):
        return "\n".join(f"- {_link(item)}" for item in block.items)
    if isinstance(block, Fields):
        return "\n".join(
            f"- **{label}:** " + (f"<{item.url}>" if item.url else md_escape(item.label))
            for label, item in block.items
        )
    if isinstance(block, Words):
        return ", ".join(md_escape(w) for w in block.items)
    raise TypeError(f"unknown block {block!r}")


def render_markdown(briefing: Briefing) -> str:
    doc = layout(briefing)
    notes = _Footnotes(briefing)
    parts: list[str] = []
    if doc.grounding:
        parts.append(f"*{doc.grounding}*")
    if doc.headline:
        parts.append("# " + notes.inline(doc.headline))
    for section in doc.sections:
        parts.append("#" * section.level + " " + notes.inline(section.title))
        parts.extend(_block(block, notes) for block in section.blocks)
    # Written last: numbering follows reading order, fixed only once every section is out.
    parts.extend(notes.definitions())
    return "\n\n".join(parts) + "\n"
