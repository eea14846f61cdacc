"""`briefwire archive add|search`, `briefwire show` and `briefwire list`: the stored archive."""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from briefwire.commands.common import DbOpt, FormatOption
from briefwire.errors import BriefwireError, InputError, StorageError, UsageError
from briefwire.store import open_store

LimitOption = Annotated[int, typer.Option("--limit", "-n", min=1, help="How many rows to show.")]
ArticleOption = Annotated[
    bool,
    typer.Option(
        "--article",
        help="Print the article the briefing was written from (text; JSON with -f json): "
        "the evidence numbers its sentences.",
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON array, for scripts.")]

_CHUNK = 500  # articles per insert transaction during import


def register(app: typer.Typer) -> None:
    archive = typer.Typer(help="Build and search the archive of articles (used as background).")
    archive.command("add")(add)
    archive.command("search")(search)
    app.add_typer(archive, name="archive")
    app.command("show")(show)
    app.command("list")(list_briefings)


def add(
    paths: Annotated[list[str], typer.Argument(help="Files, folders, JSONL files, feed files or URLs.")],
    db: Path | None = DbOpt,
) -> None:
    """Import articles into the archive without briefing them (duplicates are recognised)."""
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from briefwire.ingest import iter_inputs

    err = Console(stderr=True)
    added = duplicates = 0
    failed: list[tuple[str, str]] = []
    with (
        open_store(db) as store,
        Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            console=err,
            transient=True,
        ) as bar,
    ):
        task = bar.add_task("reading", total=None)
        batch = []

        def flush() -> None:
            nonlocal added, duplicates
            results = store.add_articles(batch)
            new = sum(r.new for r in results)
            added, duplicates = added + new, duplicates + len(results) - new
            batch.clear()
            bar.update(task, description=f"{added} added, {duplicates} duplicates, {len(failed)} failed")

        for spec in paths:
            try:
                for item in iter_inputs(spec):
                    if item.article is None:
                        failed.append((item.id, item.error or "could not be read"))
                        continue
                    batch.append(item.article)
                    if len(batch) >= _CHUNK:
                        flush()
            except BriefwireError as error:  # an unreadable input; the others still count
                failed.append((spec, str(error)))
        flush()
        where = store.path
    for item_id, reason in failed:
        err.print(f"[yellow]failed[/] {escape(item_id)}: {escape(reason)}", highlight=False, soft_wrap=True)
    Console().print(
        f"{added} added, {duplicates} duplicates, {len(failed)} failed → {escape(where)}", highlight=False
    )
    if failed:
        raise typer.Exit(1)


def search(
    query: Annotated[str, typer.Argument(help="Words to look for (all of them; else any).")],
    limit: LimitOption = 10,
    db: Path | None = DbOpt,
) -> None:
    """Full-text search of the archive, best match first."""
    with open_store(db) as store:
        hits = store.search(query, limit=limit)
    if not hits:
        Console(stderr=True).print("no matches")
        raise typer.Exit(1)
    table = Table("id", "date", "title", "snippet", show_lines=False)
    for hit in hits:
        table.add_row(hit.id, hit.date or "", escape(hit.title or ""), escape(hit.snippet))
    Console().print(table)


def show(
    briefing_id: Annotated[str, typer.Argument(metavar="ID", help="A briefing id from `briefwire list`.")],
    fmt: FormatOption = "md",
    article: ArticleOption = False,
    db: Path | None = DbOpt,
) -> None:
    """Print a stored briefing, or with --article the article it was written from."""
    if article and fmt == "html":
        raise UsageError("--article prints text or JSON: leave out --format html.")
    with open_store(db) as store:
        briefing = store.get_briefing(briefing_id)
        source = store.briefing_article(briefing_id) if article else None
        where = store.path
    if briefing is None:
        raise InputError(f"No briefing with id {briefing_id!r} in {where}; `briefwire list` shows the ids.")
    if article:
        if source is None:
            raise StorageError(f"The article of briefing {briefing_id!r} is missing from {where}.")
        text = source.model_dump_json(indent=2) if fmt == "json" else source.text
    else:
        from briefwire.render import render

        text = render(briefing, fmt)
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def list_briefings(limit: LimitOption = 20, as_json: JsonOption = False, db: Path | None = DbOpt) -> None:
    """Recent briefings, newest first."""
    with open_store(db) as store:
        rows = store.list_briefings(limit=limit)
    if as_json:  # an empty archive is an empty array: scripts need no special case
        objects = [dataclasses.asdict(row) for row in rows]
        sys.stdout.write(json.dumps(objects, indent=2, ensure_ascii=False) + "\n")
        return
    if not rows:
        Console(stderr=True).print("no briefings yet")
        return
    table = Table("id", "created", "title", "engine", "model")
    for row in rows:
        title = row.headline or row.title or ""
        table.add_row(row.id, row.created[:19].replace("T", " "), escape(title), row.engine, row.model)
    Console().print(table)
