"""Batch items and the filesystem-safe ids that name their output files."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from urllib.parse import unquote, urlsplit

from briefwire.model import Article

MAX_ID_LENGTH = 100
HASH_LENGTH = 8
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_DASHES = re.compile(r"-{2,}")
_WEB_SUFFIX = re.compile(r"\.(html?|php|aspx?|jsp)$", re.IGNORECASE)


@dataclass(frozen=True)
class InputItem:
    """One input of a batch: an article, or the reason it could not be read."""

    id: str
    article: Article | None
    error: str | None = None
    key: str | None = None  # what the id was made from (guid, URL, path): tells equal ids apart


def short_hash(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:HASH_LENGTH]


def _with_suffix(name: str, suffix: str) -> str:
    """``name-suffix``, with ``name`` cut so the whole stays within MAX_ID_LENGTH."""
    head = name[: MAX_ID_LENGTH - len(suffix) - 1].rstrip("-.")
    return f"{head}-{suffix}" if head else suffix


def _safe_chars(value: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    return _DASHES.sub("-", _UNSAFE.sub("-", ascii_text)).strip("-.")


def _keeps_every_letter(value: str, slug: str) -> bool:
    # Punctuation and spaces become "-" by design; a dropped or transliterated letter or digit
    # ("Zürich" -> "Zurich", a non-Latin title -> "") would let two different ids share a name.
    return [c for c in value if c.isalnum()] == [c for c in slug if c.isalnum()]


def slugify(value: str, *, fallback: str = "item") -> str:
    """A name safe on every filesystem: ASCII letters, digits, '.', '_' and '-' only.

    Leading dots (hidden files, "..") and trailing ones (dropped on Windows) are removed. A
    name that lost a letter or digit, or had to be cut to MAX_ID_LENGTH, ends in a short hash
    of ``value``, so ids that differ only in what was stripped still get different names.
    """
    slug = _safe_chars(value)
    if slug and len(slug) <= MAX_ID_LENGTH and _keeps_every_letter(value, slug):
        return slug
    return _with_suffix(slug or fallback, short_hash(value))


def _word_tail(slug: str, length: int) -> str:
    """The last ``length`` characters of ``slug`` or fewer, starting at a word."""
    if len(slug) <= length:
        return slug
    if length <= 0:
        return ""
    tail = slug[-length:]
    return tail.split("-", 1)[1] if slug[-length - 1] != "-" and "-" in tail else tail


def url_slug(url: str) -> str:
    """An id for a URL: host, path and query (WordPress guids differ only in ``?p=123``).

    A name that is too long keeps the whole host and the end of the path (the story slug,
    which tells articles apart best) and, like a lossy one, ends in a short hash of the URL.
    """
    parts = urlsplit(url)
    host = _safe_chars((parts.hostname or "").removeprefix("www."))
    rest = _WEB_SUFFIX.sub("", unquote(parts.path).rstrip("/"))
    rest += "".join(
        f"{mark}{unquote(value)}" for mark, value in (("?", parts.query), ("#", parts.fragment)) if value
    )
    rest_slug = _safe_chars(rest)
    slug = "-".join(part for part in (host, rest_slug) if part)
    if slug and len(slug) <= MAX_ID_LENGTH and _keeps_every_letter(host + rest, slug):
        return slug
    tag = short_hash(url)
    room = MAX_ID_LENGTH - HASH_LENGTH - 1
    host = host[:room]
    tail = _word_tail(rest_slug, room - len(host) - 1)
    return "-".join(part for part in (host, tail, tag) if part)


def looks_like_url(value: str) -> bool:
    return re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", value) is not None


def is_web_url(value: str) -> bool:
    """http(s) only: a relative or file: link from a feed or JSONL must never be read as a local path."""
    return value.lower().startswith(("http://", "https://"))


def unique_ids(items: Iterable[InputItem]) -> Iterator[InputItem]:
    """Rename repeated ids so no two items of one batch share an output file.

    An item whose key differs from that of the item holding its id gets a short hash of its
    key, which does not depend on its position; a true repeat (same key, or no key) gets
    id-2, id-3, ...
    """
    holders: dict[str, str | None] = {}  # lower-case id -> key: macOS and Windows ignore case
    for item in items:
        candidate, n = item.id, 1
        if candidate.lower() in holders and item.key and item.key != holders[candidate.lower()]:
            candidate = _with_suffix(item.id, short_hash(item.key))
        while candidate.lower() in holders:
            n += 1
            candidate = _with_suffix(item.id, str(n))
        holders[candidate.lower()] = item.key
        if candidate != item.id:
            article = item.article.model_copy(update={"id": candidate}) if item.article else None
            item = replace(item, id=candidate, article=article)
        yield item
