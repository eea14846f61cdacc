"""The JSON API under /api: submit articles, follow jobs, fetch briefings, search the archive."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field, model_validator

from briefwire.model import Briefing
from briefwire.options import DEFAULTS, SECTIONS, TEMPERATURE_MAX, TEMPERATURE_MIN, Engine, Format, Policy
from briefwire.web.inputs import build_article, build_options, download
from briefwire.web.jobs import FINISHED, JobState
from briefwire.web.service import BriefingService

router = APIRouter(prefix="/api", tags=["api"])

EVENT_POLL_S = 0.5
EVENT_STREAM_MAX_S = 600  # EventSource reconnects by itself; a bound stops forgotten tabs piling up


class BriefingRequest(BaseModel):
    """One article (exactly one of ``text``, ``html``, ``url``) plus briefing options."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"text": "Article text…", "sections": ["headline", "key_points"]}]},
    )

    text: str | None = Field(None, description="Plain-text (or Markdown) article.")
    html: str | None = Field(None, description="A web page; the article is extracted from it.")
    url: str | None = Field(None, description="An http(s) address to fetch (public addresses only).")
    title: str | None = Field(None, max_length=500, description="Overrides the detected title.")
    sections: list[str] | None = Field(None, description=f"Any of {', '.join(SECTIONS)}; default all.")
    unsupported: Policy = Field(DEFAULTS.unsupported, description="What to do with unsupported sentences.")
    temperature: float = Field(DEFAULTS.temperature, ge=TEMPERATURE_MIN, le=TEMPERATURE_MAX)
    seed: int = DEFAULTS.seed
    engine: Engine = DEFAULTS.engine

    @model_validator(mode="after")
    def _one_source(self) -> BriefingRequest:
        given = [name for name in ("text", "html", "url") if getattr(self, name)]
        if len(given) != 1:
            raise ValueError("give exactly one of text, html or url")
        return self


class JobCreated(BaseModel):
    id: str
    status: JobState
    created: bool = Field(description="False when an identical request already had a job.")
    job_url: str
    page_url: str


class JobInfo(BaseModel):
    id: str
    status: JobState
    briefing_id: str | None
    error: str | None
    progress: dict[str, Any] = Field(description="Per-section status, generated tokens and tokens/s.")
    title: str | None = None
    created_at: float
    updated_at: float


class BriefingSummary(BaseModel):
    id: str
    article_id: str
    title: str | None
    engine: str
    backend: str
    model: str
    created: str


class ArchiveHit(BaseModel):
    article_id: str
    title: str | None
    date: str | None
    url: str | None
    snippet: str
    score: float
    briefings: list[BriefingSummary]


class ArchiveResponse(BaseModel):
    query: str | None
    recent: list[BriefingSummary] = Field(default_factory=list, description="Without a query.")
    results: list[ArchiveHit] = Field(default_factory=list, description="With a query.")


def service(request: Request) -> BriefingService:
    return request.app.state.service


def rate_limit(request: Request) -> None:
    request.app.state.rate_limiter.check(request)


@router.post("/briefings", status_code=202, response_model=JobCreated, dependencies=[Depends(rate_limit)])
def submit_briefing(
    body: BriefingRequest, response: Response, svc: BriefingService = Depends(service)
) -> Any:
    """Queue a briefing; poll the returned job (or stream its events) until it is done."""
    article = build_article(
        svc.settings, text=body.text, html=body.html, url=body.url, title=body.title
    )  # InputError → 400 with a readable message (handled in app.py)
    options = build_options(
        sections=body.sections,
        unsupported=body.unsupported,
        temperature=body.temperature,
        seed=body.seed,
        engine=body.engine,
    )
    job, created = svc.submit(article, options)
    response.headers["Location"] = f"/api/jobs/{job.id}"
    return JobCreated(
        id=job.id,
        status=job.status,
        created=created,
        job_url=f"/api/jobs/{job.id}",
        page_url=f"/jobs/{job.id}",
    )


@router.get("/jobs/{job_id}", response_model=JobInfo)
def get_job(job_id: str, svc: BriefingService = Depends(service)) -> Any:
    view = svc.job_view(job_id)
    if view is None:
        raise HTTPException(404, "No such job.")
    return view


@router.post("/jobs/{job_id}/cancel", response_model=JobInfo, responses={404: {}, 409: {}})
def cancel_job(job_id: str, svc: BriefingService = Depends(service)) -> Any:
    """Cancel a queued or running job. A running one stops at its next progress report (the
    model reports several times a second), and its status says ``cancelled`` at once."""
    if not svc.cancel(job_id):
        view = svc.job_view(job_id)
        if view is None:
            raise HTTPException(404, "No such job.")
        raise HTTPException(409, f"The job has already ended ({view['status']}).")
    return svc.job_view(job_id)


@router.get("/jobs/{job_id}/events", response_class=StreamingResponse)
async def job_events(job_id: str, request: Request, svc: BriefingService = Depends(service)) -> Any:
    """Server-sent events: a ``job`` event (the JobInfo JSON) whenever the job changes, until it ends."""
    if await run_in_threadpool(svc.job_view, job_id) is None:
        raise HTTPException(404, "No such job.")

    async def stream() -> AsyncIterator[str]:
        last = None
        deadline = time.monotonic() + EVENT_STREAM_MAX_S
        yield "retry: 2000\n\n"
        while time.monotonic() < deadline and not svc.closing:
            view = await run_in_threadpool(svc.job_view, job_id)
            payload = json.dumps(view)
            if payload != last:
                last = payload
                yield f"event: job\ndata: {payload}\n\n"
            if view is None or view["status"] in FINISHED or await request.is_disconnected():
                return
            await asyncio.sleep(EVENT_POLL_S)

    headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
    return StreamingResponse(stream(), media_type="text/event-stream", headers=headers)


@router.get(
    "/briefings/{briefing_id}",
    response_model=Briefing,
    responses={200: {"content": {"text/markdown": {}, "text/html": {}}}},
)
def get_briefing(
    briefing_id: str,
    format: Format = Query("json", description="json, md (Markdown) or html (a page)."),
    svc: BriefingService = Depends(service),
) -> Any:
    briefing = svc.briefing(briefing_id)
    if briefing is None:
        raise HTTPException(404, "No such briefing.")
    if format == "json":
        return briefing
    return download(briefing, briefing_id, format, attachment=False)


@router.get("/archive", response_model=ArchiveResponse)
def archive(
    q: str | None = Query(
        None, max_length=500, description="Full-text search; empty lists recent briefings."
    ),
    limit: int = Query(20, ge=1, le=200),
    svc: BriefingService = Depends(service),
) -> Any:
    if q and q.strip():
        return ArchiveResponse(query=q, results=svc.search(q, limit=limit))
    return ArchiveResponse(query=None, recent=svc.recent(limit=limit))
