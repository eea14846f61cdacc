"""`briefwire serve`: the web app and JSON API, with one background worker, under uvicorn."""

from __future__ import annotations

import threading
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Annotated

import typer

from briefwire import settings
from briefwire.errors import ConfigError

if TYPE_CHECKING:
    from fastapi import FastAPI

Host = Annotated[str, typer.Option(help="Address to listen on; 0.0.0.0 serves the network.")]
Port = Annotated[int, typer.Option(help="Port to listen on.")]
Db = Annotated[
    Path | None, typer.Option(help="Archive database file (default: $BRIEFWIRE_DB or the data folder).")
]
Model = Annotated[Path | None, typer.Option(help="GGUF model for the embedded backend ($BRIEFWIRE_MODEL).")]
LlmUrl = Annotated[
    str | None, typer.Option(help="OpenAI-compatible endpoint to use instead ($BRIEFWIRE_LLM_URL).")
]
LlmModel = Annotated[str | None, typer.Option(help="Model name at --llm-url ($BRIEFWIRE_LLM_MODEL).")]
AllowPrivate = Annotated[
    bool,
    typer.Option("--allow-private-urls", help="Let submitted URLs reach loopback/private/link-local hosts."),
]
Workers = Annotated[int, typer.Option(min=1, help="Jobs run at once (they share the one loaded model).")]
RateLimit = Annotated[
    int, typer.Option(min=0, help="Submissions per client per minute; 0 turns the limit off.")
]
MaxBody = Annotated[int, typer.Option(min=1024, help="Largest accepted request body, in bytes.")]
AllowedHost = Annotated[
    list[str] | None,
    typer.Option(
        "--allowed-host",
        help="A name clients reach the server by (repeatable; *.example.com for subdomains, * for any). "
        "localhost, 127.0.0.1, [::1], the --host address and $BRIEFWIRE_ALLOWED_HOSTS always are.",
    ),
]
TrustedProxy = Annotated[
    list[str] | None,
    typer.Option(
        "--trusted-proxy",
        help="A reverse proxy's address (repeatable; a network like 10.0.0.0/8 too) whose "
        "X-Forwarded-For names the client. From anyone else the header is ignored.",
    ),
]
JobTimeout = Annotated[
    float | None,
    typer.Option(
        min=1.0, help="Seconds a briefing job may run before it is stopped and fails [default: 900]."
    ),
]
# Seconds uvicorn lets open responses finish after SIGTERM or Ctrl+C; event streams end at once.
GRACEFUL_SHUTDOWN_S = 2


def serve(
    host: Host = "127.0.0.1",
    port: Port = 8000,
    db: Db = None,
    model: Model = None,
    llm_url: LlmUrl = None,
    llm_model: LlmModel = None,
    allow_private_urls: AllowPrivate = False,
    workers: Workers = 1,
    rate_limit: RateLimit = 10,
    max_body: MaxBody = 2 * 1024 * 1024,
    allowed_host: AllowedHost = None,
    trusted_proxy: TrustedProxy = None,
    job_timeout: JobTimeout = None,
) -> None:
    """Serve the web app and JSON API (the token comes from $BRIEFWIRE_TOKEN)."""
    from briefwire.llm import BackendConfig
    from briefwire.web import WebSettings, create_app
    from briefwire.web.settings import LOCAL_HOSTS, WILDCARD_ADDRESSES

    config = BackendConfig.from_env(
        model_path=str(model) if model else None, llm_url=llm_url, llm_model=llm_model
    )
    if config.model_path and not config.llm_url and not Path(config.model_path).expanduser().is_file():
        raise ConfigError(f"Model file {config.model_path} does not exist.")
    settings = WebSettings.from_env(
        db_path=db.expanduser() if db else None,
        backend_config=config,
        allow_private_urls=allow_private_urls,
        workers=workers,
        rate_limit=rate_limit,
        max_body_bytes=max_body,
        allowed_hosts=WebSettings.allowed_hosts_for(host, allowed_host or ()),
        trusted_proxies=tuple(trusted_proxy or ()),
        job_time_limit=job_timeout,
    )
    if not settings.token and host not in ("127.0.0.1", "localhost", "::1"):
        typer.echo(
            f"warning: serving on {host} without a token; set {settings.TOKEN.name} to require one.",
            err=True,
        )
    if host in WILDCARD_ADDRESSES and settings.allowed_hosts == LOCAL_HOSTS:
        typer.echo(
            f"warning: serving on {host}, but only {', '.join(settings.allowed_hosts)} are accepted as "
            "the Host; name this machine's address or name with --allowed-host.",
            err=True,
        )
    typer.echo(f"briefwire: archive {settings.db_path}; open http://{_shown(host)}:{port}/", err=True)
    run_server(create_app(settings), host=host, port=port)


def run_server(app: FastAPI, host: str, port: int) -> None:
    """Serve ``app`` until SIGTERM or Ctrl+C, then stop within a few seconds.

    The signal ends the app's event streams and stops its running jobs (marked interrupted)
    at once, instead of after uvicorn has waited for open responses to finish.
    """
    import uvicorn

    service = app.state.service

    class Server(uvicorn.Server):
        def handle_exit(self, sig: int, frame: FrameType | None) -> None:
            # In a signal handler: hand the work (locks, database writes) to a thread.
            threading.Thread(target=service.begin_shutdown, daemon=True).start()
            super().handle_exit(sig, frame)

    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level=settings.LOG.get(),
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S,
        # uvicorn would trust X-Forwarded-For from 127.0.0.1 by default: a local client could then
        # claim any address and dodge the per-client limits. The app trusts --trusted-proxy only.
        proxy_headers=False,
    )
    Server(config).run()


def _shown(host: str) -> str:
    return "127.0.0.1" if host in ("0.0.0.0", "::", "") else host


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
