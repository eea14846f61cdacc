"""Server-rendered pages: the new-briefing form, live job progress, briefings, the archive, login."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, get_args

import jinja2
from fastapi import APIRouter, Depends, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from briefwire import shape
from briefwire.errors import InputError
from briefwire.model import Label
from briefwire.options import DEFAULTS, FORMATS, SECTIONS, TEMPERATURE_MAX, TEMPERATURE_MIN
from briefwire.render.layout import EVIDENCE_HEADINGS, FLAGGED, evidence_origin, layout, note_heading
from briefwire.web.api import rate_limit, service
from briefwire.web.article_view import article_view
from briefwire.web.inputs import build_article, build_options, download
from briefwire.web.security import safe_next, set_session_cookie, token_matches
from briefwire.web.service import BriefingService

router = APIRouter(include_in_schema=False)

# Autoescape everywhere, explicitly: article and model text must never become markup.
_env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
)
# The briefing page walks the same layout as the Markdown and HTML renderers.
_env.globals.update(
    SECTIONS=SECTIONS,
    LABELS=get_args(Label),
    FLAGGED=FLAGGED,
    EVIDENCE_HEADINGS=EVIDENCE_HEADINGS,
    evidence_origin=evidence_origin,
    note_heading=note_heading,
    TEMPERATURE_MIN=TEMPERATURE_MIN,
    TEMPERATURE_MAX=TEMPERATURE_MAX,
)
templates = Jinja2Templates(env=_env)

SECTION_TITLES = {section.name: section.title for section in shape.SECTIONS}
FORM_DEFAULTS: dict[str, Any] = {
    "text": "",
    "url": "",
    "title": "",
    "sections": list(DEFAULTS.sections),
    "unsupported": DEFAULTS.unsupported,
    "temperature": DEFAULTS.temperature,
    "seed": DEFAULTS.seed,
    "engine": DEFAULTS.engine,
}


def page(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    return templates.TemplateResponse(request, name, context, status_code=status_code)


def login_page(request: Request, *, error: str | None = None, next_path: str | None = None) -> HTMLResponse:
    """Shown (with 401) in place of any page when a token is configured and none was given;
    after login the browser goes back to the page it asked for."""
    if next_path is None:
        query = f"?{request.url.query}" if request.url.query else ""
        next_path = request.url.path + query
    return page(request, "login.html", 401, error=error, next=safe_next(next_path))


@router.get("/", response_class=HTMLResponse)
def new_form(request: Request) -> Response:
    return page(request, "new.html", form=FORM_DEFAULTS, section_titles=SECTION_TITLES, error=None)


@router.post("/", response_class=HTMLResponse, dependencies=[Depends(rate_limit)])
def submit_form(
    request: Request,
    text: Annotated[str, Form()] = "",
    url: Annotated[str, Form()] = "",
    title: Annotated[str, Form(max_length=500)] = "",
    sections: Annotated[list[str] | None, Form()] = None,
    unsupported: Annotated[str, Form()] = DEFAULTS.unsupported,
    temperature: Annotated[float, Form()] = DEFAULTS.temperature,
    seed: Annotated[int, Form()] = DEFAULTS.seed,
    engine: Annotated[str, Form()] = DEFAULTS.engine,
    file: Annotated[UploadFile | None, File()] = None,
    svc: BriefingService = Depends(service),
) -> Response:
    form = {
        "text": text,
        "url": url,
        "title": title,
        "sections": sections or [],
        "unsupported": unsupported,
        "temperature": temperature,
        "seed": seed,
        "engine": engine,
    }
    # Browsers send an empty part for an untouched file input.
    upload = (file.filename, file.file.read()) if file is not None and file.filename else None
    try:
        article = build_article(
            svc.settings, text=text.strip() or None, url=url.strip() or None, upload=upload, title=title
        )
        options = build_options(
            sections=sections or [],
            unsupported=unsupported,
            temperature=temperature,
            seed=seed,
            engine=engine,
        )
    except InputError as err:
        return page(request, "new.html", 400, form=form, section_titles=SECTION_TITLES, error=str(err))
    job, _ = svc.submit(article, options)
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


@router.get("/jobs/{job_id}", response_class=HTMLResponse)
def job_page(request: Request, job_id: str, svc: BriefingService = Depends(service)) -> Response:
    job = svc.job_view(job_id)
    if job is None:
        raise HTTPException(404, "No such job.")
    if job["status"] == "done" and job["briefing_id"]:
        return RedirectResponse(f"/briefings/{job['briefing_id']}", status_code=303)
    return page(request, "job.html", job=job)


@router.post("/jobs/{job_id}/cancel", response_class=HTMLResponse)
def cancel_form(job_id: str, svc: BriefingService = Depends(service)) -> Response:
    """The job page's Cancel button: stop the job, then show the page again (now cancelled).
    A job that had already ended is left as it is; its page says how it ended."""
    if svc.jobs.get(job_id) is None:
        raise HTTPException(404, "No such job.")
    svc.cancel(job_id)
    return RedirectResponse(f"/jobs/{job_id}", status_code=303)


@router.get("/briefings/{briefing_id}.{fmt}")
def briefing_download(briefing_id: str, fmt: str, svc: BriefingService = Depends(service)) -> Response:
    briefing = svc.briefing(briefing_id)
    if briefing is None or fmt not in FORMATS:
        raise HTTPException(404, "No such briefing.")
    return download(briefing, briefing_id, fmt, attachment=True)


@router.get("/briefings/{briefing_id}", response_class=HTMLResponse)
def briefing_page(request: Request, briefing_id: str, svc: BriefingService = Depends(service)) -> Response:
    briefing = svc.briefing(briefing_id)
    if briefing is None:
        raise HTTPException(404, "No such briefing.")
    doc = layout(briefing)
    article = svc.article(briefing_id)
    return page(
        request,
        "briefing.html",
        doc=doc,
        briefing_id=briefing_id,
        article=article_view(article, briefing.claims) if article else None,
        title="".join(s.text for s in doc.headline) if doc.headline else briefing.source.title or "Briefing",
        claims=briefing.claims,
        background=briefing.background,
        flagged=sum(1 for c in briefing.claims if c.label in FLAGGED),
        run=briefing.run,
        engine=briefing.engine,
    )


@router.get("/archive", response_class=HTMLResponse)
def archive_page(
    request: Request,
    q: Annotated[str, Query(max_length=500)] = "",
    svc: BriefingService = Depends(service),
) -> Response:
    query = q.strip()
    results = svc.search(query) if query else []
    recent = [] if query else svc.recent()
    return page(request, "archive.html", query=query, results=results, recent=recent)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request) -> Response:
    if not request.app.state.settings.token:
        return RedirectResponse("/", status_code=303)
    return login_page(request, next_path=request.query_params.get("next"))


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    token: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    expected = request.app.state.settings.token
    if not expected:
        return RedirectResponse("/", status_code=303)
    # A per-client limit on attempts makes guessing the token by brute force impractical.
    request.app.state.login_limiter.check(request)
    if not token_matches(token, expected):
        return login_page(request, error="That token is not right.", next_path=next)
    response = RedirectResponse(safe_next(next), status_code=303)
    set_session_cookie(response, expected, request)
    return response
