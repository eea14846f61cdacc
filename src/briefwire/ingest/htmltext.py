"""HTML to article text and metadata, via trafilatura."""

from __future__ import annotations

import re
from dataclasses import dataclass

from briefwire.ingest.plaintext import tidy_text
from briefwire.text import normalize_space

_SENTENCE_END = re.compile(r"[.!?…]['\"’”)\]]*\s*$")
_BREAK = "\u2029"  # Unicode paragraph separator, a stand-in for a block boundary
# fmt: off
_BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption",
    "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav",
    "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul",
})
# fmt: on


@dataclass(frozen=True)
class HtmlDocument:
    text: str  # paragraphs separated by blank lines; "" when nothing was found
    title: str | None = None
    author: str | None = None
    date: str | None = None


def _paragraphs(extracted: str) -> str:
    # trafilatura puts one block (paragraph, heading, list item) per line, but its fallback
    # extractors also break a line at an inline tag left open in bad markup ("at least <b>six
    # weeks"): a line that starts in lower case continues an unfinished sentence.
    lines: list[str] = []
    for line in extracted.split("\n"):
        if lines and lines[-1].strip() and line[:1].islower() and not _SENTENCE_END.search(lines[-1]):
            lines[-1] = f"{lines[-1].rstrip()} {line.lstrip()}"
        else:
            lines.append(line)
    return tidy_text("\n\n".join(lines))


def extract_html(html: str, *, url: str | None = None) -> HtmlDocument:
    """Main text plus title, author and date of a web page; navigation and footers are dropped."""
    import trafilatura  # slow to import; only HTML inputs need it

    doc = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        # Table cells come out one per line and would read as a run of one-word sentences.
        include_tables=False,
    )
    if doc is None:
        return HtmlDocument(text="")
    text = _paragraphs(doc.text or "")
    title = normalize_space(doc.title) if doc.title else None
    if title:
        # The page's <h1> usually repeats the title as the first line of the text.
        first, _, rest = text.partition("\n\n")
        if normalize_space(first).casefold() == title.casefold():
            text = rest
    return HtmlDocument(text=text, title=title, author=doc.author or None, date=doc.date or None)


def html_fragment_text(fragment: str) -> str:
    """Plain paragraphs of an HTML snippet that is all content, such as a feed entry's body.

    trafilatura is built to find the article inside a page; on a short snippet it falls back
    to a mode that puts every inline element (links, bold) on a line of its own, so here lxml
    only lays the text out, one paragraph per block element.
    """
    import lxml.html

    if not fragment.strip():
        return ""
    root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    for element in root.xpath("//script|//style|//template"):
        element.drop_tree()
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.lower() in _BLOCK_TAGS:
            element.text = _BREAK + (element.text or "")
            element.tail = _BREAK + (element.tail or "")
    paragraphs = (normalize_space(p) for p in root.text_content().split(_BREAK))
    return "\n\n".join(p for p in paragraphs if p)
