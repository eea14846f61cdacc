"""Options and helpers shared by several commands."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from briefwire import settings
from briefwire.errors import ConfigError
from briefwire.llm import Backend, BackendConfig, make_backend
from briefwire.llm.lazy import LazyBackend
from briefwire.options import Format

# One line per message, however long (paths): a wrapped warning is two lines to a script.
stderr = Console(stderr=True, soft_wrap=True)

ModelOpt = typer.Option(None, "--model", help="A GGUF file to run instead of the default model.")
LlmUrlOpt = typer.Option(
    None,
    "--llm-url",
    envvar=settings.LLM_URL.name,
    help="OpenAI-compatible endpoint (vLLM, Ollama, llama.cpp, OpenAI).",
)
LlmModelOpt = typer.Option(
    None, "--llm-model", envvar=settings.LLM_MODEL.name, help="Model name at --llm-url."
)
ThreadsOpt = typer.Option(None, "--threads", help="CPU threads for the embedded model (default: all cores).")
PollOpt = typer.Option(
    None,
    "--poll",
    min=0,
    max=100,
    help="How much the embedded model's idle threads busy-wait, 0-100 ($BRIEFWIRE_POLL; default 50).",
)
DbOpt = typer.Option(
    None, "--db", envvar=settings.DB.name, help="SQLite archive file (default: user data dir)."
)
# Every command that briefs takes the same --engine (the web form's "engine" field too).
ENGINE_HELP = "llm (default): the model writes; extractive: no model, instant."
# A briefing's output format, for the commands that write stored or new briefings.
FormatOption = Annotated[Format, typer.Option("--format", "-f")]


def backend_config(
    model: Path | None,
    llm_url: str | None,
    llm_model: str | None,
    threads: int | None = None,
    parallel: int = 1,
    poll: int | None = None,
) -> BackendConfig:
    return BackendConfig.from_env(
        model_path=str(model) if model else None,
        llm_url=llm_url,
        llm_model=llm_model,
        threads=threads,
        parallel=parallel,
        poll=poll,
    )


def load_backend(config: BackendConfig, *, quiet: bool = False) -> Backend:
    if not quiet:
        where = config.llm_url or config.model_path or "the default embedded model"
        stderr.print(f"[dim]loading {where}…[/]")
    return make_backend(config)


def open_backend(
    no_llm: bool, model: Path | None, llm_url: str | None, llm_model: str | None
) -> Backend | None:
    """The judge's backend (None with --no-llm): the embedded model unless --llm-url is given."""
    if no_llm:
        return None
    return load_backend(backend_config(model, llm_url, llm_model), quiet=True)


def lazy_backend(config: BackendConfig, *, quiet: bool = False) -> LazyBackend:
    """The configured backend, loaded (saying so) only when a briefing needs the model."""
    return LazyBackend.from_config(config, functools.partial(load_backend, config, quiet=quiet))


def falls_back(backend: LazyBackend, config: BackendConfig) -> bool:
    """Whether a briefing that failed on ``backend`` is written without a model (extractive) instead,
    saying why: only when the default embedded model could not be loaded.

    A configured model or remote endpoint that fails is an error, not a silent fallback:
    the user asked for it explicitly.
    """
    if backend.load_error is None or config.llm_url or config.model_path:
        return False
    stderr.print(
        f"[yellow]warning:[/] the embedded model cannot be loaded ({backend.load_error}); "
        "falling back to the extractive engine (no model)"
    )
    return True


def parse_sections(value: str | None, allowed: tuple[str, ...]) -> tuple[str, ...]:
    if not value:
        return allowed
    chosen = tuple(s.strip().replace("-", "_") for s in value.split(",") if s.strip())
    unknown = [s for s in chosen if s not in allowed]
    if unknown:
        raise ConfigError(f"unknown section(s) {', '.join(unknown)}; choose from {', '.join(allowed)}")
    return tuple(s for s in allowed if s in chosen)
