"""The FastAPI application factory: ``create_app(WebSettings(...))``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from briefwire import __version__
from briefwire.errors import InputError
from briefwire.web import api, pages
from briefwire.web.security import (
    BodySizeLimit,
    HostAllowList,
    RateLimiter,
    SameOriginPosts,
    SecurityHeaders,
    TokenAuth,
    TrustedHosts,
)
from briefwire.web.service import BriefingService
from briefwire.web.settings import WebSettings

DESCRIPTION = """Grounded news briefings. Submit an article with `POST /api/briefings`, follow the
returned job at `GET /api/jobs/{id}` (or its server-sent events), then fetch the briefing at
`GET /api/briefings/{id}`. When the server has a token, send `Authorization: Bearer <token>`."""
SWAGGER_ASSETS = "/static/swagger"


def create_app(settings: WebSettings) -> FastAPI:
    """Build the app. The worker thread starts (and queued jobs resume) when the app starts up,
    and stops, with the backend and the databases closed, when it shuts down."""
    svc = BriefingService(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        svc.start()
        try:
            yield
        finally:
            await run_in_threadpool(svc.close)

    # FastAPI's own /docs and /redoc load their scripts from a CDN and stay blank offline.
    app = FastAPI(
        title="briefwire",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.service = svc
    app.state.rate_limiter = RateLimiter(settings.rate_limit, settings.rate_window)
    app.state.login_limiter = RateLimiter(10, 60.0)

    app.include_router(api.router)
    app.include_router(pages.router)
    _add_api_docs(app)
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, object]:
        return {"ok": True, "worker": svc.runner.running}

    _add_error_handlers(app)
    # add_middleware wraps what is already there, so the last one added runs first: headers on
    # everything, then the Host check, auth, the cross-site check, and the size limit.
    app.add_middleware(BodySizeLimit, limit=settings.max_body_bytes)
    hosts = HostAllowList(settings.allowed_hosts)
    app.add_middleware(SameOriginPosts, allowed=hosts)
    app.add_middleware(
        TokenAuth, token=settings.token, login_page=pages.login_page, limiter=app.state.login_limiter
    )
    app.add_middleware(TrustedHosts, allowed=hosts)
    app.add_middleware(SecurityHeaders)
    if settings.trusted_proxies:
        # Outermost: every layer (and the rate limits) then sees the client the proxy named.
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=list(settings.trusted_proxies))
    return app


def _add_api_docs(app: FastAPI) -> None:
    """Swagger UI at /docs from the files the fastapi-swagger package ships, so it works offline."""
    # Mounted before /static, which would otherwise answer (404) for everything under it.
    app.mount(SWAGGER_ASSETS, StaticFiles(packages=[("fastapi_swagger", "resources")]), name="swagger")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title="briefwire API",
            swagger_js_url=f"{SWAGGER_ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{SWAGGER_ASSETS}/swagger-ui.css",
            swagger_favicon_url="/static/favicon.svg",
            # The default validator badge would fetch from validator.swagger.io.
            swagger_ui_parameters={"validatorUrl": None},
        )


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _add_error_handlers(app: FastAPI) -> None:
    def error(request: Request, status: int, message: str, headers: dict[str, str] | None = None) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": message}, status_code=status, headers=headers)
        response = pages.page(request, "error.html", status, status=status, message=message)
        response.headers.update(headers or {})
        return response

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        return error(request, exc.status_code, str(exc.detail), exc.headers)

    @app.exception_handler(InputError)
    async def input_error(request: Request, exc: InputError) -> Response:
        # Bad input, an unreachable or refused URL (SSRF guard): the message says which.
        return error(request, 400, str(exc))

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        if _wants_json(request):
            return await request_validation_exception_handler(request, exc)
        problems = "; ".join(str(e.get("msg", "")) for e in exc.errors())
        return error(request, 400, f"Invalid form: {problems}")
