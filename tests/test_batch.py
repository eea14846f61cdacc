"""Batch runs: every input kind, per-item failures, resuming, the shared lazy backend, kill -9."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from fakes import cited
from typer.testing import CliRunner

from briefwire.batch import REPORT_NAME, BatchConfig, run_batch
from briefwire.batch.outputs import TEMP_SUFFIX
from briefwire.cli import app
from briefwire.llm.fake import FakeBackend
from briefwire.model import Briefing
from briefwire.options import BriefOptions
from briefwire.store import SQLiteStore

EXTRACTIVE = BriefOptions(engine="extractive")
# One short LLM section and no grounding: enough to exercise the model path with a fake. (Not
# the headline: a titled article's headline is its title, written without a model call.)
KEY_POINTS_ONLY = BriefOptions(sections=("key_points",), ground=False, background=False)
POINTS = [
    "Pilots at Northwind Airlines voted on strike action over pay, the union said.",
    "Northwind Airlines urged the union to return to talks.",
    "Chief executive Maria Lindqvist said flights would run as planned on Monday.",
]
# Each point shortens the story's sentence it names (1, 3 and 4).
KEY_POINTS = cited(POINTS, at=[1, 3, 4])

TOWNS = ["Leeds", "Bristol", "Cardiff", "Derby", "Exeter", "Norwich", "Oxford", "Bath", "York", "Hull"]


def story(n: int) -> tuple[str, str]:
    """A distinct, realistic little article about Northwind pilots (title, text)."""
    town = TOWNS[n % len(TOWNS)]
    title = f"Northwind Airlines pilots in {town} vote on strike number {n}"
    text = (
        f"Pilots at Northwind Airlines based in {town} have voted on strike action, the union said. "
        f"The ballot, the {n}th this year, saw {50 + n % 45}% of members back a walkout over pay. "
        f"Northwind Airlines said it was disappointed and urged the union to return to talks in {town}. "
        f"Chief executive Maria Lindqvist said that {100 + n} flights would run as planned on Monday. "
        f"Passengers were advised to check their bookings before travelling to the airport."
    )
    return title, text


def write_folder(root: Path, count: int, start: int = 0) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for n in range(start, start + count):
        title, text = story(n)
        (root / f"story-{n:03d}.txt").write_text(f"{title}\n\n{text}\n", encoding="utf-8")
    return root


def outputs(out: Path, ext: str = "json") -> list[Path]:
    return sorted(out.glob(f"*.{ext}"), key=lambda p: p.name)


def items_written(out: Path, ext: str = "json") -> list[Path]:
    return [p for p in outputs(out, ext) if p.name != REPORT_NAME]


def read_report(out: Path) -> dict:
    return json.loads((out / REPORT_NAME).read_text())


@pytest.fixture
def store(tmp_path: Path) -> SQLiteStore:
    with SQLiteStore(tmp_path / "archive.db") as s:
        yield s


def test_folder_batch_extractive_writes_one_file_per_input_and_stores_each(
    tmp_path: Path, store: SQLiteStore
) -> None:
    inputs = write_folder(tmp_path / "in", 5)
    out = tmp_path / "out"
    report = run_batch(BatchConfig([str(inputs)], out, fmt="json", options=EXTRACTIVE), store=store)
    assert report.ok and report.count("written") == 5
    files = items_written(out)
    assert [f.stem for f in files] == [f"story-{n:03d}" for n in range(5)]
    for f in files:
        briefing = Briefing.model_validate_json(f.read_text())
        assert briefing.engine == "extractive" and briefing.key_points
        assert briefing.source.title and "Northwind" in briefing.source.title
    assert store.counts()["briefings"] == 5
    data = read_report(out)
    assert data["counts"] == {"total": 5, "written": 5, "reused": 0, "skipped": 0, "failed": 0}
    assert data["config"]["engine"] == "extractive" and data["config"]["runner"] == "local"


def test_rerun_skips_existing_outputs_and_reuses_stored_briefings(tmp_path: Path, store: SQLiteStore) -> None:
    inputs = write_folder(tmp_path / "in", 4)
    out = tmp_path / "out"
    config = BatchConfig([str(inputs)], out, fmt="md", options=EXTRACTIVE)
    run_batch(config, store=store)
    (out / "story-002.md").unlink()
    (out / f".story-001.md.x{TEMP_SUFFIX}").write_text("half a brief")  # left by a killed run
    report = run_batch(config, store=store)
    assert {r.id: r.status for r in report.results} == {
        "story-000": "skipped",
        "story-001": "skipped",
        "story-002": "reused",  # its briefing was already in the store
        "story-003": "skipped",
    }
    assert "Northwind" in (out / "story-002.md").read_text()
    assert not list(out.glob(f"*{TEMP_SUFFIX}"))
    assert store.counts()["briefings"] == 4
    # --force regenerates instead of reusing (existing files are still kept).
    (out / "story-002.md").unlink()
    forced = run_batch(BatchConfig([str(inputs)], out, fmt="md", options=EXTRACTIVE, force=True), store=store)
    assert [r.status for r in forced.results].count("written") == 1
    assert store.counts()["briefings"] == 4  # the new briefing replaced the stored one


def test_jsonl_batch_reports_bad_lines_without_stopping(tmp_path: Path) -> None:
    lines = [json.dumps({"id": f"j{n}", "title": story(n)[0], "text": story(n)[1]}) for n in range(3)]
    lines.insert(1, '{"id": "broken", "text": ')
    lines.append(json.dumps({"id": "empty", "author": "nobody"}))
    jsonl = tmp_path / "items.jsonl"
    jsonl.write_text("\n".join(lines) + "\n")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app,
        ["batch", str(jsonl), "-o", str(out), "--mode", "extractive", "--db", str(tmp_path / "b.db"), "-q"],
    )
    assert result.exit_code == 1, result.output
    assert sorted(p.stem for p in items_written(out, "md")) == ["j0", "j1", "j2"]
    data = read_report(out)
    assert data["counts"]["failed"] == 2 and data["counts"]["written"] == 3
    failed = {f["id"]: f["error"] for f in data["failures"]}
    assert set(failed) == {"line-2", "empty"}
    assert "not valid JSON" in failed["line-2"]
    assert "text" in failed["empty"]


def test_rss_feed_file_batch_via_cli(tmp_path: Path) -> None:
    entries = "".join(
        f"<item><title>{story(n)[0]}</title><guid>urn:story:{n}</guid>"
        f"<description>{story(n)[1]}</description><pubDate>Mon, 04 Mar 2024 10:00:00 GMT</pubDate></item>"
        for n in range(3)
    )
    feed = tmp_path / "news.rss"
    feed.write_text(
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>News</title>{entries}</channel></rss>'
    )
    out = tmp_path / "out"
    db = tmp_path / "f.db"
    args = ["batch", str(feed), "-o", str(out), "--mode", "extractive", "--db", str(db), "-f", "html"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    pages = items_written(out, "html")
    assert len(pages) == 3
    assert all("Northwind" in p.read_text() for p in pages)
    with SQLiteStore(db) as store:
        assert store.counts()["briefings"] == 3
    again = CliRunner().invoke(app, args)
    assert again.exit_code == 0
    assert read_report(out)["counts"]["skipped"] == 3


def test_missing_input_is_a_failed_item_not_a_crash(tmp_path: Path) -> None:
    inputs = write_folder(tmp_path / "in", 2)
    out = tmp_path / "out"
    report = run_batch(
        BatchConfig([str(inputs), str(tmp_path / "nope.jsonl")], out, fmt="json", options=EXTRACTIVE)
    )
    assert report.count("written") == 2
    [failure] = report.failures
    assert "does not exist" in (failure.error or "")
    assert not report.ok


def counting_factory(backend: FakeBackend) -> tuple[list[int], object]:
    built: list[int] = []

    def factory() -> FakeBackend:
        built.append(threading.get_ident())
        time.sleep(0.05)  # a slow load makes a racy double build likely, if there were one
        return backend

    return built, factory


def test_parallel_items_share_one_lazily_built_backend(tmp_path: Path, store: SQLiteStore) -> None:
    inputs = write_folder(tmp_path / "in", 6)
    out = tmp_path / "out"
    active, peak = [0], [0]
    lock = threading.Lock()

    def responder(messages: list[dict], schema: dict | None) -> dict:
        with lock:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        time.sleep(0.1)
        with lock:
            active[0] -= 1
        return KEY_POINTS

    backend = FakeBackend(responder=responder)
    built, factory = counting_factory(backend)
    config = BatchConfig([str(inputs)], out, fmt="json", options=KEY_POINTS_ONLY, parallel=3)
    report = run_batch(config, store=store, backend_factory=factory)
    assert report.ok, report.failures
    assert len(built) == 1  # one backend for all threads
    assert peak[0] >= 2  # items really ran concurrently
    assert len(items_written(out)) == 6
    assert report.generated_tokens > 0
    assert Briefing.model_validate_json((out / "story-000.json").read_text()).key_points == POINTS
    assert store.counts()["llm_calls"] >= 6

    # Nothing to do (all outputs exist) or no model needed: the backend is never built.
    built.clear()
    run_batch(config, store=store, backend_factory=factory)
    run_batch(
        BatchConfig([str(inputs)], tmp_path / "x", options=EXTRACTIVE), store=store, backend_factory=factory
    )
    assert built == []


def test_a_failing_item_is_reported_and_the_rest_finish(tmp_path: Path) -> None:
    inputs = write_folder(tmp_path / "in", 4)
    out = tmp_path / "out"

    def responder(messages: list[dict], schema: dict | None) -> dict:
        if any("Bristol" in m["content"] for m in messages):
            raise RuntimeError("model crashed on this one")
        return KEY_POINTS

    config = BatchConfig([str(inputs)], out, fmt="md", options=KEY_POINTS_ONLY, parallel=2)
    report = run_batch(config, backend_factory=lambda: FakeBackend(responder=responder))
    assert [r.id for r in report.failures] == ["story-001"]
    assert "model crashed" in (report.failures[0].error or "")
    assert report.count("written") == 3
    assert not (out / "story-001.md").exists()
    assert read_report(out)["failures"] == [{"id": "story-001", "error": report.failures[0].error}]


def _count_items(out: Path) -> int:
    return sum(1 for p in out.glob("story-*.json"))


def test_sigkill_mid_run_then_rerun_leaves_exactly_one_complete_output_per_input(tmp_path: Path) -> None:
    total = 300
    inputs = write_folder(tmp_path / "in", total)
    out = tmp_path / "out"
    db = tmp_path / "kill.db"
    command = [sys.executable, "-m", "briefwire.cli", "batch", str(inputs), "-o", str(out)]
    command += ["--mode", "extractive", "--format", "json", "--db", str(db), "--quiet"]
    src = str(Path(__file__).parents[1] / "src")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [src, os.environ.get("PYTHONPATH")]))}

    # Kill twice, at different progress points, before letting a run finish.
    for kill_after in (15, 60):
        proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 180
        while _count_items(out) < kill_after and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert proc.returncode == -signal.SIGKILL, proc.stderr.read().decode()
        done = _count_items(out)
        assert kill_after <= done < total, f"killed with {done} outputs: not mid-run"

    rerun = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr

    files = sorted(out.glob("story-*"))
    assert [f.name for f in files] == [f"story-{n:03d}.json" for n in range(total)]
    for f in files:
        briefing = Briefing.model_validate_json(f.read_text())  # complete and parseable
        assert briefing.source.title == story(int(f.stem[-3:]))[0]
    assert list(out.glob(f"*{TEMP_SUFFIX}")) == [] and [p.name for p in out.glob(".*")] == []
    report = read_report(out)
    assert report["counts"]["failed"] == 0
    assert report["counts"]["skipped"] >= 60
    with SQLiteStore(db) as store:
        per_article = store._db.execute(
            "SELECT count(*), count(DISTINCT article_id), (SELECT count(*) FROM articles) FROM briefings"
        ).fetchone()
    assert tuple(per_article) == (total, total, total)


def test_an_input_named_like_the_report_keeps_its_own_output(tmp_path: Path) -> None:
    inputs = write_folder(tmp_path / "in", 1)
    title, text = story(7)
    (inputs / "batch-report.txt").write_text(f"{title}\n\n{text}\n")
    out = tmp_path / "out"
    report = run_batch(BatchConfig([str(inputs)], out, fmt="json", options=EXTRACTIVE))
    assert report.ok
    assert Briefing.model_validate_json((out / "batch-report-item.json").read_text()).source.title == title
    assert read_report(out)["counts"]["written"] == 2
