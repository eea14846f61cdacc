"""The web app in a real headless Chromium: submit an article, wait, click a sentence, see evidence.

Runs uvicorn on a free loopback port in a thread, with the FakeBackend stand-in pipeline
(the lead's real-model web test can reuse ``live_server`` with another ``brief_fn``).
Saves screenshots to test-artifacts/web-job.png and test-artifacts/web-briefing.png.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from test_web_support import ARTICLE, UNSUPPORTED, StandIn, settings_for

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
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
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


def test_submit_wait_and_inspect_evidence(tmp_path):
    article = EXAMPLE.read_text() if EXAMPLE.exists() else ARTICLE
    ARTIFACTS.mkdir(exist_ok=True)
    gate = threading.Event()  # holds the job so the live progress page can be checked
    settings = settings_for(tmp_path, brief_fn=StandIn(gate=gate))
    with live_server(settings) as base, sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

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

            flagged.click()
            flagged_detail = page.locator(f"#claim-{flagged.get_attribute('data-claim')}")
            assert flagged_detail.is_visible() and not detail.is_visible()
            assert "Not supported by the source" in flagged_detail.inner_text()

            sentence.click()  # the screenshot shows a supported sentence with its evidence
            page.screenshot(path=str(ARTIFACTS / "web-briefing.png"), full_page=True)
            assert errors == []  # no CSP violations or script errors
        finally:
            browser.close()
