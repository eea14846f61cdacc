"""One article from a file, standard input or a URL; and the plain text of a file, read the same way."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from typing import BinaryIO
from urllib.parse import urlsplit

from briefwire.errors import InputError
from briefwire.ingest.decode import decode_bytes, html_meta_charset, looks_like_feed, looks_like_html
from briefwire.ingest.fetch import FetchedPage, fetch_url
from briefwire.ingest.htmltext import extract_html
from briefwire.ingest.items import looks_like_url, slugify, url_slug
from briefwire.ingest.plaintext import markdown_document, plain_document
from briefwire.model import Article

DEFAULT_TIMEOUT = 20.0
DEFAULT_MAX_BYTES = 5_000_000
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})
_HTML_MEDIA_TYPES = frozenset({"text/html", "application/xhtml+xml"})
# Fewer words than this is a menu, a cookie wall or a JavaScript shell, not an article.
MIN_HTML_WORDS = 20
STDIN_NAME = "standard input"


def finish_article(
    text: str,
    *,
    name: str,
    article_id: str | None,
    title: str | None = None,
    author: str | None = None,
    date: str | None = None,
    url: str | None = None,
    warnings: Sequence[str] = (),
) -> Article:
    if not text.strip():
        raise InputError(f"{name} contains no article text.")
    return Article(
        text=text,
        title=title,
        author=author,
        date=date,
        url=url,
        id=article_id,
        warnings=list(warnings),
    )


def article_from_html(
    html: str, *, name: str, article_id: str | None, url: str | None = None, warnings: Sequence[str] = ()
) -> Article:
    doc = extract_html(html, url=url)
    if len(doc.text.split()) < MIN_HTML_WORDS:
        raise InputError(f"No article text could be extracted from the HTML in {name}.")
    return finish_article(
        doc.text,
        name=name,
        article_id=article_id,
        title=doc.title,
        author=doc.author,
        date=doc.date,
        url=url,
        warnings=warnings,
    )


def article_from_bytes(
    data: bytes,
    *,
    name: str,
    article_id: str | None,
    url: str | None = None,
    charset: str | None = None,
    media_type: str = "",
    suffix: str = "",
) -> Article:
    """Decode, tell HTML from plain text or Markdown, and extract the article."""
    text, warnings = decode_input(data, name, charset)
    if looks_like_feed(text):
        raise InputError(
            f"{name} is a news feed (RSS, Atom or JSON Feed), not an article; "
            "give it as a batch input instead."
        )
    if suffix == ".json" or media_type == "application/json":
        raise InputError(f"{name} is JSON data, not an article.")
    if suffix in HTML_SUFFIXES or media_type in _HTML_MEDIA_TYPES or looks_like_html(text):
        return article_from_html(text, name=name, article_id=article_id, url=url, warnings=warnings)
    is_markdown = suffix in MARKDOWN_SUFFIXES or media_type == "text/markdown"
    title, body = markdown_document(text) if is_markdown else plain_document(text)
    return finish_article(body, name=name, article_id=article_id, title=title, url=url, warnings=warnings)


def decode_input(data: bytes, name: str, charset: str | None = None) -> tuple[str, list[str]]:
    """Text and decoding warnings; binary data and empty input are InputErrors."""
    if not data.strip():
        raise InputError(f"{name} is empty or contains only whitespace.")
    text, warnings = decode_bytes(data, name, charset or html_meta_charset(data))
    if not text.strip():
        raise InputError(f"{name} is empty or contains only whitespace.")
    return text, warnings


def article_from_page(page: FetchedPage) -> Article:
    return article_from_bytes(
        page.body,
        name=page.url,
        article_id=url_slug(page.url),
        url=page.final_url,
        charset=page.charset,
        media_type=page.content_type,
        suffix=PurePosixPath(urlsplit(page.final_url).path).suffix.lower(),
    )


def _too_large(name: str, max_bytes: int) -> InputError:
    return InputError(f"{name} is larger than the limit of {max_bytes:,} bytes.")


def read_file(path: Path, name: str, max_bytes: int) -> bytes:
    """The bytes of an input file, with every failure turned into a one-sentence InputError."""
    try:
        if path.is_dir():
            raise InputError(f"{name} is a directory, not an article file.")
        if path.stat().st_size > max_bytes:
            raise _too_large(name, max_bytes)
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)  # pipes and /dev/fd/* report a size of 0
    except FileNotFoundError as exc:
        raise InputError(f"Input file {name} does not exist.") from exc
    except PermissionError as exc:
        raise InputError(f"Cannot read {name}: permission denied.") from exc
    except OSError as exc:
        raise InputError(f"Cannot read {name} ({exc.strerror or exc}).") from exc
    if len(data) > max_bytes:
        raise _too_large(name, max_bytes)
    return data


def read_input(source: str, *, stdin: BinaryIO | None = None, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The bytes of a file, or of standard input for "-", at most ``max_bytes`` of them."""
    if source != "-":
        return read_file(Path(source).expanduser(), source, max_bytes)
    data = (stdin if stdin is not None else sys.stdin.buffer).read(max_bytes + 1)
    if len(data) > max_bytes:
        raise _too_large(STDIN_NAME, max_bytes)
    return data


def load_text(
    source: str, *, stdin: BinaryIO | None = None, max_bytes: int = DEFAULT_MAX_BYTES
) -> tuple[str, list[str]]:
    """The decoded text of a file or "-", read like an article (size cap, binary check,
    charsets) but kept as it is: for inputs that are not articles, such as a list of claims."""
    name = STDIN_NAME if source == "-" else source
    return decode_input(read_input(source, stdin=stdin, max_bytes=max_bytes), name)


def load_article(
    source: str,
    *,
    stdin: BinaryIO | None = None,
    allow_private: bool = True,
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Article:
    """Read one article from a file path, "-" (standard input) or an http(s) URL.

    HTML goes through trafilatura; plain text and Markdown keep their paragraphs, and a
    headline-like first line becomes the title.  Every failure is an InputError.
    """
    if looks_like_url(source):
        page = fetch_url(source, allow_private=allow_private, timeout=timeout, max_bytes=max_bytes)
        return article_from_page(page)
    data = read_input(source, stdin=stdin, max_bytes=max_bytes)
    if source == "-":
        return article_from_bytes(data, name=STDIN_NAME, article_id="stdin")
    path = Path(source).expanduser()
    return article_from_bytes(
        data, name=source, article_id=slugify(path.stem, fallback="article"), suffix=path.suffix.lower()
    )
