"""`briefwire list --json` and `briefwire show ID --article`, run as a user runs them (real processes)
on briefings written by the extractive engine into a temporary archive."""

from __future__ import annotations

import json
from pathlib import Path

from test_cli_brief import EXAMPLES, assert_one_line_error, run_cli

from briefwire.ingest import load_article
from briefwire.text import split_sentences

STORIES = ("harbour-strike.txt", "vaccine-rollout.txt")


def listed(tmp_path: Path) -> list[dict]:
    proc = run_cli("list", "--json", tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stderr.decode()
    return json.loads(proc.stdout)


def test_list_json_and_show_article(tmp_path):
    assert listed(tmp_path) == []  # an empty archive is an empty array, not a message
    for name in STORIES:
        proc = run_cli("brief", str(EXAMPLES / name), "--engine", "extractive", tmp_path=tmp_path)
        assert proc.returncode == 0, proc.stderr.decode()

    rows = listed(tmp_path)
    articles = [load_article(str(EXAMPLES / name)) for name in reversed(STORIES)]  # newest first
    assert [row["title"] for row in rows] == [a.title for a in articles]
    for row in rows:
        assert set(row) == {"id", "article_id", "title", "headline", "engine", "backend", "model", "created"}
        assert row["engine"] == "extractive" and row["headline"]

    for row, article in zip(rows, articles, strict=True):
        text = run_cli("show", row["id"], "--article", tmp_path=tmp_path)
        assert text.returncode == 0 and text.stderr == b""
        assert text.stdout.decode() == article.text.rstrip("\n") + "\n"
        # The evidence of the stored briefing numbers the sentences of exactly this text.
        briefing = json.loads(run_cli("show", row["id"], "-f", "json", tmp_path=tmp_path).stdout)
        sentences = split_sentences(text.stdout.decode())
        evidence = [ev for claim in briefing["claims"] for ev in claim["evidence"]]
        assert evidence and all(sentences[ev["sentence_id"]] == ev["text"] for ev in evidence)

    as_json = json.loads(run_cli("show", rows[0]["id"], "--article", "-f", "json", tmp_path=tmp_path).stdout)
    assert as_json["title"] == articles[0].title and as_json["text"] == articles[0].text


def test_show_article_errors(tmp_path):
    assert_one_line_error(
        run_cli("show", "nope", "--article", tmp_path=tmp_path), 2, "nope", "briefwire list"
    )
    proc = run_cli("brief", str(EXAMPLES / STORIES[0]), "--engine", "extractive", tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stderr.decode()
    bid = listed(tmp_path)[0]["id"]
    assert_one_line_error(run_cli("show", bid, "--article", "-f", "html", tmp_path=tmp_path), 2, "--article")
