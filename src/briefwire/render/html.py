"""A standalone HTML page: inline CSS and JS, no external assets, every sentence clickable.

Article and model text only ever reaches the page through autoescaping (Jinja2 and
markupsafe) or, for the evidence panel, through JSON that the script reads with
``textContent``; nothing is inserted as markup.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader
from markupsafe import Markup, escape

from briefwire.model import Briefing, Claim
from briefwire.render.layout import (
    EVIDENCE_HEADINGS,
    FLAGGED,
    Inline,
    evidence_origin,
    has_note,
    layout,
    note_heading,
)

# Sequences that could end the <script> element or confuse a JS parser, as JSON escapes.
_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


@lru_cache(maxsize=1)
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("briefwire.render", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def script_json(data: Any) -> Markup:
    """JSON that is safe inside <script type="application/json">."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, replacement in _JSON_ESCAPES.items():
        text = text.replace(char, replacement)
    return Markup(text)


def _inline(segments: Inline, claims: list[Claim]) -> Markup:
    parts = []
    for segment in segments:
        if segment.claim is None:
            parts.append(escape(segment.text))
            continue
        label = claims[segment.claim].label
        badge = Markup('<span class="badge badge-{0}">{0}</span>').format(label) if label in FLAGGED else ""
        parts.append(
            Markup('<span class="claim label-{0}" data-claim="{1}" tabindex="0">{2}{3}</span>').format(
                label, segment.claim, segment.text, badge
            )
        )
    return Markup(" ").join(parts)


def _claim_data(briefing: Briefing) -> list[dict[str, Any]]:
    """What the evidence panel shows for each claim, indexed like ``data-claim``."""
    return [
        {
            "label": claim.label,
            "score": round(claim.score, 3),
            "section": claim.section,
            "heading": note_heading(claim),
            "evidence_heading": EVIDENCE_HEADINGS.get(claim.label, "") if claim.evidence else "",
            "evidence": [
                {"text": ev.text, "origin": evidence_origin(ev, briefing.background)} for ev in claim.evidence
            ],
        }
        for claim in briefing.claims
    ]


def render_html(briefing: Briefing) -> str:
    doc = layout(briefing)
    data = _claim_data(briefing)
    title = "".join(s.text for s in doc.headline) if doc.headline else briefing.source.title or "Briefing"
    return (
        _environment()
        .get_template("briefing.html.j2")
        .render(
            doc=doc,
            title=title,
            claims=briefing.claims,
            noted=[(i, data[i]) for i, claim in enumerate(briefing.claims) if has_note(claim)],
            claims_json=script_json(data),
            inline=lambda segments: _inline(segments, briefing.claims),
        )
    )
