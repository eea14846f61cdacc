"""Batch items and the filesystem-safe ids that name their output files."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from urllib.parse import unquote, urlsplit

from briefwire.model import Article

MAX_ID_LENGTH = 100
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_DASHES = re.compile(r"-{2,}")
_WEB_SUFFIX = re.compile(r"\.(html?|php|aspx?|jsp)$", re.IGNORECASE)


@dataclass(frozen=True)
class InputItem:
    """One input of a batch: an article, or the reason it could not be read."""

    id: str
    article: Article | None
    error: str | None = None


def _safe_chars(value: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    return _DASHES.sub("-", _UNSAFE.sub("-", ascii_text))


def slugify(value: str, *, fallback: str = "item") -> str:
    """A name safe on every filesystem: ASCII letters, digits, '.', '_' and '-' only."""
    # Leading dots would make hidden files (or ".."); trailing ones vanish on Windows.
    slug = _safe_chars(value).strip("-.")[:MAX_ID_LENGTH].rstrip("-.")
    return slug or fallback


def url_slug(url: str) -> str:
    """An id for a URL: host plus path, keeping the end of the path when it is too long."""
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.")
    path = _WEB_SUFFIX.sub("", unquote(parts.path).rstrip("/"))
    safe = _safe_chars(f"{host}{path}")
    # The last path segments (the story slug) tell articles apart better than the host does.
    return slugify(safe[-MAX_ID_LENGTH:], fallback="url")


def looks_like_url(value: str) -> bool:
    return re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", value) is not None


def is_web_url(value: str) -> bool:
    """http(s) only: a relative or file: link from a feed or JSONL must never be read as a local path."""
    return value.lower().startswith(("http://", "https://"))


def unique_ids(items: Iterable[InputItem]) -> Iterator[InputItem]:
    """Rename repeated ids to id-2, id-3, ... so no two items of one batch share an output file."""
    seen: set[str] = set()
    for item in items:
        candidate, n = item.id, 1
        while candidate.lower() in seen:  # case-insensitive filesystems (macOS, Windows)
            n += 1
            suffix = f"-{n}"
            candidate = item.id[: MAX_ID_LENGTH - len(suffix)] + suffix
        seen.add(candidate.lower())
        if candidate != item.id:
            article = item.article.model_copy(update={"id": candidate}) if item.article else None
            item = replace(item, id=candidate, article=article)
        yield item
