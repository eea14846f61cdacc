"""Briefing output formats: Markdown, standalone HTML and the versioned JSON schema."""

from __future__ import annotations

from pathlib import PurePath
from typing import cast

from briefwire.errors import ConfigError
from briefwire.model import Briefing
from briefwire.options import FORMATS, Format
from briefwire.render.html import render_html
from briefwire.render.markdown import render_markdown

_SYNONYMS = {"markdown": "md", "htm": "html"}
EXTENSIONS = {".md": "md", ".markdown": "md", ".json": "json", ".html": "html", ".htm": "html"}

__all__ = [
    "FORMATS",
    "Format",
    "UnknownFormatError",
    "format_for_path",
    "render",
    "render_html",
    "render_json",
    "render_markdown",
]


class UnknownFormatError(ConfigError, ValueError):
    """An output format that briefwire cannot write; a ValueError for library callers too."""


def render_json(briefing: Briefing) -> str:
    # The pydantic model is the public, versioned schema: dump it as is, keys unchanged.
    return briefing.model_dump_json(indent=2)


def format_for_path(path: str | None, explicit: str | None = None) -> Format:
    """The format to write: ``explicit`` if given, else from the extension, else Markdown.

    ``None`` or "-" (standard output) means Markdown; an extension briefwire does not know
    is an error rather than a guess.
    """
    if explicit is not None:
        name = _SYNONYMS.get(explicit.strip().lower(), explicit.strip().lower())
        if name not in FORMATS:
            raise UnknownFormatError(f"unknown output format {explicit!r}; choose one of md, json or html")
        return cast(Format, name)
    if path is None or path == "-":
        return "md"
    suffix = PurePath(path).suffix.lower()
    if suffix not in EXTENSIONS:
        known = ", ".join(EXTENSIONS)
        raise UnknownFormatError(
            f"cannot tell the output format of {path!r} from its extension; "
            f"use one of {known}, or name the format explicitly (md, json or html)"
        )
    return cast(Format, EXTENSIONS[suffix])


def render(briefing: Briefing, fmt: Format | str) -> str:
    """The briefing as text in ``fmt`` ("md", "json" or "html")."""
    if fmt == "md":
        return render_markdown(briefing)
    if fmt == "html":
        return render_html(briefing)
    if fmt == "json":
        return render_json(briefing)
    raise UnknownFormatError(f"unknown output format {fmt!r}; choose one of md, json or html")
