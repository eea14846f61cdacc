"""RSS, Atom and JSON Feed: one batch item per entry, fetching the full article when the feed has a teaser."""

from __future__ import annotations

import codecs
import json
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urljoin

from pydantic import BaseModel, ValidationError

from briefwire.errors import InputError
from briefwire.ingest.decode import looks_like_json_feed
from briefwire.ingest.htmltext import html_fragment_text
from briefwire.ingest.items import InputItem, is_web_url, looks_like_url, short_hash, slugify, url_slug
from briefwire.ingest.load import load_article
from briefwire.ingest.plaintext import tidy_text
from briefwire.model import Article
from briefwire.text import normalize_space

FEED_MEDIA_TYPES = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/feed+json"}
)
FEED_SUFFIXES = frozenset({".rss", ".atom"})
# Below this the feed carries a teaser; the entry's link is fetched for the full story.
MIN_FEED_WORDS = 50


@dataclass(frozen=True)
class FeedEntry:
    """What RSS, Atom and JSON Feed entries have in common."""

    guid: str | None
    link: str | None
    title: str | None
    author: str | None
    date: str | None
    texts: Sequence[str]  # the entry's content and summary, each as plain paragraphs

    def identity(self) -> tuple[str, str]:
        """(key, id): the full guid, else the link, else a hash of the content; never the position.

        The whole guid counts, query string included: WordPress guids differ only in ``?p=123``.
        """
        key = self.guid or self.link
        if key:
            return key, url_slug(key) if looks_like_url(key) else slugify(key, fallback="entry")
        content = "\n".join([self.title or "", *self.texts])
        return content, f"entry-{short_hash(content)}"


# --- RSS and Atom, through feedparser -----------------------------------------------------------


def _rss_date(entry: Any) -> str | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if parsed:
        return time.strftime("%Y-%m-%d", parsed)  # the same form trafilatura gives for pages
    return entry.get("published") or entry.get("updated") or None


def _rss_entry(entry: Any) -> FeedEntry:
    candidates = [(c.get("value", ""), c.get("type", "")) for c in entry.get("content", [])]
    candidates.append((entry.get("summary", ""), entry.get("summary_detail", {}).get("type", "text/html")))
    return FeedEntry(
        guid=str(entry.get("id") or "").strip() or None,
        link=entry.get("link") or None,
        title=entry.get("title"),
        author=entry.get("author") or None,
        date=_rss_date(entry),
        texts=[
            tidy_text(value) if media_type == "text/plain" else html_fragment_text(value)
            for value, media_type in candidates
            if value and value.strip()
        ],
    )


def _rss_entries(data: bytes, name: str, base_url: str | None) -> list[FeedEntry]:
    import feedparser

    # Bytes, never a string: feedparser would treat a string that looks like a URL as one to fetch.
    headers = {"content-location": base_url} if base_url else None
    parsed = feedparser.parse(data, response_headers=headers)
    if not parsed.entries and (parsed.bozo or not parsed.version):
        reason = f" ({parsed.get('bozo_exception')})" if parsed.bozo else ""
        raise InputError(f"{name} is not a readable RSS or Atom feed{reason}.")
    return [_rss_entry(entry) for entry in parsed.entries]


# --- JSON Feed 1.0 and 1.1 (https://jsonfeed.org/version/1.1) ------------------------------------


class _JsonAuthor(BaseModel):
    name: str | None = None


class _JsonItem(BaseModel):
    id: str | int | float | None = None  # the spec asks readers to coerce a number to a string
    url: str | None = None
    title: str | None = None
    content_html: str | None = None
    content_text: str | None = None
    summary: str | None = None
    date_published: str | None = None
    date_modified: str | None = None
    authors: list[_JsonAuthor] = []  # 1.1
    author: _JsonAuthor | None = None  # 1.0


class _JsonFeed(BaseModel):
    version: str
    items: list[Any]  # validated one by one, so a bad item fails alone
    feed_url: str | None = None
    home_page_url: str | None = None


def _json_date(value: str | None) -> str | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    # UTC, as feedparser gives RSS dates, so both kinds of feed date the same moment alike.
    return (moment.astimezone(timezone.utc) if moment.tzinfo else moment).strftime("%Y-%m-%d")


def _json_entry(item: _JsonItem, base_url: str | None) -> FeedEntry:
    names = [a.name for a in [*item.authors, *([item.author] if item.author else [])] if a.name]
    texts = [
        html_fragment_text(item.content_html or ""),
        tidy_text(item.content_text or ""),
        tidy_text(item.summary or ""),
    ]
    return FeedEntry(
        guid=None if item.id is None else str(item.id).strip() or None,
        link=urljoin(base_url or "", item.url) if item.url else None,
        title=item.title,
        author=", ".join(names) or None,
        date=_json_date(item.date_published or item.date_modified),
        texts=[text for text in texts if text],
    )


def _json_entries(data: bytes, name: str, base_url: str | None) -> list[FeedEntry | InputItem]:
    try:
        feed = _JsonFeed.model_validate_json(data.removeprefix(codecs.BOM_UTF8))
    except ValidationError as exc:
        raise InputError(f"{name} is not a readable JSON Feed ({exc.errors()[0]['msg']}).") from exc
    base = base_url or feed.feed_url or feed.home_page_url
    entries: list[FeedEntry | InputItem] = []
    for raw in feed.items:
        try:
            entries.append(_json_entry(_JsonItem.model_validate(raw), base))
        except ValidationError as exc:
            guid = raw.get("id") if isinstance(raw, dict) else None
            texts = [json.dumps(raw, sort_keys=True)]
            stub = FeedEntry(
                str(guid) if isinstance(guid, str | int) else None, None, None, None, None, texts
            )
            key, item_id = stub.identity()
            error = f"Feed entry {item_id} of {name} is not a JSON Feed item ({exc.errors()[0]['msg']})."
            entries.append(InputItem(item_id, None, error, key=key))
    return entries


# --- entries to batch items ---------------------------------------------------------------------


def _entry_item(entry: FeedEntry, *, allow_private: bool, timeout: float, max_bytes: int) -> InputItem:
    key, item_id = entry.identity()
    link = entry.link if entry.link and is_web_url(entry.link) else None
    meta = {
        "title": normalize_space(entry.title or "") or None,
        "author": entry.author,
        "date": entry.date,
        "url": link,
    }
    text = max(entry.texts, key=len, default="")
    words = len(text.split())
    if words >= MIN_FEED_WORDS or (text and link is None):
        warnings = []
        if words < MIN_FEED_WORDS:
            warnings.append(
                f"feed entry {item_id} has only {words} words of text and no link to the full article"
            )
        return InputItem(item_id, Article(text=text, id=item_id, warnings=warnings, **meta), key=key)
    if link is None:
        return InputItem(
            item_id, None, f"Feed entry {item_id} has no text and no web link to fetch.", key=key
        )
    try:
        article = load_article(link, allow_private=allow_private, timeout=timeout, max_bytes=max_bytes)
    except InputError as exc:
        error = f"Feed entry {item_id} has no usable text, and its link failed: {exc}"
        return InputItem(item_id, None, error, key=key)
    # The publisher's feed metadata is curated; what trafilatura finds on the page is inferred.
    known = {k: value for k, value in meta.items() if value}
    return InputItem(item_id, article.model_copy(update={**known, "id": item_id}), key=key)


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
    if looks_like_json_feed(data.decode("utf-8", "replace")):
        entries: Sequence[FeedEntry | InputItem] = _json_entries(data, name, base_url)
    else:
        entries = _rss_entries(data, name, base_url)

    def items() -> Iterator[InputItem]:
        for entry in entries:
            if isinstance(entry, InputItem):
                yield entry
            else:
                yield _entry_item(entry, allow_private=allow_private, timeout=timeout, max_bytes=max_bytes)

    return items()
