"""Batch inputs: a folder, a JSONL file, an RSS, Atom or JSON feed, or a single article."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from briefwire.errors import InputError
from briefwire.ingest.decode import looks_like_feed
from briefwire.ingest.feed import FEED_MEDIA_TYPES, FEED_SUFFIXES, feed_items
from briefwire.ingest.fetch import fetch_url
from briefwire.ingest.items import InputItem, is_web_url, looks_like_url, slugify, unique_ids, url_slug
from briefwire.ingest.load import (
    DEFAULT_MAX_BYTES,
    DEFAULT_TIMEOUT,
    article_from_bytes,
    article_from_html,
    article_from_page,
    finish_article,
    load_article,
    read_file,
)
from briefwire.ingest.plaintext import tidy_text
from briefwire.model import Article

ARTICLE_SUFFIXES = frozenset({".txt", ".md", ".html", ".htm"})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
_JSONL_METADATA = ("title", "author", "date", "url")


@dataclass(frozen=True)
class _Limits:
    allow_private: bool
    timeout: float
    max_bytes: int

    def load(self, source: str) -> Article:
        return load_article(
            source, allow_private=self.allow_private, timeout=self.timeout, max_bytes=self.max_bytes
        )


def _guarded(item_id: str, load: Callable[[], Article], key: str) -> InputItem:
    """Run one item's loader; its InputError becomes the item's error instead of ending the batch."""
    try:
        article = load()
    except InputError as exc:
        return InputItem(item_id, None, str(exc), key=key)
    return InputItem(item_id, article.model_copy(update={"id": item_id}), key=key)


def _is_feed(data: bytes, *, media_type: str = "", suffix: str = "") -> bool:
    # latin-1 decodes any bytes and keeps ASCII, which is all the sniffing looks at.
    return (
        media_type in FEED_MEDIA_TYPES or suffix in FEED_SUFFIXES or looks_like_feed(data.decode("latin-1"))
    )


def _article_files(root: Path) -> list[Path]:
    found: list[Path] = []
    # os.walk does not follow symlinked folders, so a link loop cannot recurse forever.
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = [d for d in subfolders if not d.startswith(".")]
        found.extend(
            Path(folder, f)
            for f in files
            if not f.startswith(".") and Path(f).suffix.lower() in ARTICLE_SUFFIXES
        )
    return sorted(found, key=lambda p: p.relative_to(root).as_posix())


def _folder_items(root: Path, spec: str, limits: _Limits) -> Iterator[InputItem]:
    files = _article_files(root)
    if not files:
        raise InputError(f"{spec} contains no .txt, .md, .html or .htm files.")
    return (
        _guarded(
            slugify(path.relative_to(root).with_suffix("").as_posix().replace("/", "__")),
            partial(limits.load, str(path)),
            str(path),
        )
        for path in files
    )


def _jsonl_article(record: dict[str, Any], *, name: str, limits: _Limits) -> Article:
    metadata = {
        key: record[key]
        for key in _JSONL_METADATA
        if isinstance(record.get(key), str) and record[key].strip()
    }
    text, html, url = record.get("text"), record.get("html"), record.get("url")
    if isinstance(text, str):
        article = finish_article(tidy_text(text), name=name, article_id=None)
    elif isinstance(html, str):
        article = article_from_html(html, name=name, article_id=None, url=metadata.get("url"))
    elif isinstance(url, str):
        if not is_web_url(url):
            raise InputError(f"{name} has a url field that is not an http or https URL ({url}).")
        article = limits.load(url)
    else:
        raise InputError(f"{name} has none of the fields text, html or url.")
    return article.model_copy(update=metadata)


def _jsonl_item(raw: bytes, n: int, spec: str, limits: _Limits) -> InputItem:
    name = f"{spec} line {n}"
    try:
        record = json.loads(raw)
    except ValueError as exc:  # also UnicodeDecodeError
        return InputItem(f"line-{n}", None, f"{name} is not valid JSON ({exc}).")
    if not isinstance(record, dict):
        return InputItem(f"line-{n}", None, f"{name} is not a JSON object.")
    raw_id = record.get("id")
    item_id = f"line-{n}" if raw_id in (None, "") else slugify(str(raw_id), fallback=f"line-{n}")
    return _guarded(item_id, partial(_jsonl_article, record, name=name, limits=limits), str(raw_id or name))


def _jsonl_items(path: Path, spec: str, limits: _Limits) -> Iterator[InputItem]:
    # Read line by line: a JSONL batch may be far larger than the per-article byte limit.
    with path.open("rb") as handle:
        for n, raw in enumerate(handle, start=1):
            if raw.strip():
                yield _jsonl_item(raw, n, spec, limits)


def _single(item_id: str, load: Callable[[], Article], key: str) -> Iterator[InputItem]:
    yield _guarded(item_id, load, key)


def _url_items(spec: str, limits: _Limits) -> Iterator[InputItem]:
    page = fetch_url(
        spec, allow_private=limits.allow_private, timeout=limits.timeout, max_bytes=limits.max_bytes
    )
    if _is_feed(page.body, media_type=page.content_type):
        return feed_items(
            page.body,
            name=spec,
            base_url=page.final_url,
            allow_private=limits.allow_private,
            timeout=limits.timeout,
            max_bytes=limits.max_bytes,
        )
    return _single(url_slug(spec), partial(article_from_page, page), spec)


def _file_items(path: Path, spec: str, limits: _Limits) -> Iterator[InputItem]:
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        if not os.access(path, os.R_OK):
            raise InputError(f"Cannot read {spec}: permission denied.")
        return _jsonl_items(path, spec, limits)
    data = read_file(path, spec, limits.max_bytes)
    if _is_feed(data, suffix=suffix):
        return feed_items(
            data,
            name=spec,
            allow_private=limits.allow_private,
            timeout=limits.timeout,
            max_bytes=limits.max_bytes,
        )
    load = partial(article_from_bytes, data, name=spec, article_id=None, suffix=suffix)
    return _single(slugify(path.stem, fallback="article"), load, str(path))


def iter_inputs(
    spec: str,
    *,
    allow_private: bool = True,
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Iterator[InputItem]:
    """The articles named by ``spec``: a folder, a .jsonl file, an RSS, Atom or JSON feed (file or URL),
    or one article file or URL.

    A spec that cannot be opened at all (missing path, empty folder, unreachable URL, broken
    feed) raises InputError here; an item that fails yields an InputItem with ``error`` set and
    iteration goes on.  Ids are filesystem-safe and unique within the spec.
    """
    limits = _Limits(allow_private=allow_private, timeout=timeout, max_bytes=max_bytes)
    if looks_like_url(spec):
        items = _url_items(spec, limits)
    else:
        path = Path(spec).expanduser()
        if path.is_dir():
            items = _folder_items(path, spec, limits)
        elif not path.exists():
            raise InputError(f"Input {spec} does not exist.")
        else:
            items = _file_items(path, spec, limits)
    return unique_ids(items)
