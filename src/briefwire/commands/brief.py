"""`briefwire brief ARTICLE`: one article in, one briefing out."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from briefwire.commands.common import (
    ENGINE_HELP,
    DbOpt,
    LlmModelOpt,
    LlmUrlOpt,
    ModelOpt,
    PollOpt,
    ThreadsOpt,
    backend_config,
    falls_back,
    lazy_backend,
    parse_sections,
    stderr,
)
from briefwire.errors import BriefwireError, ConfigError
from briefwire.fsutil import atomic_write, write_stdout
from briefwire.model import SectionStats
from briefwire.options import (
    DEFAULTS,
    FORMATS,
    POLICIES,
    SECTIONS,
    TEMPERATURE_MAX,
    TEMPERATURE_MIN,
    BriefOptions,
    Engine,
    Policy,
    one_of,
)
from briefwire.store import SQLiteStore, open_store

if TYPE_CHECKING:
    from briefwire.llm.lazy import LazyBackend
    from briefwire.model import Article
    from briefwire.pipeline import BriefResult


class RichProgress:
    """``briefwire.progress.Progress`` as one line per section on stderr: spinner, tokens so far,
    live token rate, elapsed time."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.tasks: dict[str, int] = {}

    def section_started(self, name: str) -> None:
        self.tasks[name] = self.progress.add_task(name, total=None, info="")

    def tokens(self, name: str, generated: int, tokens_per_second: float) -> None:
        self.progress.update(self.tasks[name], info=f"{generated} tok · {tokens_per_second:.1f} tok/s")

    def section_done(self, name: str, stats: SectionStats) -> None:
        info = (
            f"{stats.generated_tokens} tok, {stats.cached_tokens} cached, {stats.seconds:.1f}s"
            if stats.generated_tokens
            else f"{stats.seconds:.1f}s"
        )
        if stats.attempts > 1:
            info += f", {stats.attempts} attempts"
        if stats.top_ups:
            info += f", {stats.top_ups} top-up{'s' if stats.top_ups > 1 else ''}"
        self.progress.update(self.tasks[name], total=1, completed=1, info=info)


def brief_command(
    article: str = typer.Argument(..., help="A text/Markdown/HTML file, an http(s) URL, or - for stdin."),
    output: Path | None = typer.Option(
        None, "-o", "--output", help="Write here (format from the extension); - is stdout."
    ),
    fmt: str | None = typer.Option(
        None, "--format", "-f", help=f"{one_of(FORMATS)} (default: md or from -o)."
    ),
    engine: Engine = typer.Option(DEFAULTS.engine, "--engine", help=ENGINE_HELP),
    sections: str | None = typer.Option(
        None, "--sections", help=f"Comma-separated subset of: {', '.join(SECTIONS)}."
    ),
    temperature: float = typer.Option(
        DEFAULTS.temperature, "--temperature", min=TEMPERATURE_MIN, max=TEMPERATURE_MAX
    ),
    seed: int = typer.Option(
        DEFAULTS.seed, "--seed", help="Same seed, model and input give the same briefing."
    ),
    unsupported: Policy = typer.Option(
        DEFAULTS.unsupported, "--unsupported", help=f"{one_of(POLICIES)} unsupported sentences."
    ),
    ground: bool = typer.Option(
        DEFAULTS.ground, "--ground/--no-ground", help="Check every sentence against the source."
    ),
    llm_judge: bool = typer.Option(
        DEFAULTS.llm_judge, "--llm-judge/--no-llm-judge", help="Use the model's entailment judge."
    ),
    model: Path | None = ModelOpt,
    llm_url: str | None = LlmUrlOpt,
    llm_model: str | None = LlmModelOpt,
    threads: int | None = ThreadsOpt,
    poll: int | None = PollOpt,
    db: Path | None = DbOpt,
    no_store: bool = typer.Option(False, "--no-store", help="Neither read nor write the archive."),
    force: bool = typer.Option(False, "--force", help="Write a new briefing even if one is stored."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress display."),
) -> None:
    """Write a grounded briefing of ARTICLE (Markdown to stdout by default)."""
    from briefwire.ingest import load_article
    from briefwire.render import format_for_path, render

    try:
        out_format = format_for_path(str(output) if output else None, fmt)
    except ValueError as err:
        raise ConfigError(str(err)) from err

    art = load_article(article)
    for warning in art.warnings:
        stderr.print(f"[yellow]warning:[/] {warning}")

    options = BriefOptions(
        engine=engine,
        sections=parse_sections(sections, SECTIONS),
        temperature=temperature,
        seed=seed,
        unsupported=unsupported,
        ground=ground,
        llm_judge=llm_judge,
    )
    store = None if no_store else open_store(db)
    config = backend_config(model, llm_url, llm_model, threads, poll=poll)
    backend = lazy_backend(config, quiet=quiet) if engine == "llm" else None
    try:
        try:
            result = _brief(art, backend, options, store, force, quiet)
        except BriefwireError:
            if backend is None or not falls_back(backend, config):
                raise
            # The default model cannot be loaded: brief without it, as if asked to.
            options = options.model_copy(update={"engine": "extractive"})
            result = _brief(art, None, options, store, force, quiet)
    finally:
        if backend is not None:
            backend.close()
    if result.reused and not quiet:
        stderr.print("[dim]found in the archive (same article and options; --force rewrites it)[/]")
    _emit(render(result.briefing, out_format), output, quiet)  # type: ignore[arg-type]


def _brief(
    article: Article,
    backend: LazyBackend | None,
    options: BriefOptions,
    store: SQLiteStore | None,
    force: bool,
    quiet: bool,
) -> BriefResult:
    from briefwire.pipeline import brief

    with Progress(
        SpinnerColumn(),
        TextColumn("[bold]{task.description:<22}"),
        BarColumn(bar_width=12),
        TextColumn("{task.fields[info]}"),
        TimeElapsedColumn(),
        console=stderr,
        disable=quiet,
        transient=False,
    ) as bar:
        return brief(
            article, backend=backend, options=options, store=store, progress=RichProgress(bar), force=force
        )


def _emit(text: str, output: Path | None, quiet: bool) -> None:
    if output is None or str(output) == "-":
        write_stdout(text)
    else:
        atomic_write(output, text)
        if not quiet:
            stderr.print(f"wrote {output}")


def register(app: typer.Typer) -> None:
    app.command("brief")(brief_command)
