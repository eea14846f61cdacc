"""Bytes to text: binary detection, charset fallbacks, and sniffing HTML and feeds."""

from __future__ import annotations

import codecs
import re

from briefwire.errors import InputError

_SNIFF_BYTES = 8192
# Control bytes that never occur in text; \t \n \v \f \r and ESC (ANSI colours in logs) are allowed.
_CONTROL_BYTES = frozenset(range(0x20)) - {0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1B} | {0x7F}
_MAX_CONTROL_SHARE = 0.05
# After UTF-8: cp1252 is what most mislabelled Western text really is; latin-1 decodes any byte.
_FALLBACK_ENCODINGS = ("cp1252", "latin-1")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_HTML_MARKERS = ("<!doctype html", "<html", "<head", "<body", "<article")
_FEED_MARKERS = ("<rss", "<feed", "<rdf:rdf")
# JSON objects do not keep key order, so the version may come after the items: the whole text is searched.
_JSON_FEED_VERSION = re.compile(r'"version"\s*:\s*"https?://jsonfeed\.org/version/')


def looks_binary(data: bytes) -> bool:
    sample = data[:_SNIFF_BYTES]
    if not sample:
        return False
    if b"\x00" in sample:
        return True
    controls = sum(1 for byte in sample if byte in _CONTROL_BYTES)
    return controls / len(sample) > _MAX_CONTROL_SHARE


def html_meta_charset(data: bytes) -> str | None:
    """The charset an HTML page declares in a <meta> tag near its start, if any."""
    match = _META_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii") if match else None


def decode_bytes(data: bytes, name: str, declared: str | None = None) -> tuple[str, list[str]]:
    """Decode ``data`` and return the text with any warnings about how it was decoded.

    A byte-order mark wins, then the declared charset (HTTP header or HTML meta), then
    UTF-8, then the fallbacks; a fallback adds a warning because accents may be wrong.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), []
        except UnicodeDecodeError:
            pass  # a BOM followed by garbage: let the binary check below decide
    if looks_binary(data):
        raise InputError(f"{name} looks like binary data, not text or HTML.")
    if declared and not data.startswith(codecs.BOM_UTF8):
        try:
            return data.decode(declared), []
        except (LookupError, UnicodeDecodeError):
            pass  # unknown or wrong label: servers and pages often lie about their charset
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    for encoding in _FALLBACK_ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return text, [f"{name} is not valid UTF-8; decoded as {encoding}"]
    raise AssertionError("latin-1 decodes every byte string")  # pragma: no cover


def _head(text: str) -> str:
    return text[:1024].lstrip("\ufeff \t\r\n").lower()


def looks_like_html(text: str) -> bool:
    # The document must open with markup, so prose that merely mentions "<html" stays text.
    head = _head(text)
    return head.startswith("<") and any(marker in head for marker in _HTML_MARKERS)


def looks_like_json_feed(text: str) -> bool:
    return _head(text).startswith("{") and _JSON_FEED_VERSION.search(text) is not None


def looks_like_feed(text: str) -> bool:
    """RSS, Atom or JSON Feed."""
    head = _head(text)
    xml_feed = head.startswith("<") and any(marker in head for marker in _FEED_MARKERS)
    return xml_feed or looks_like_json_feed(text)
