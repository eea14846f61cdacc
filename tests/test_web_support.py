"""Shared helpers for the web tests (no tests here): a FakeBackend-driven stand-in for
``pipeline.brief``, settings for a temp database, and job polling.

The stand-in calls the Progress callbacks like the real pipeline and echoes article
sentences into every section, plus one sentence the article does not support, so the
tests can check flagging, evidence and escaping without a model.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from briefwire.llm.base import GenerationParams
from briefwire.llm.fake import FakeBackend
from briefwire.model import (
    Article,
    Briefing,
    Claim,
    DeepDive,
    Evidence,
    GroundingSummary,
    Link,
    Narrative,
    RunStats,
    SectionStats,
    Source,
)
from briefwire.options import BriefOptions
from briefwire.pipeline import BriefResult
from briefwire.progress import NullProgress
from briefwire.text import split_sentences
from briefwire.web import WebSettings
from briefwire.web.jobs import FINISHED
from briefwire.web.settings import LOCAL_HOSTS

UNSUPPORTED = "Officials expect the whole dispute to be settled by Friday."
ARTICLE = """Harbour strike enters third day

Dock workers at the port extended their strike into a third day on Wednesday.
More than 40 ships are waiting at anchor.

The union wants a guarantee of no compulsory redundancies.
Terminal operators say automation is needed to stay competitive.

The employment minister met both sides on Tuesday. Talks are due to resume on Thursday at 10am.
"""


def fake_backend() -> FakeBackend:
    return FakeBackend(responder=lambda messages, schema: "a few generated words for this section")


class StandIn:
    """A ``brief()`` look-alike. ``gate``, when given, holds every job until it is set."""

    def __init__(self, gate: threading.Event | None = None, fail_on: str | None = None) -> None:
        self.gate = gate
        self.fail_on = fail_on
        self.calls = 0

    def __call__(
        self,
        article: Article,
        *,
        backend: Any,
        options: BriefOptions,
        store: Any = None,
        progress: Any = None,
        force: bool = False,
    ) -> BriefResult:
        self.calls += 1
        progress = progress or NullProgress()
        if self.fail_on and self.fail_on in article.text:
            from briefwire.errors import GenerationError

            raise GenerationError("The model could not write the key points.")
        for name in options.sections:
            progress.section_started(name)
            if self.gate is not None:
                self.gate.wait(10)
            generated = 0
            if backend is not None:
                answer = backend.chat(
                    [{"role": "user", "content": f"write the {name}"}], params=GenerationParams()
                )
                generated = answer.generated_tokens
                progress.tokens(name, generated, 25.0)
            progress.section_done(name, SectionStats(name=name, generated_tokens=generated, seconds=0.01))
        return BriefResult(echo_briefing(article, options, backend))  # not archived: the app files it


def echo_briefing(article: Article, options: BriefOptions, backend: Any) -> Briefing:
    sentences = split_sentences(article.text)
    claims: list[Claim] = []

    def checked(path: str, text: str) -> str:
        if text == UNSUPPORTED:
            claims.append(
                Claim(section=path, text=text, label="unsupported", score=0.1, reasons=["no match"])
            )
        else:
            sid = sentences.index(text)
            evidence = [Evidence(sentence_id=sid, text=text)]
            claims.append(Claim(section=path, text=text, label="supported", score=0.95, evidence=evidence))
        return text

    wanted = set(options.sections)
    briefing = Briefing(
        engine=options.engine,
        source=Source(title=article.title, url=article.url),
        run=RunStats(backend=getattr(backend, "name", "none"), model=getattr(backend, "model", "")),
    )
    if "headline" in wanted:
        briefing.headline = checked("headline", sentences[0])
    if "key_points" in wanted:
        points = [*sentences[:2], UNSUPPORTED]
        briefing.key_points = [checked(f"key_points[{i}]", s) for i, s in enumerate(points)]
    if "narrative" in wanted:
        paragraph = " ".join(checked("narrative.paragraphs[0]", s) for s in sentences[2:4])
        briefing.narrative = Narrative(
            paragraphs=[paragraph], key_takeaway=checked("narrative.key_takeaway", sentences[-1])
        )
    if "deep_dive" in wanted:
        briefing.deep_dive = DeepDive(
            title="What is at stake", context=[checked("deep_dive.context[0]", sentences[1])],
            resolutions=[], practical_steps=[], trends=[], pros=[], cons=[], recommendations=[],
        )  # fmt: skip
    if "further_reading" in wanted:
        briefing.further_reading = [
            Link(name="Port authority", url="https://example.org/port"),
            Link(name="Click me", url="javascript:alert(1)"),  # a model could write this
        ]
    briefing.claims = claims
    flagged = sum(c.label == "unsupported" for c in claims)
    briefing.grounding = GroundingSummary(
        checked=len(claims), supported=len(claims) - flagged, unsupported=flagged, policy=options.unsupported
    )
    return briefing


def by_class(root: Any, cls: str, scope: str = "//") -> list[Any]:
    """Elements with CSS class ``cls`` (lxml without the cssselect package)."""
    return root.xpath(f'{scope}*[contains(concat(" ", normalize-space(@class), " "), " {cls} ")]')


def settings_for(tmp_path: Path, **overrides: Any) -> WebSettings:
    values: dict[str, Any] = {
        "db_path": tmp_path / "briefwire.db",
        "backend_factory": fake_backend,
        "backend_identity": ("fake", "fake-model"),
        "brief_fn": StandIn(),
        "rate_limit": 0,
        # The name Starlette's TestClient sends as the Host.
        "allowed_hosts": (*LOCAL_HOSTS, "testserver"),
    }
    values.update(overrides)
    return WebSettings(**values)


def wait_for_job(
    client: TestClient,
    job_id: str,
    *,
    until: Callable[[dict], bool] | None = None,
    timeout: float = 30.0,
    **kw: Any,
) -> dict:
    """Poll GET /api/jobs/{id} until it has ended (or ``until`` holds)."""
    until = until or (lambda job: job["status"] in FINISHED)
    deadline = time.monotonic() + timeout
    while True:
        response = client.get(f"/api/jobs/{job_id}", **kw)
        assert response.status_code == 200, response.text
        job = response.json()
        if until(job):
            return job
        assert time.monotonic() < deadline, f"job did not get there in time: {job}"
        time.sleep(0.05)


EVERY_LABEL = {
    # claim text -> (label, the article sentence its evidence quotes, reasons)
    "Dock workers at the port of Antwerp extended their strike into a third day on Wednesday.": (
        "supported", 0, []),
    "Automation without a plan is a mistake.": ("opinion", 10, []),
    UNSUPPORTED: ("unsupported", -1, ["nothing in the source says so"]),
    "At least 40 vessels have been rerouted to Rotterdam.": ("contradicted", -3, ["number 40 not in source"]),
}  # fmt: skip


def store_every_label(db_path: Path, article: Article) -> str:
    """A stored briefing (no pipeline, no model) with one key point of each label, whose
    evidence quotes sentences of ``article``, including ones near its end; returns its id."""
    from briefwire.store import SQLiteStore

    sentences = split_sentences(article.text)
    claims = []
    for i, (text, (label, sid, reasons)) in enumerate(EVERY_LABEL.items()):
        sid %= len(sentences)
        evidence = [Evidence(sentence_id=sid, text=sentences[sid])]
        claims.append(
            Claim(
                section=f"key_points[{i}]",
                text=text,
                label=label,
                score=0.5,
                evidence=evidence,
                reasons=reasons,
            )
        )
    briefing = Briefing(
        engine="extractive",
        source=Source(title=article.title),
        key_points=list(EVERY_LABEL),
        claims=claims,
        grounding=GroundingSummary(checked=4, supported=1, opinion=1, unsupported=1, contradicted=1),
    )
    with SQLiteStore(db_path) as store:
        return store.save_briefing(store.add_article(article), briefing, "every-label")
