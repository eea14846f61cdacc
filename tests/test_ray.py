"""The Ray engine on a local Ray instance: same outputs and store contents as the local engine."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest
from fakes import cited

from briefwire.batch import BatchConfig, run_batch
from briefwire.llm.fake import FakeBackend
from briefwire.model import Briefing
from briefwire.options import BriefOptions
from briefwire.store import SQLiteStore

ray = pytest.importorskip("ray")
pytestmark = pytest.mark.ray

# Not the headline: a titled article's headline is its title, written without a model call.
# Each point shortens the sentence of write_inputs' story that it names.
POINTS = [
    "Pilots at Northwind Airlines voted to strike over pay, the union said.",
    "The airline said flights would still run on Monday.",
    "Chief executive Maria Lindqvist urged the union to return to talks.",
]
KEY_POINTS = cited(POINTS)


@pytest.fixture(scope="module")
def local_ray():
    # Started once for the module; run_batch sees Ray running and leaves it up.
    ray.init(num_cpus=2, include_dashboard=False, logging_level="warning")
    yield
    ray.shutdown()


def write_inputs(root: Path, count: int) -> Path:
    root.mkdir()
    for n in range(count):
        title = f"Northwind Airlines pilots in town {n} vote to strike"
        text = (
            f"Pilots at Northwind Airlines in town {n} voted to strike over pay, the union said. "
            f"The airline said {100 + n} flights would still run on Monday. "
            "Chief executive Maria Lindqvist urged the union to return to talks."
        )
        (root / f"s{n}.txt").write_text(f"{title}\n\n{text}\n")
    return root


def test_ray_engine_extractive_outputs_and_store(local_ray: None, tmp_path: Path) -> None:
    inputs = write_inputs(tmp_path / "in", 5)
    out = tmp_path / "out"
    config = BatchConfig(
        [str(inputs)], out, fmt="json", options=BriefOptions(engine="extractive"), runner="ray"
    )
    with SQLiteStore(tmp_path / "r.db") as store:
        report = run_batch(config, store=store)
        assert report.ok and report.count("written") == 5
        assert store.counts()["briefings"] == 5  # replayed by the driver, not written by workers
        for n in range(5):
            briefing = Briefing.model_validate_json((out / f"s{n}.json").read_text())
            assert briefing.engine == "extractive"
            assert briefing.source.title == f"Northwind Airlines pilots in town {n} vote to strike"
        again = run_batch(config, store=store)
        assert again.count("skipped") == 5 and store.counts()["briefings"] == 5


def test_ray_engine_with_injected_backend_factory(local_ray: None, tmp_path: Path) -> None:
    inputs = write_inputs(tmp_path / "in", 4)
    out = tmp_path / "out"
    # A partial of an importable class pickles by reference: Ray workers can rebuild it.
    factory = functools.partial(FakeBackend, [KEY_POINTS] * 50)
    options = BriefOptions(sections=("key_points",), ground=False)
    config = BatchConfig([str(inputs)], out, fmt="md", options=options, runner="ray", parallel=2)
    with SQLiteStore(tmp_path / "r.db") as store:
        report = run_batch(config, store=store, backend_factory=factory)
        assert report.ok, report.failures
        assert report.count("written") == 4 and report.generated_tokens > 0
        assert all(POINTS[1] in (out / f"s{n}.md").read_text() for n in range(4))
        assert store.counts()["briefings"] == 4
        assert store.counts()["llm_calls"] >= 4  # the workers' call logs came back too
        [row] = [r for r in store.list_briefings() if r.title and "town 2 " in r.title]
        assert (row.backend, row.model) == ("fake", "fake-model")


def test_ray_task_failure_is_a_failed_item(local_ray: None, tmp_path: Path) -> None:
    inputs = write_inputs(tmp_path / "in", 2)
    out = tmp_path / "out"
    factory = functools.partial(FakeBackend, [])  # runs out of answers at once
    options = BriefOptions(sections=("key_points",), ground=False)
    config = BatchConfig([str(inputs)], out, options=options, runner="ray")
    report = run_batch(config, backend_factory=factory)
    assert report.count("failed") == 2
    assert all("scripted answers" in (f.error or "") for f in report.failures)
