"""`briefwire serve`: the web app and JSON API, with one background worker, under uvicorn."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from briefwire.errors import ConfigError

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
) -> None:
    """Serve the web app and JSON API (the token comes from $BRIEFWIRE_TOKEN)."""
    import uvicorn

    from briefwire.llm import BackendConfig
    from briefwire.web import WebSettings, create_app

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
    )
    if not settings.token and host not in ("127.0.0.1", "localhost", "::1"):
        typer.echo(
            f"warning: serving on {host} without a token; set BRIEFWIRE_TOKEN to require one.", err=True
        )
    typer.echo(f"briefwire: archive {settings.db_path}; open http://{_shown(host)}:{port}/", err=True)
    # Open event streams would otherwise hold a Ctrl+C shutdown until their jobs finish.
    uvicorn.run(
        create_app(settings),
        host=host,
        port=port,
        log_level=os.environ.get("BRIEFWIRE_LOG", "info"),
        timeout_graceful_shutdown=5,
    )


def _shown(host: str) -> str:
    return "127.0.0.1" if host in ("0.0.0.0", "::") else host


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
