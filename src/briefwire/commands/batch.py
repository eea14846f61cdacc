"""`briefwire batch`: brief many articles into a folder, resumable after a crash."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from briefwire.batch import BatchConfig, BatchReport, ItemResult, run_batch
from briefwire.commands.common import (
    ENGINE_HELP,
    DbOpt,
    FormatOption,
    LlmModelOpt,
    LlmUrlOpt,
    ModelOpt,
    PollOpt,
    ThreadsOpt,
    backend_config,
    parse_sections,
    stderr,
)
from briefwire.errors import UsageError
from briefwire.options import DEFAULTS, SECTIONS, BriefOptions
from briefwire.store import open_store

_SHOWN_FAILURES = 20


def register(app: typer.Typer) -> None:
    app.command("batch")(batch)


class _RichProgress:
    """``briefwire.progress.BatchProgress`` as a bar with ETA; the description shows aggregate
    generation speed."""

    def __init__(self, console: Console) -> None:
        self._bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=console,
        )
        self._task = self._bar.add_task("briefing", total=None)
        self._tokens = 0
        self._failed = 0

    def __enter__(self) -> _RichProgress:
        self._bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._bar.stop()

    def start(self, total: int) -> None:
        self._bar.update(self._task, total=total)

    def item_done(self, result: ItemResult) -> None:
        self._tokens += result.generated_tokens
        self._failed += result.status == "failed"
        elapsed = self._bar.tasks[0].elapsed or 0.0
        speed = f"{self._tokens / elapsed:.1f} tok/s" if self._tokens and elapsed else ""
        failed = f"[red]{self._failed} failed[/] " if self._failed else ""
        self._bar.update(self._task, advance=1, description=f"briefing {failed}{speed}".rstrip())


def batch(
    inputs: Annotated[list[str], typer.Argument(help="Folders, files, JSONL files, RSS/Atom feeds or URLs.")],
    out_dir: Annotated[Path, typer.Option("--output", "-o", help="Folder for one briefing file per input.")],
    fmt: FormatOption = "md",
    engine: Annotated[
        # local|ray: the old spelling of --runner, still accepted for one release.
        Literal["llm", "extractive", "local", "ray"] | None,
        typer.Option(help=ENGINE_HELP, metavar="<llm|extractive>", show_default=False),
    ] = None,
    runner: Annotated[
        Literal["local", "ray"] | None,
        typer.Option(help="local (default): threads in this process; ray: Ray tasks.", show_default=False),
    ] = None,
    ray_address: Annotated[
        str | None, typer.Option(help="Ray cluster address (default: start a local Ray instance).")
    ] = None,
    parallel: Annotated[
        int, typer.Option("--parallel", "-p", min=1, help="Items at a time (embedded model: slots).")
    ] = 1,
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="Ignore stored briefings and generate afresh (existing files are kept)."
        ),
    ] = False,
    mode: Annotated[
        Literal["llm", "extractive"] | None, typer.Option(hidden=True, help="Deprecated: use --engine.")
    ] = None,
    sections: Annotated[
        str | None, typer.Option(help=f"Comma-separated subset of: {', '.join(SECTIONS)}.")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or summary.")] = False,
    model: Path | None = ModelOpt,
    llm_url: str | None = LlmUrlOpt,
    llm_model: str | None = LlmModelOpt,
    threads: int | None = ThreadsOpt,
    poll: int | None = PollOpt,
    db: Path | None = DbOpt,
) -> None:
    """Brief every input into OUTPUT; rerun the same command to resume after any interruption.

    Existing output files are never redone (delete them to regenerate). Failures are
    listed in OUTPUT/batch-report.json; the exit code is 1 if any item failed.
    """
    engine, runner = _old_spellings(engine, runner, mode)
    config = BatchConfig(
        inputs=inputs,
        out_dir=out_dir,
        fmt=fmt,
        options=BriefOptions(engine=engine, sections=parse_sections(sections, SECTIONS)),  # type: ignore[arg-type]
        force=force,
        parallel=parallel,
        runner=runner,
        ray_address=ray_address,
        backend=backend_config(model, llm_url, llm_model, threads, parallel, poll),
    )
    err = Console(stderr=True)
    with open_store(db) as store:
        if quiet:
            report = run_batch(config, store=store)
        else:
            with _RichProgress(err) as progress:
                report = run_batch(config, store=store, progress=progress)
    if not quiet:
        _summary(report, out_dir, err)
    if not report.ok:
        raise typer.Exit(1)


def _old_spellings(engine: str | None, runner: str | None, mode: str | None) -> tuple[str, str]:
    """The engine and runner, given today's options or batch's old spelling of them
    (``--engine local|ray`` for the runner, ``--mode`` for the engine)."""
    if engine in ("local", "ray"):
        _deprecated(f"--engine {engine}", f"--runner {engine}")
        if runner not in (None, engine):
            raise UsageError(f"--engine {engine} (old spelling of --runner) contradicts --runner {runner}")
        engine, runner = None, engine
    if mode is not None:
        _deprecated(f"--mode {mode}", f"--engine {mode}")
        if engine not in (None, mode):
            raise UsageError(f"--mode {mode} (old spelling of --engine) contradicts --engine {engine}")
        engine = mode
    return engine or DEFAULTS.engine, runner or "local"


def _deprecated(old: str, new: str) -> None:
    stderr.print(
        f"[yellow]warning:[/] {old} is deprecated and stops working in the next release; use {new}",
        highlight=False,
        soft_wrap=True,
    )


def _summary(report: BatchReport, out_dir: Path, console: Console) -> None:
    table = Table("written", "reused", "skipped", "failed", "seconds", "tokens", title="batch")
    table.add_row(
        *(str(report.count(s)) for s in ("written", "reused", "skipped", "failed")),
        f"{report.seconds:.1f}",
        str(report.generated_tokens),
    )
    console.print(table)
    failures = report.failures
    if failures:
        errors = Table("id", "error", title="failures", show_lines=False)
        for failure in failures[:_SHOWN_FAILURES]:
            errors.add_row(escape(failure.id), escape(failure.error or ""))
        if len(failures) > _SHOWN_FAILURES:
            errors.add_row("…", f"{len(failures) - _SHOWN_FAILURES} more")
        console.print(errors)
    console.print(f"report: {escape(str(out_dir / 'batch-report.json'))}", highlight=False)
