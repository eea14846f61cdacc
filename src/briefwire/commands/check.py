"""`briefwire check SOURCE CLAIMS`: label claims against a source text, with their evidence."""

from __future__ import annotations

import json
import re
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from briefwire.commands.common import LlmModelOpt, LlmUrlOpt, ModelOpt, open_backend, stderr
from briefwire.errors import InputError
from briefwire.text import split_sentences

LABEL_STYLE = {"supported": "green", "opinion": "cyan", "unsupported": "yellow", "contradicted": "bold red"}
_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")


def _warn(warnings: list[str]) -> None:
    for warning in warnings:
        stderr.print(f"[yellow]warning:[/] {warning}")


def read_source(source: str) -> str:
    """The source as ``brief`` reads an article (encodings, size cap, binary check, HTML
    extraction), with its title kept as the first paragraph: all of it is evidence here."""
    from briefwire.ingest import load_article

    article = load_article(source)
    _warn(article.warnings)
    return "\n\n".join(part for part in (article.title, article.text) if part)


def read_claims(name: str) -> list[str]:
    """Claims read with the same size cap, binary check and charsets, but not as an article."""
    from briefwire.ingest import load_text

    text, warnings = load_text(name)
    _warn(warnings)
    return parse_claims(text)


def parse_claims(text: str) -> list[str]:
    """One claim per line; prose (a line holding several sentences) is split into sentences."""
    lines = [_BULLET.sub("", line).strip() for line in text.splitlines()]
    lines = [line for line in lines if line]
    if any(len(split_sentences(line)) > 1 for line in lines):
        return split_sentences(text)
    return lines


def register(app: typer.Typer) -> None:
    @app.command("check")
    def check(
        source: str = typer.Argument(
            ..., help="Source article: a text/Markdown/HTML file, an http(s) URL, or - for stdin."
        ),
        claims: str = typer.Argument(..., help="Claims file (one per line, or prose), or - for stdin."),
        output_format: str = typer.Option("text", "--format", help="text or json."),
        no_llm: bool = typer.Option(False, "--no-llm", help="Fast checks only, no model judge."),
        model: Path | None = ModelOpt,
        llm_url: str | None = LlmUrlOpt,
        llm_model: str | None = LlmModelOpt,
    ) -> None:
        """Label each claim supported, unsupported or contradicted, with its evidence sentences."""
        from briefwire.ground import check_claims

        if output_format not in {"text", "json"}:
            raise InputError(f"unknown --format {output_format!r}; use text or json")
        if source == "-" and claims == "-":
            raise InputError("only one of SOURCE and CLAIMS can be read from stdin")
        source_text = read_source(source)
        items = read_claims(claims)
        backend = open_backend(no_llm, model, llm_url, llm_model)
        try:
            results = check_claims(source_text, items, backend=backend, llm_judge=backend is not None)
        finally:
            if backend is not None:
                backend.close()
        if output_format == "json":
            payload = [
                {
                    "claim": c.text,
                    "label": c.label,
                    "score": c.score,
                    "evidence": [e.model_dump() for e in c.evidence],
                    "reasons": c.reasons,
                }
                for c in results
            ]
            typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
            return
        table = Table(show_lines=True)
        for col in ("#", "label", "score", "claim", "evidence", "reasons"):
            table.add_column(col, overflow="fold")
        for i, c in enumerate(results, 1):
            evidence = ", ".join(
                f"{e.sentence_id}" if e.source == "article" else f"{e.source}#{e.sentence_id}"
                for e in c.evidence
            )
            style = LABEL_STYLE.get(c.label, "")
            table.add_row(
                str(i), f"[{style}]{c.label}[/]", f"{c.score:.2f}", c.text, evidence, "; ".join(c.reasons)
            )
        Console().print(table)
