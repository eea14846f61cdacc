"""`briefwire serve`: the web app and JSON API, with one background worker, under uvicorn."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from briefwire.errors import ConfigError


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on; use 0.0.0.0 to serve the network.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    db: Annotated[Path | None, typer.Option(help="Archive database file (default: $BRIEFWIRE_DB or the user data folder).")] = None,
    model: Annotated[Path | None, typer.Option(help="GGUF model file for the embedded backend ($BRIEFWIRE_MODEL).")] = None,
    llm_url: Annotated[str | None, typer.Option(help="OpenAI-compatible endpoint instead of the embedded model ($BRIEFWIRE_LLM_URL).")] = None,
    llm_model: Annotated[str | None, typer.Option(help="Model name at --llm-url ($BRIEFWIRE_LLM_MODEL).")] = None,
    allow_private_urls: Annotated[bool, typer.Option(help="Let submitted URLs reach loopback, private and link-local addresses.")] = False,
    workers: Annotated[int, typer.Option(min=1, help="Jobs run at the same time (each shares the one loaded model).")] = 1,
    rate_limit: Annotated[int, typer.Option(min=0, help="Briefing submissions per client per minute; 0 turns the limit off.")] = 10,
    max_body: Annotated[int, typer.Option(min=1024, help="Largest accepted request body, in bytes.")] = 2 * 1024 * 1024,
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
    uvicorn.run(create_app(settings), host=host, port=port, log_level=os.environ.get("BRIEFWIRE_LOG", "info"))


def _shown(host: str) -> str:
    return "127.0.0.1" if host in ("0.0.0.0", "::") else host


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
