"""From what a request carries (text, HTML, a URL, an upload) to an Article and BriefOptions,
and from a Briefing to a download. Shared by the JSON API and the HTML form."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import PurePath
from urllib.parse import urlsplit

from fastapi.responses import Response
from pydantic import ValidationError

from briefwire.errors import InputError
from briefwire.ingest.load import article_from_bytes, article_from_html, load_article
from briefwire.model import Article, Briefing
from briefwire.options import SECTIONS, BriefOptions, check_options
from briefwire.web.settings import WebSettings

MEDIA_TYPES = {
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "json": "application/json",
}
# The rendered standalone page carries its own inline script and styles (so it works as a
# downloaded file); everything else, network access included, stays forbidden.
RENDERED_HTML_CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


def build_article(
    settings: WebSettings,
    *,
    text: str | None = None,
    html: str | None = None,
    url: str | None = None,
    upload: tuple[str, bytes] | None = None,
    title: str | None = None,
) -> Article:
    """Exactly one source must be given; every failure is an InputError with a readable message."""
    given = [s for s in (text, html, url, upload) if s]
    if len(given) != 1:
        raise InputError("Give exactly one of: article text, HTML, a URL or a file.")
    if text:
        # Pasted text that opens with markup is a page someone copied: extract it as HTML.
        article = article_from_bytes(text.encode("utf-8"), name="The pasted text", article_id=None)
    elif html:
        article = article_from_html(html, name="the HTML", article_id=None)
    elif url:
        article = load_article(
            _web_url(url),
            allow_private=settings.allow_private_urls,
            timeout=settings.fetch_timeout,
            max_bytes=settings.fetch_max_bytes,
        )
    else:
        assert upload is not None
        name, data = upload
        label = f"The file {_display_name(name)}"
        article = article_from_bytes(data, name=label, article_id=None, suffix=PurePath(name).suffix.lower())
    if title and title.strip():
        article = article.model_copy(update={"title": title.strip()})
    return article


def _web_url(url: str) -> str:
    # load_article also reads local paths and "-"; only a real http(s) URL may come from a client.
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError as err:
        raise InputError(f"{url!r} is not a valid URL.") from err
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise InputError(f"{url!r} is not an http(s) URL.")
    return url


def _display_name(name: str) -> str:
    return re.sub(r"[^\w.\- ]", "_", PurePath(name).name)[:100] or "upload"


def build_options(
    *,
    sections: Sequence[str] | None,
    unsupported: str,
    temperature: float,
    seed: int,
    engine: str,
) -> BriefOptions:
    chosen = [s for s in SECTIONS if s in set(sections)] if sections else list(SECTIONS)
    unknown = sorted(set(sections or ()) - set(SECTIONS))
    if unknown:
        raise InputError(f"Unknown section(s): {', '.join(unknown)}. Choose from {', '.join(SECTIONS)}.")
    if not chosen:
        raise InputError("Choose at least one section.")
    try:
        options = BriefOptions(
            sections=tuple(chosen), unsupported=unsupported, temperature=temperature, seed=seed, engine=engine
        )
    except ValidationError as err:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in err.errors())
        raise InputError(f"Invalid options ({problems}).") from err
    return check_options(options)


def download(briefing: Briefing, briefing_id: str, fmt: str, *, attachment: bool) -> Response:
    """The briefing rendered as Markdown, a standalone HTML page or JSON."""
    from briefwire.render import render

    headers = {}
    if attachment:
        safe_id = re.sub(r"[^A-Za-z0-9_-]", "", briefing_id)
        headers["Content-Disposition"] = f'attachment; filename="briefing-{safe_id}.{fmt}"'
    if fmt == "html":
        headers["Content-Security-Policy"] = RENDERED_HTML_CSP
    return Response(render(briefing, fmt), media_type=MEDIA_TYPES[fmt], headers=headers)
