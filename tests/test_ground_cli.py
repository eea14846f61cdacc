"""`briefwire check` and `briefwire eval factuality` through typer's CliRunner (no model)."""

from __future__ import annotations

import json

from test_ground_article import ARTICLE_TEXT, STRIKE
from typer.testing import CliRunner

from briefwire.cli import app
from briefwire.errors import InputError

runner = CliRunner()
CLAIMS = [
    "Dock workers in Rotterdam ended their five-day strike on Tuesday.",
    "Dock workers in Syria ended a five-day strike on Tuesday.",
    "The FNV union said 4,200 members voted in favour of the deal.",
]


def test_check_json_keeps_input_order(tmp_path):
    source = tmp_path / "article.txt"
    source.write_text(ARTICLE_TEXT)
    claims = tmp_path / "claims.txt"
    claims.write_text("\n".join(f"- {c}" for c in CLAIMS) + "\n")
    result = runner.invoke(app, ["check", str(source), str(claims), "--format", "json", "--no-llm"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert [item["claim"] for item in out] == CLAIMS
    assert {"claim", "label", "score", "evidence"} <= out[0].keys()
    assert [item["label"] for item in out][:2] == ["supported", "unsupported"]
    assert out[2]["label"] in {"unsupported", "contradicted"}
    assert out[0]["evidence"][0] == {
        "source": "article",
        "sentence_id": STRIKE,
        "text": "Dock workers in Rotterdam ended a five-day strike on Tuesday after accepting a 12% pay rise "
        "over two years.",
    }


def test_check_reads_prose_claims_from_stdin(tmp_path):
    source = tmp_path / "article.txt"
    source.write_text(ARTICLE_TEXT)
    prose = f"{CLAIMS[0]} {CLAIMS[1]}\n{CLAIMS[2]}\n"
    result = runner.invoke(app, ["check", str(source), "-", "--format", "json", "--no-llm"], input=prose)
    assert result.exit_code == 0, result.output
    assert [item["claim"] for item in json.loads(result.output)] == CLAIMS


def test_check_text_table(tmp_path):
    source = tmp_path / "article.txt"
    source.write_text(ARTICLE_TEXT)
    result = runner.invoke(app, ["check", str(source), "-", "--no-llm"], input=CLAIMS[1] + "\n")
    assert result.exit_code == 0, result.output
    assert "unsupported" in result.output and "Syria" in result.output


def test_check_rejects_bad_input(tmp_path):
    result = runner.invoke(app, ["check", "-", "-", "--no-llm"], input="x")
    assert isinstance(result.exception, InputError)
    result = runner.invoke(app, ["check", str(tmp_path / "missing.txt"), "-", "--no-llm"], input="x")
    assert isinstance(result.exception, InputError) and "missing.txt" in str(result.exception)


def test_eval_factuality_prints_metrics_and_respects_limit(tmp_path):
    rows = [
        {"document": ARTICLE_TEXT, "claim": CLAIMS[0], "label": 1},
        {"document": ARTICLE_TEXT, "claim": CLAIMS[1], "label": 0},
        {"document": ARTICLE_TEXT, "claim": "ECT hired 300 new workers in March.", "label": 1},
        {"document": ARTICLE_TEXT, "claim": CLAIMS[2], "label": 0},
        {"document": "A short note.\nIt rained on Monday.", "claim": "It rained on Friday.", "label": 0},
    ]
    data = tmp_path / "set.jsonl"
    data.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    result = runner.invoke(app, ["eval", "factuality", str(data), "--no-llm"])
    assert result.exit_code == 0, result.output
    assert "5 claims from 2 documents" in result.output
    for metric in ("balanced accuracy  1.000", "precision          1.000", "recall             1.000",
                   "F1                 1.000", "ROC AUC            1.000", "claims/s"):  # fmt: skip
        assert metric in result.output
    result = runner.invoke(app, ["eval", "factuality", str(data), "--no-llm", "--limit", "2"])
    assert result.exit_code == 0, result.output
    assert "2 claims from 1 documents" in result.output


def test_eval_factuality_rejects_malformed_rows(tmp_path):
    data = tmp_path / "bad.jsonl"
    data.write_text('{"document": "x", "claim": "y"}\n')
    result = runner.invoke(app, ["eval", "factuality", str(data), "--no-llm"])
    assert isinstance(result.exception, InputError)


def test_eval_factuality_reads_one_split_of_the_real_claims_set():
    from pathlib import Path

    data = Path(__file__).resolve().parents[1] / "data" / "real-claims" / "claims.jsonl"
    rows = [json.loads(line) for line in data.read_text(encoding="utf-8").splitlines()]
    test_rows = [r for r in rows if r["split"] == "test"]
    assert test_rows and {"document", "title", "claim", "label", "section", "type"} <= test_rows[0].keys()
    result = runner.invoke(app, ["eval", "factuality", str(data), "--split", "test", "--no-llm"])
    assert result.exit_code == 0, result.output
    documents = len({r["document"] for r in test_rows})
    assert f"{len(test_rows)} claims from {documents} documents" in result.output
    missing = runner.invoke(app, ["eval", "factuality", str(data), "--split", "nope", "--no-llm"])
    assert isinstance(missing.exception, InputError)
