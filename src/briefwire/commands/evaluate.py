"""`briefwire eval factuality FILE.jsonl`: how well grounding catches unsupported claims."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from briefwire.commands.common import LlmModelOpt, LlmUrlOpt, ModelOpt, open_backend
from briefwire.errors import InputError


def register(app: typer.Typer) -> None:
    eval_app = typer.Typer(help="Measure briefwire against labelled data.", no_args_is_help=True)
    app.add_typer(eval_app, name="eval")

    @eval_app.command("factuality")
    def factuality(
        file: str = typer.Argument(..., help='JSONL of {"document", "claim", "label": 1|0}; - for stdin.'),
        limit: int | None = typer.Option(None, "--limit", min=1, help="Use only the first N rows."),
        split: str | None = typer.Option(
            None, "--split", help='Only rows whose "split" is this (e.g. dev or test of data/real-claims).'
        ),
        no_llm: bool = typer.Option(False, "--no-llm", help="Fast checks only, no model judge."),
        model: Path | None = ModelOpt,
        llm_url: str | None = LlmUrlOpt,
        llm_model: str | None = LlmModelOpt,
    ) -> None:
        """Balanced accuracy, precision/recall/F1 of the UNSUPPORTED class (gold 0), ROC AUC, speed."""
        from briefwire.ground.evaluate import evaluate, read_jsonl

        rows = read_jsonl(file)
        if split is not None:
            rows = [r for r in rows if r.get("split") == split]
            if not rows:
                raise InputError(f'{file}: no rows with "split": "{split}"')
        backend = open_backend(no_llm, model, llm_url, llm_model)
        try:
            report, _ = evaluate(rows, backend=backend, llm_judge=backend is not None, limit=limit)
        finally:
            if backend is not None:
                backend.close()
        out = Console()

        def num(x: float) -> str:  # a metric is undefined when the file holds one class only
            return "n/a" if x != x else f"{x:.3f}"

        judge = f"judge: {backend.name} {backend.model}" if backend is not None else "judge: off (--no-llm)"
        out.print(f"{report.claims} claims from {report.documents} documents; {judge}", highlight=False)
        out.print(f"balanced accuracy  {num(report.balanced_accuracy)}", highlight=False)
        out.print(f"precision          {num(report.precision)}   (unsupported class)", highlight=False)
        out.print(f"recall             {num(report.recall)}   (unsupported claims caught)", highlight=False)
        out.print(f"F1                 {num(report.f1)}", highlight=False)
        out.print(
            f"false flag rate    {num(report.false_flag_rate)}   (supported claims flagged)", highlight=False
        )
        out.print(f"ROC AUC            {num(report.roc_auc)}", highlight=False)
        out.print(
            f"speed              {report.claims_per_second:.1f} claims/s ({report.seconds:.2f} s, of which "
            f"{report.index_seconds:.2f} s indexing documents; {report.judge_calls} judge calls)",
            highlight=False,
        )
        out.print(
            f"confusion          tp={report.tp} fp={report.fp} tn={report.tn} fn={report.fn}", highlight=False
        )
        if report.by_type:
            table = Table("type", "claims", "flagged", "share flagged")
            for kind, (n, flagged) in sorted(report.by_type.items()):
                table.add_row(kind, str(n), str(flagged), f"{flagged / n:.3f}")
            out.print(table)
