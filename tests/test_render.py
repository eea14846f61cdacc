"""Renderers: section order, claim markers and footnotes, HTML escaping, JSON round trip."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest

from briefwire.model import (
    BackgroundItem,
    Briefing,
    Claim,
    DeepDive,
    Evidence,
    GroundingSummary,
    Link,
    Narrative,
    RunStats,
    Source,
)
from briefwire.render import (
    UnknownFormatError,
    format_for_path,
    render,
    render_html,
    render_json,
    render_markdown,
)
from briefwire.render.html import script_json
from briefwire.render.markdown import md_escape

XSS = "<script>alert(1)</script><img src=x onerror=alert(2)>"

UNSUPPORTED = "Officials expect the bridge to reopen within 12 days."
OPINION = "The delay is an embarrassment for the council."


def ev(sentence_id: int, text: str, source: str = "article") -> Evidence:
    return Evidence(source=source, sentence_id=sentence_id, text=text)


def claim(section: str, text: str, label: str = "supported", evidence=(), reasons=()) -> Claim:
    return Claim(
        section=section,
        text=text,
        label=label,
        score=0.9 if label == "supported" else 0.2,
        evidence=list(evidence),
        reasons=list(reasons),
    )


CLOSED = "The Millbrook bridge closed on Monday."
# A data table, one claim per line, is easier to read than the formatter's layout.
# fmt: off
# section, text, label, evidence as (sentence_id, text), reasons
CLAIMS = [
    ("headline", "Storm closes Millbrook bridge", "supported", [(0, CLOSED)], []),
    ("key_points[0]", "The Millbrook bridge closed on Monday after storm damage.", "supported",
     [(0, CLOSED), (2, "Storm damage was found.")], []),
    ("key_points[1]", "About 20,000 drivers use it daily.", "supported",
     [(5, "Some 20,000 drivers cross daily.")], []),
    ("narrative.paragraphs[0]", "Engineers found cracks in two supports.", "supported",
     [(3, "Cracks were found in two supports.")], []),
    ("narrative.paragraphs[0]", UNSUPPORTED, "unsupported",
     [(7, "No date for reopening was given.")], ["number 12 not in source"]),
    ("narrative.paragraphs[1]", OPINION, "opinion", [], []),
    ("narrative.key_takeaway", "Commuters face weeks of detours.", "supported",
     [(8, "Detours will last weeks.")], []),
    ("deep_dive.context[0]", "The bridge was last repaired in 2019.", "supported",
     [(1, "The bridge was repaired in 2019.")], []),
    ("deep_dive.pros[0]", "Closing early prevents a collapse.", "contradicted",
     [(9, "Engineers said collapse was never a risk.")], ["source says no collapse risk"]),
]
# fmt: on


def make_briefing(**overrides) -> Briefing:
    claims = [
        claim(section, text, label, [ev(i, quote) for i, quote in evidence], reasons)
        for section, text, label, evidence, reasons in CLAIMS
    ]
    # The context claim quotes earlier coverage from the archive, cited as [A1].
    claims[7].evidence[0].source = "archive:arc-77"
    data = dict(
        source=Source(
            title="Bridge shut", author="A. Reporter", date="2024-03-04", url="https://news.example/bridge"
        ),
        headline="Storm closes Millbrook bridge",
        key_points=["(plain) bridge closed", "(plain) drivers", "A third point without claims."],
        narrative=Narrative(paragraphs=["(plain p0)", "(plain p1)"], key_takeaway="(plain takeaway)"),
        deep_dive=DeepDive(
            title="What the closure means",
            context=["(plain context)"],
            resolutions=["Temporary ferry service."],
            practical_steps=["Plan routes via the A4."],
            trends=["Ageing bridges will need more inspections."],
            pros=["(plain pro)"],
            cons=["Local shops lose trade."],
            recommendations=["Check the council site before travelling."],
        ),
        further_reading=[
            Link(name="Environment Agency", url="https://www.gov.uk"),
            Link(name="Met Office", url="https://www.metoffice.gov.uk"),
            Link(name="Evil", url="javascript:alert(1)"),
        ],
        background=[
            BackgroundItem(
                ref="A1",
                archive_id="arc-77",
                title="Bridge repaired",
                date="2019-05-01",
                url="https://news.example/2019",
                excerpt="The bridge was repaired.",
            )
        ],
        claims=claims,
        grounding=GroundingSummary(checked=9, supported=6, unsupported=1, contradicted=1, opinion=1),
        notes=["Further reading limited to two official sources."],
        run=RunStats(backend="fake", model="fake-1"),
    )
    data.update(overrides)
    return Briefing(**data)


# --- format selection -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "explicit", "expected"),
    [
        (None, None, "md"),
        ("-", None, "md"),
        ("out/brief.md", None, "md"),
        ("brief.MARKDOWN", None, "md"),
        ("brief.json", None, "json"),
        ("brief.html", None, "html"),
        ("brief.htm", None, "html"),
        ("brief.json", "html", "html"),
        ("brief.txt", "md", "md"),
        (None, "Markdown", "md"),
    ],
)
def test_format_for_path(path, explicit, expected):
    assert format_for_path(path, explicit) == expected


@pytest.mark.parametrize(("path", "explicit"), [("brief.txt", None), ("brief", None), (None, "pdf")])
def test_format_for_path_rejects_unknown(path, explicit):
    with pytest.raises(ValueError, match=r"md, json or html"):
        format_for_path(path, explicit)


def test_render_dispatches_and_rejects_unknown_format():
    briefing = make_briefing()
    assert render(briefing, "md") == render_markdown(briefing)
    assert render(briefing, "html") == render_html(briefing)
    assert render(briefing, "json") == render_json(briefing)
    with pytest.raises(UnknownFormatError):
        render(briefing, "pdf")


# --- markdown ---------------------------------------------------------------------------


def test_markdown_sections_in_order():
    md = render_markdown(make_briefing())
    headings = [
        "*Grounding: 9 claims checked · 6 supported · 1 opinion · 2 flagged (1 unsupported, 1 contradicted)*",
        "# Storm closes Millbrook bridge",
        "## Key points",
        "## Narrative",
        "**Key takeaway:**",
        "## Deep dive: What the closure means",
        "### Context and background",
        "### Possible resolutions or scenarios",
        "### Practical steps",
        "### Trends and predictions",
        "### Pros and cons",
        "**Pros**",
        "**Cons**",
        "### Actionable recommendations",
        "## Further reading",
        "## Source",
        "## Notes",
    ]
    positions = [md.index(h) for h in headings]
    assert positions == sorted(positions)
    assert md.startswith(headings[0])
    assert "## Entities" not in md and "## Key phrases" not in md


def test_markdown_uses_claims_when_present_and_plain_text_otherwise():
    md = render_markdown(make_briefing())
    # Fields with claims render claim text, never the field's own string.
    assert "(plain" not in md
    assert "- A third point without claims." in md
    # Two claims in one paragraph are joined by a space on one line.
    assert re.search(r"Engineers found cracks in two supports\.\[\^\d+\] Officials expect", md)


def test_markdown_markers_sit_on_the_flagged_sentences():
    md = render_markdown(make_briefing())
    line = next(line for line in md.splitlines() if UNSUPPORTED in line)
    assert f"{UNSUPPORTED} ⚠️ *[unsupported]*[^" in line
    assert "Engineers found cracks" in line and line.count("⚠️") == 1
    assert "Closing early prevents a collapse. ❌ *[contradicted]*[^" in md
    # Supported and opinion sentences carry no visible marker.
    assert md.count("⚠️") == 1 and md.count("❌") == 1
    opinion_line = next(line for line in md.splitlines() if OPINION in line)
    assert opinion_line == OPINION  # no evidence: no footnote either


def _footnote(md: str, sentence: str) -> str:
    number = re.search(re.escape(sentence) + r"[^\n]*?\[\^(\d+)\]", md).group(1)
    match = re.search(rf"^\[\^{number}\]: (.*?)(?=\n\n\[\^|\Z)", md, re.S | re.M)
    return match.group(1)


def test_markdown_footnotes_quote_evidence():
    md = render_markdown(make_briefing())
    note = _footnote(md, "The Millbrook bridge closed on Monday after storm damage.")
    assert note.startswith("Supported by the source:")
    assert '> "The Millbrook bridge closed on Monday." (article, sentence 1)' in note
    assert '> "Storm damage was found." (article, sentence 3)' in note

    flagged = _footnote(md, UNSUPPORTED)
    assert flagged.startswith("Not supported by the source: number 12 not in source.")
    assert '"No date for reopening was given." (article, sentence 8)' in flagged

    archived = _footnote(md, "The bridge was last repaired in 2019.")
    assert "(archive A1, sentence 2)" in archived


def test_markdown_footnotes_numbered_in_reading_order():
    md = render_markdown(make_briefing())
    refs = [int(n) for n in re.findall(r"\[\^(\d+)\](?!:)", md)]
    assert refs == list(range(1, len(refs) + 1))
    assert len(re.findall(r"^\[\^\d+\]:", md, re.M)) == len(refs)


def test_markdown_background_links_and_source():
    md = render_markdown(make_briefing())
    assert r"- [\[A1\] Bridge repaired](<https://news.example/2019>) (2019-05-01)" in md
    assert "- [Met Office](<https://www.metoffice.gov.uk>)" in md
    assert "javascript:" not in md and "Evil" not in md
    assert "- **Author:** A. Reporter" in md
    assert "- **URL:** <https://news.example/bridge>" in md


def test_markdown_escapes_markup_from_model_text():
    briefing = make_briefing(claims=[], key_points=[XSS, "# not a heading", "[a](https://x.example)"])
    md = render_markdown(briefing)
    assert r"\<script>alert(1)\</script>\<img" in md
    # Through a CommonMark renderer with raw HTML enabled, the payload stays text.
    markdown_it = pytest.importorskip("markdown_it")
    html = markdown_it.MarkdownIt("commonmark").render(md)
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert '<a href="https://x.example">' not in html
    assert r"- \# not a heading" in md
    assert r"\[a\](https://x.example)" in md
    assert md_escape("AT&T &amp; co") == r"AT&T \&amp; co"


def test_extractive_briefing_without_narrative_or_deep_dive():
    briefing = Briefing(
        engine="extractive",
        headline="Council approves budget",
        key_points=["The council approved the budget."],
        entities=["Millbrook Council", "Jane Doe"],
        key_phrases=["budget vote", "road repairs"],
        background=[BackgroundItem(ref="A1", archive_id="a1", excerpt="Earlier vote.")],
        notes=["Narrative and deep dive need the LLM engine."],
    )
    md = render_markdown(briefing)
    order = [
        "# Council approves budget",
        "## Key points",
        "## Context and background",
        "## Entities",
        "## Key phrases",
        "## Notes",
    ]
    positions = [md.index(h) for h in order]
    assert positions == sorted(positions)
    assert "Grounding:" not in md and "## Narrative" not in md and "Deep dive" not in md
    assert "Millbrook Council, Jane Doe" in md
    assert r"- \[A1\] a1" in md
    html = render_html(briefing)
    assert '<h2 id="entities">Entities</h2>' in html and "data-claim" not in html
    assert "bw-claims" not in html  # no claims: no panel and no script


def test_empty_briefing_renders():
    assert render_markdown(Briefing()) == "\n"
    assert "<main>" in render_html(Briefing())


# --- HTML -------------------------------------------------------------------------------


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)


def _hostile_briefing() -> Briefing:
    return make_briefing(
        headline=XSS,
        key_points=[XSS],
        source=Source(title=XSS, url='https://news.example/"onmouseover="alert(3)'),
        further_reading=[Link(name=XSS, url="https://www.who.int")],
        claims=[
            claim("headline", XSS, evidence=[ev(0, XSS + "</script><script>alert(4)</script>")]),
            claim("key_points[0]", "Point " + XSS, "unsupported", reasons=[XSS]),
        ],
        notes=[XSS],
    )


def test_html_escapes_article_and_model_text():
    html = render_html(_hostile_briefing())
    parser = _Collector()
    parser.feed(html)
    assert "<script>alert" not in html
    assert not re.search(r"<[^>]*\sonerror\s*=", html, re.I)
    assert all(not any(name.startswith("on") for name in attrs) for _, attrs in parser.tags)
    assert [tag for tag, _ in parser.tags].count("script") == 2  # the claim data and the page script
    assert [tag for tag, _ in parser.tags].count("img") == 0
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    # The embedded JSON cannot close its element and still parses back to the original text.
    data = json.loads(parser.scripts[0])
    assert data[0]["evidence"][0]["text"].endswith("</script><script>alert(4)</script>")
    assert data[1]["heading"] == f"Not supported by the source: {XSS}."
    # A source URL with a quote in it is not a safe link and is left out.
    assert "onmouseover" not in html


def test_script_json_escapes_script_breakers():
    text = script_json({"a": "</script><!-- & \u2028"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"a": "</script><!-- & \u2028"}


def test_html_claim_spans_and_markers():
    briefing = make_briefing()
    html = render_html(briefing)
    spans = re.findall(r'<span class="claim label-(\w+)" data-claim="(\d+)" tabindex="0">', html)
    assert {int(i) for _, i in spans} == set(range(len(briefing.claims)))
    assert all(briefing.claims[int(i)].label == label for label, i in spans)
    unsupported = re.search(
        r'data-claim="4" tabindex="0">([^<]*)<span class="badge badge-unsupported">', html
    )
    assert unsupported and unsupported.group(1) == UNSUPPORTED
    assert 'class="badge badge-contradicted">contradicted</span>' in html
    assert html.count('class="badge ') == 2


def test_html_is_standalone_and_links_are_safe():
    html = render_html(make_briefing())
    assert html.startswith("<!DOCTYPE html>")
    assert "<style>" in html and "</script>" in html
    assert not re.search(r"<(?:link|img|script)[^>]+(?:src|href)=", html)
    hrefs = re.findall(r'href="([^"]*)"', html)
    assert hrefs and all(h.startswith(("https://", "http://")) for h in hrefs)
    assert "https://www.metoffice.gov.uk" in hrefs and "Evil" not in html
    assert "Grounding: 9 claims checked" in html
    assert "(archive A1, sentence 2)" in html  # no-JS evidence list


# --- JSON -------------------------------------------------------------------------------


def test_json_round_trips_with_public_keys():
    briefing = make_briefing()
    text = render_json(briefing)
    data = json.loads(text)
    keys = (
        "schema_version source headline key_points narrative deep_dive further_reading run claims grounding"
    )
    for key in keys.split():
        assert key in data
    assert Briefing.model_validate_json(text) == briefing
    extractive = Briefing(engine="extractive", headline="H")
    assert Briefing.model_validate_json(render_json(extractive)) == extractive
    assert json.loads(render_json(extractive))["narrative"] is None
