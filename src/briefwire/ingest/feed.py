"""RSS and Atom feeds: one batch item per entry, fetching the full article when the feed has a teaser."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from briefwire.errors import InputError
from briefwire.ingest.htmltext import html_fragment_text
from briefwire.ingest.items import InputItem, is_web_url, looks_like_url, slugify, url_slug
from briefwire.ingest.load import load_article
from briefwire.ingest.plaintext import tidy_text
from briefwire.model import Article
from briefwire.text import normalize_space

FEED_MEDIA_TYPES = frozenset({"application/rss+xml", "application/atom+xml", "application/rdf+xml"})
FEED_SUFFIXES = frozenset({".rss", ".atom"})
# Below this the feed carries a teaser; the entry's link is fetched for the full story.
MIN_FEED_WORDS = 50


def _entry_id(entry: Any, n: int) -> str:
    raw = str(entry.get("id") or entry.get("link") or entry.get("title") or "").strip()
    if not raw:
        return f"entry-{n}"
    return url_slug(raw) if looks_like_url(raw) else slugify(raw, fallback=f"entry-{n}")


def _entry_date(entry: Any) -> str | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if parsed:
        return time.strftime("%Y-%m-%d", parsed)  # the same form trafilatura gives for pages
    return entry.get("published") or entry.get("updated") or None


def _entry_text(entry: Any) -> str:
    """The longest of the entry's content and summary, as plain paragraphs."""
    candidates = [(c.get("value", ""), c.get("type", "")) for c in entry.get("content", [])]
    candidates.append((entry.get("summary", ""), entry.get("summary_detail", {}).get("type", "text/html")))
    texts = [
        tidy_text(value) if media_type == "text/plain" else html_fragment_text(value)
        for value, media_type in candidates
        if value and value.strip()
    ]
    return max(texts, key=len, default="")


def _entry_item(entry: Any, n: int, *, allow_private: bool, timeout: float, max_bytes: int) -> InputItem:
    item_id = _entry_id(entry, n)
    link = entry.get("link", "")
    link = link if is_web_url(link) else None
    meta = {
        "title": normalize_space(entry.get("title", "")) or None,
        "author": entry.get("author") or None,
        "date": _entry_date(entry),
        "url": link,
    }
    text = _entry_text(entry)
    words = len(text.split())
    if words >= MIN_FEED_WORDS or (text and link is None):
        warnings = []
        if words < MIN_FEED_WORDS:
            warnings.append(
                f"feed entry {item_id} has only {words} words of text and no link to the full article"
            )
        return InputItem(item_id, Article(text=text, id=item_id, warnings=warnings, **meta))
    if link is None:
        return InputItem(item_id, None, f"Feed entry {item_id} has no text and no web link to fetch.")
    try:
        article = load_article(link, allow_private=allow_private, timeout=timeout, max_bytes=max_bytes)
    except InputError as exc:
        return InputItem(
            item_id, None, f"Feed entry {item_id} has no usable text, and its link failed: {exc}"
        )
    # The publisher's feed metadata is curated; what trafilatura finds on the page is inferred.
    known = {key: value for key, value in meta.items() if value}
    return InputItem(item_id, article.model_copy(update={**known, "id": item_id}))


def feed_items(
    data: bytes,
    *,
    name: str,
    base_url: str | None = None,
    allow_private: bool,
    timeout: float,
    max_bytes: int,
) -> Iterator[InputItem]:
    """Parse the feed now (so a broken feed fails at once) and load its entries lazily."""
    import feedparser

    # Bytes, never a string: feedparser would treat a string that looks like a URL as one to fetch.
    headers = {"content-location": base_url} if base_url else None
    parsed = feedparser.parse(data, response_headers=headers)
    if not parsed.entries and (parsed.bozo or not parsed.version):
        reason = f" ({parsed.get('bozo_exception')})" if parsed.bozo else ""
        raise InputError(f"{name} is not a readable RSS or Atom feed{reason}.")

    def entries() -> Iterator[InputItem]:
        for n, entry in enumerate(parsed.entries, start=1):
            yield _entry_item(entry, n, allow_private=allow_private, timeout=timeout, max_bytes=max_bytes)

    return entries()
