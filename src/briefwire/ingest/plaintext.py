"""Plain text and Markdown to (title, paragraphs joined by blank lines)."""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.token import Token

# C0 and C1 controls other than tab and newline: debris of bad encodings, never text.
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_SPACES = re.compile(r"[ \t\u00a0]+")
_ATX_HEADING = re.compile(r"^#{1,6}[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$")
_SETEXT_UNDERLINE = re.compile(r"^(=+|-+)[ \t]*$")
_LIST_ITEM = re.compile(r"^(?:[-*+•]|\d{1,3}[.)])[ \t]")
_SENTENCE_END = re.compile(r"[.!?;:,…]['\"’”)\]]*$")
_QUESTION = re.compile(r"[?!]['\"’”]?$")
_MAX_HEADLINE_WORDS = 20
_MAX_HEADLINE_CHARS = 160


def looks_like_headline(line: str) -> bool:
    """Short and not ending like a sentence: how headlines are written."""
    line = line.strip()
    words = line.split()
    return (
        0 < len(words) <= _MAX_HEADLINE_WORDS
        and len(line) <= _MAX_HEADLINE_CHARS
        and not _SENTENCE_END.search(line)
        and not _LIST_ITEM.match(line)
    )


def _block_paragraphs(block: str, *, line_per_paragraph: bool) -> list[str]:
    """Join hard-wrapped lines of one block; list items stay paragraphs of their own."""
    paragraphs: list[str] = []
    for raw in block.split("\n"):
        line = _SPACES.sub(" ", raw).strip()
        if not line:
            continue
        # In text without blank lines, a line that ends a sentence is taken to end a paragraph.
        starts_new = (
            not paragraphs
            or _LIST_ITEM.match(line) is not None
            or (line_per_paragraph and _SENTENCE_END.search(paragraphs[-1]) is not None)
        )
        if starts_new:
            paragraphs.append(line)
        else:
            paragraphs[-1] = f"{paragraphs[-1]} {line}"
    return paragraphs


def tidy_text(text: str) -> str:
    """Normalise newlines and spacing; paragraphs come out separated by exactly one blank line."""
    text = _CONTROL_CHARS.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).replace("\ufeff", "")
    blocks = _BLANK_LINE.split(text)
    line_per_paragraph = len([b for b in blocks if b.strip()]) == 1
    paragraphs = [p for b in blocks for p in _block_paragraphs(b, line_per_paragraph=line_per_paragraph)]
    return "\n\n".join(paragraphs)


def _split_first_line(text: str) -> tuple[str | None, str]:
    lines = text.split("\n")
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        return None, text
    line = lines[first].strip()
    rest = lines[first + 1 :]
    heading = _ATX_HEADING.match(line)
    if heading:
        return heading.group(1).strip(), "\n".join(rest)
    if rest and _SETEXT_UNDERLINE.match(rest[0].strip()) and looks_like_headline(line):
        return line, "\n".join(rest[1:])
    # A lone short line is the whole text, not a headline over it.
    if looks_like_headline(line) and any(r.strip() for r in rest):
        return line, "\n".join(rest)
    # A question or exclamation set apart by a blank line ("Will the Budget bring out smiling
    # voters?") is a headline too; without a title the model wrote one that contradicted the text.
    set_apart = bool(rest) and not rest[0].strip() and any(r.strip() for r in rest)
    if set_apart and _QUESTION.search(line) and looks_like_headline(line[:-1]):
        return line, "\n".join(rest)
    return None, text


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")


def plain_document(text: str) -> tuple[str | None, str]:
    """Title (from a headline-like first line, if any) and the tidied body."""
    title, body = _split_first_line(_normalise_newlines(text))
    return (_SPACES.sub(" ", title) if title else None), tidy_text(body)


def _inline_text(children: list[Token] | None) -> str:
    parts: list[str] = []
    for child in children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return _SPACES.sub(" ", "".join(parts)).strip()


def markdown_document(text: str) -> tuple[str | None, str]:
    """Title and plain paragraphs of a Markdown text, with the markup (emphasis, links) removed.

    Markup left in would end up inside sentences that grounding quotes back as evidence.
    """
    md = MarkdownIt("commonmark")
    title, body = _split_first_line(_normalise_newlines(text))
    if title:
        title = _inline_text(md.parseInline(title)[0].children) or None
    blocks = (_inline_text(t.children) for t in md.parse(body) if t.type == "inline")
    return title, "\n\n".join(block for block in blocks if block)
