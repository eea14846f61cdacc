"""The web app in a real headless Chromium: submit an article, wait, click a sentence, see evidence.

Runs uvicorn on a free loopback port in a thread, with the FakeBackend stand-in pipeline
(the lead's real-model web test can reuse ``live_server`` with another ``brief_fn``) or a
briefing stored directly. Saves screenshots to test-artifacts/ (or $BRIEFWIRE_SCREENSHOTS).
"""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import get_args

import pytest
from test_web_support import ARTICLE, UNSUPPORTED, StandIn, settings_for, store_every_label

from briefwire.model import Label
from briefwire.text import split_sentences
from briefwire.web import WebSettings, create_app

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(
    os.environ.get("BRIEFWIRE_SCREENSHOTS", Path(__file__).resolve().parent.parent / "test-artifacts")
)
EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "harbour-strike.txt"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium"),
]
sync_api = pytest.importorskip("playwright.sync_api", reason="needs the playwright package")


@contextmanager
def live_server(settings: WebSettings) -> Iterator[str]:
    import uvicorn

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


@contextmanager
def browser_page(settings: WebSettings, width: int, height: int) -> Iterator[tuple[str, object, list[str]]]:
    """A live server and a Chromium page on it; the page's script errors collect in the list."""
    with live_server(settings) as base, sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
            yield base, page, errors
        finally:
            browser.close()


def test_submit_wait_and_inspect_evidence(tmp_path):
    article = EXAMPLE.read_text() if EXAMPLE.exists() else ARTICLE
    ARTIFACTS.mkdir(exist_ok=True)
    gate = threading.Event()  # holds the job so the live progress page can be checked
    settings = settings_for(tmp_path, brief_fn=StandIn(gate=gate))
    with browser_page(settings, 1280, 900) as (base, page, errors):
        page.goto(f"{base}/")
        page.fill("#text", article)
        page.uncheck("input[name=sections][value=deep_dive]")
        page.select_option("#unsupported", "flag")
        page.click("#submit")
        page.wait_for_url(re.compile(r"/jobs/[0-9a-f]+$"))
        # The event stream updates the page while the first section is being written.
        page.wait_for_selector("#job-status:text('running')")
        page.wait_for_selector(".section-progress.running[data-name=headline]")
        assert page.locator(".section-progress.pending").count() == 3
        page.screenshot(path=str(ARTIFACTS / "web-job.png"))
        gate.set()
        page.wait_for_url(re.compile(r"/briefings/[0-9a-f]+$"), timeout=30_000)

        for anchor in ("key-points", "narrative", "further-reading"):
            assert page.locator(f"h2#{anchor}").is_visible()
        assert page.locator("#deep-dive").count() == 0
        flagged = page.locator(".claim.flagged")
        assert flagged.count() == 1
        assert UNSUPPORTED in flagged.inner_text()
        assert flagged.locator(".mark").inner_text().lower().endswith("unsupported")
        # Every sentence carries its label's mark, no click needed; the article sits beside them.
        claims = page.locator("#briefing .claim")
        assert claims.count() > 5
        for i in range(claims.count()):
            assert claims.nth(i).locator(".mark").is_visible()
        assert page.locator("#article").is_visible()
        assert page.locator("#article .sentence").count() == len(split_sentences(article_of(article)))

        # Nothing selected yet: the panel invites a click.
        assert page.locator("#evidence-empty").is_visible()
        sentence = page.locator("#key-points ~ ul .claim").first
        sentence.click()
        index = sentence.get_attribute("data-claim")
        detail = page.locator(f"#claim-{index}")
        assert detail.is_visible()
        assert "Supported by the source" in detail.inner_text()
        quoted = detail.locator(".ev-text").first.inner_text()
        assert quoted and quoted in sentence.inner_text()
        assert "selected" in (sentence.get_attribute("class") or "")
        assert not page.locator("#evidence-empty").is_visible()
        lit = page.locator("#article .sentence.evidence")
        assert lit.count() == 1 and quoted in lit.inner_text()

        flagged.click()
        flagged_detail = page.locator(f"#claim-{flagged.get_attribute('data-claim')}")
        assert flagged_detail.is_visible() and not detail.is_visible()
        assert "Not supported by the source" in flagged_detail.inner_text()
        assert lit.count() == 0  # no evidence: nothing in the article lights up

        sentence.click()  # the screenshot shows a supported sentence with its evidence
        page.screenshot(path=str(ARTIFACTS / "web-briefing.png"), full_page=True)
        assert errors == []  # no CSP violations or script errors


def article_of(pasted: str) -> str:
    """The article text the form makes of pasted text (its first line becomes the title)."""
    from briefwire.ingest.load import article_from_bytes

    return article_from_bytes(pasted.encode(), name="test", article_id=None).text


# Whether the highlighted article sentence is on screen within the article column.
EVIDENCE_IN_VIEW = """() => {
    const box = document.getElementById("article").getBoundingClientRect();
    const lit = document.querySelector("#article .sentence.evidence").getBoundingClientRect();
    return lit.top >= box.top && lit.bottom <= Math.min(box.bottom, window.innerHeight);
}"""


def is_transparent(locator) -> bool:
    return locator.evaluate("el => getComputedStyle(el).backgroundColor") in (
        "transparent",
        "rgba(0, 0, 0, 0)",
    )


def test_labels_show_at_a_glance_and_evidence_lights_up_in_the_article(tmp_path):
    from briefwire.ingest import load_article

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    article = load_article(str(EXAMPLE))
    sentences = split_sentences(article.text)
    settings = settings_for(tmp_path)
    bid = store_every_label(settings.db_path, article)
    with browser_page(settings, 1280, 800) as (base, page, errors):
        page.goto(f"{base}/briefings/{bid}")

        # Two columns: the article beside the briefing, all its sentences numbered.
        briefing_box = page.locator("#briefing").bounding_box()
        article_box = page.locator("#article").bounding_box()
        assert article_box["x"] > briefing_box["x"] + briefing_box["width"] - 1
        numbers = page.locator("#article .sentence .sn").all_inner_texts()
        assert numbers == [str(i + 1) for i in range(len(sentences))]

        # Each label's mark is visible without a click: quiet for supported, loud for flags.
        claim = {label: page.locator(f"#briefing .claim[data-label={label}]") for label in get_args(Label)}
        for label, span in claim.items():
            assert span.count() == 1 and span.locator(f".mark.mark-{label}").is_visible()
        # Beside a supported sentence only the check shows; the word is there for screen readers.
        assert claim["supported"].locator(".mark-icon").inner_text() == "✓"
        assert claim["supported"].locator(".mark-text").bounding_box()["width"] <= 1
        assert is_transparent(claim["supported"].locator(".mark"))
        assert claim["opinion"].locator(".mark").inner_text().strip().lower() == "◇ opinion".lower()
        for label in ("unsupported", "contradicted"):
            mark = claim[label].locator(".mark")
            assert mark.inner_text().strip().lower().endswith(label)
            assert not is_transparent(mark)
            assert "flagged" in claim[label].get_attribute("class")
        assert page.locator("#briefing .claim.flagged").count() == 2

        # Choosing the contradicted sentence lights up the conflicting article sentence, scrolled
        # into view inside the article column, and the panel quotes it.
        claim["contradicted"].click()
        target = page.locator("#article .sentence.evidence")
        assert target.count() == 1
        assert target.get_attribute("data-for") == "contradicted"
        assert target.get_attribute("id") == f"article-s{len(sentences) - 3}"
        page.wait_for_function(EVIDENCE_IN_VIEW)
        assert page.locator("#article").evaluate("el => el.scrollTop") > 0
        assert page.locator("#briefing").bounding_box()["y"] == briefing_box["y"]  # the page did not move
        detail = page.locator("#evidence-panel .evidence-detail:visible")
        assert "Contradicted by the source: number 40 not in source." in detail.inner_text()
        assert sentences[-3] in detail.locator(".ev-text").inner_text()
        assert detail.locator("a.ev-source").get_attribute("href") == f"#article-s{len(sentences) - 3}"
        page.locator("#article").evaluate("el => { el.scrollTop = 0; }")
        assert not page.evaluate(EVIDENCE_IN_VIEW)
        detail.locator("a.ev-source").click()  # the panel's link scrolls the article back to it
        page.wait_for_function(EVIDENCE_IN_VIEW)
        assert page.locator("#briefing").bounding_box()["y"] == briefing_box["y"]
        page.screenshot(path=str(ARTIFACTS / "web-every-label.png"))

        # The keyboard works too: focus selects, Escape clears.
        claim["opinion"].focus()
        assert target.count() == 1 and target.get_attribute("id") == "article-s10"
        assert target.get_attribute("data-for") == "opinion"
        page.keyboard.press("Escape")
        assert target.count() == 0 and page.locator("#evidence-empty").is_visible()

        # Narrow screens stack the columns; the panel rises from the bottom once a sentence is chosen.
        page.set_viewport_size({"width": 420, "height": 850})
        assert not page.locator("#evidence-panel").is_visible()
        article_box = page.locator("#article").bounding_box()
        assert article_box["y"] > page.locator("#briefing").bounding_box()["y"]
        claim["unsupported"].click()
        panel = page.locator("#evidence-panel")
        assert panel.is_visible() and panel.evaluate("el => getComputedStyle(el).position") == "fixed"
        chosen, sheet = claim["unsupported"].bounding_box(), panel.bounding_box()
        assert chosen["y"] + chosen["height"] <= sheet["y"]  # not hidden under the panel
        page.screenshot(path=str(ARTIFACTS / "web-narrow.png"))
        page.click("#close-panel")
        assert not panel.is_visible()
        assert errors == []


def test_api_docs_work_offline(tmp_path):
    with live_server(settings_for(tmp_path)) as base, sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page()
            outside: list[str] = []

            def only_local(route):
                if route.request.url.startswith(base):
                    route.continue_()
                else:
                    outside.append(route.request.url)
                    route.abort()

            page.route("**/*", only_local)
            page.goto(f"{base}/docs")
            page.wait_for_selector(".swagger-ui .info .title:has-text('briefwire')")
            paths = page.locator(".opblock-summary-path").all_inner_texts()
            assert "/api/briefings" in [p.replace("\u200b", "") for p in paths]
            assert outside == []
        finally:
            browser.close()
