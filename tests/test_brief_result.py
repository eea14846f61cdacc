"""What ``brief()`` returns, the one archive key, and the one lazy backend: a briefing archived by
any front door (CLI, batch, web) is found by the others, without loading the model."""

from __future__ import annotations

import functools
import pickle
from pathlib import Path

import pytest
from fakes import cited

from briefwire.archive_key import EXTRACTIVE_IDENTITY, ArchiveKey
from briefwire.batch import BatchConfig, run_batch
from briefwire.batch.runner import _lazy_backend
from briefwire.commands.common import lazy_backend
from briefwire.errors import BriefwireError
from briefwire.llm import BackendConfig
from briefwire.llm.base import GenerationParams
from briefwire.llm.fake import FakeBackend
from briefwire.llm.lazy import LazyBackend
from briefwire.model import Article, Briefing
from briefwire.options import BriefOptions
from briefwire.pipeline import archive, brief
from briefwire.store import SQLiteStore
from briefwire.web import WebSettings
from briefwire.web.jobs import JobProgress
from briefwire.web.service import BriefingService

POINTS = [
    "Pilots at Northwind Airlines voted on strike action over pay, the union said.",
    "Northwind Airlines urged the union to return to talks.",
    "Chief executive Maria Lindqvist said flights would run as planned on Monday.",
]
ARTICLE = Article(title="Northwind pilots vote on strike", text=" ".join(POINTS))
# One short model section and no grounding: the model path, with a fake.
OPTIONS = BriefOptions(sections=("key_points",), ground=False, background=False)
HELLO = [{"role": "user", "content": "hello"}]


def fake() -> FakeBackend:
    return FakeBackend(responder=lambda messages, schema: cited(POINTS))


def absent_model(tmp_path: Path) -> BackendConfig:
    """A configured model that is not there: whatever tries to load it fails."""
    return BackendConfig(model_path=str(tmp_path / "absent.gguf"))


def test_a_second_brief_is_found_in_the_archive_without_calling_the_backend(tmp_path: Path) -> None:
    backend = fake()
    with SQLiteStore(tmp_path / "a.db") as store:
        first = brief(ARTICLE, backend=backend, options=OPTIONS, store=store)
        calls = len(backend.calls)
        assert calls > 0 and not first.reused and first.archive_id is not None
        assert store.get_briefing(first.archive_id) == first.briefing

        again = brief(ARTICLE, backend=backend, options=OPTIONS, store=store)
        assert again.reused and again.archive_id == first.archive_id
        assert again.briefing == first.briefing
        assert len(backend.calls) == calls

        # Other options are another briefing; --force writes a new one under the same key.
        other = brief(ARTICLE, backend=backend, options=OPTIONS.model_copy(update={"seed": 7}), store=store)
        assert not other.reused and other.archive_id != first.archive_id
        forced = brief(ARTICLE, backend=backend, options=OPTIONS, store=store, force=True)
        assert not forced.reused and forced.archive_id == first.archive_id
        assert len(backend.calls) > calls
    unarchived = brief(ARTICLE, backend=fake(), options=OPTIONS)
    assert unarchived.archive_id is None and not unarchived.reused


def test_the_lazy_backend_builds_once_on_first_chat_and_names_itself_from_what_it_is_given() -> None:
    built: list[FakeBackend] = []

    def factory() -> FakeBackend:
        built.append(fake())
        return built[-1]

    lazy = LazyBackend(factory, ("fake", "fake-model"))
    assert (lazy.name, lazy.model) == ("fake", "fake-model")
    assert not built and not lazy.built
    lazy.chat(HELLO, params=GenerationParams())
    lazy.chat(HELLO, params=GenerationParams())
    assert len(built) == 1 and len(built[0].calls) == 2
    lazy.close()
    assert not lazy.built

    # Without an identity, only the built backend can say what it is.
    unnamed = LazyBackend(fake)
    assert unnamed.model == "fake-model" and unnamed.built


def test_the_lazy_backend_travels_unbuilt() -> None:
    lazy = LazyBackend(functools.partial(FakeBackend, ["an answer"]), ("fake", "fake-model"), "here")
    lazy.chat(HELLO, params=GenerationParams())
    copy = pickle.loads(pickle.dumps(lazy))  # as Ray ships it to a worker
    assert not copy.built and copy.identity == lazy.identity and copy.where == "here"
    assert copy.chat(HELLO, params=GenerationParams()).text == "an answer"


def test_a_failed_load_is_raised_as_itself_and_kept(tmp_path: Path) -> None:
    lazy = LazyBackend.from_config(absent_model(tmp_path))
    assert lazy.identity == ("embedded", "absent.gguf") and lazy.load_error is None
    with pytest.raises(BriefwireError, match="not found") as raised:
        lazy.chat(HELLO, params=GenerationParams())
    assert lazy.load_error is raised.value and not lazy.built


def test_cli_batch_and_web_compute_one_key_without_loading_the_model(tmp_path: Path) -> None:
    config = absent_model(tmp_path)
    backends = [
        lazy_backend(config, quiet=True),
        _lazy_backend(BatchConfig([], tmp_path, backend=config), None),
        WebSettings(db_path=tmp_path / "w.db", backend_config=config).lazy_backend(),
    ]
    keys = {ArchiveKey.of(ARTICLE, OPTIONS, backend) for backend in backends}
    assert keys == {ArchiveKey(ARTICLE.content_hash, OPTIONS.cache_key(), "embedded", "absent.gguf")}
    assert not any(backend.built for backend in backends)
    # The extractive engine's key does not depend on the backend at all.
    extractive = OPTIONS.model_copy(update={"engine": "extractive"})
    assert {ArchiveKey.of(ARTICLE, extractive, backend) for backend in [*backends, None]} == {
        ArchiveKey(ARTICLE.content_hash, extractive.cache_key(), *EXTRACTIVE_IDENTITY)
    }


def test_batch_and_web_reuse_an_archived_briefing_without_loading_the_model(tmp_path: Path) -> None:
    config = absent_model(tmp_path)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "story.txt").write_text(f"{ARTICLE.title}\n\n{ARTICLE.text}\n")
    stored = Briefing(headline="Stored earlier", key_points=["A point from the archive."])
    with SQLiteStore(tmp_path / "a.db") as store:
        key = ArchiveKey.of(ARTICLE, OPTIONS, LazyBackend.from_config(config))
        archive_id = archive(store, key, ARTICLE, stored)

        batch = BatchConfig([str(folder)], tmp_path / "out", fmt="json", options=OPTIONS, backend=config)
        report = run_batch(batch, store=store)
        assert [r.status for r in report.results] == ["reused"], report.results
        assert Briefing.model_validate_json((tmp_path / "out" / "story.json").read_text()) == stored

        settings = WebSettings(
            db_path=tmp_path / "a.db", backend_config=config, store=store, start_worker=False
        )
        service = BriefingService(settings)
        try:
            job, created = service.submit(ARTICLE, OPTIONS)
            assert created and job.dedupe_key == key.digest()
            assert service.execute(job, JobProgress([], lambda snapshot: None)) == archive_id
            assert not service.backend.built
        finally:
            service.close()
        assert store.counts()["briefings"] == 1


def test_the_cli_briefs_without_a_model_only_when_the_default_one_cannot_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from briefwire.cli import app
    from briefwire.commands import common
    from briefwire.llm.base import LLMError

    def unloadable(config: BackendConfig) -> FakeBackend:
        raise LLMError("no weights here")

    for name in ("BRIEFWIRE_MODEL", "BRIEFWIRE_LLM_URL", "BRIEFWIRE_LLM_MODEL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(common, "make_backend", unloadable)
    article = tmp_path / "story.txt"
    article.write_text(f"{ARTICLE.title}\n\n{ARTICLE.text}\n")
    args = ["brief", str(article), "--format", "json", "--db", str(tmp_path / "a.db")]

    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "no weights here" in result.output and "falling back to the extractive engine" in result.output
    assert '"engine": "extractive"' in result.output
    with SQLiteStore(tmp_path / "a.db") as store:
        [row] = store.list_briefings()
        assert (row.backend, row.model) == EXTRACTIVE_IDENTITY

    # A model asked for by name is not silently replaced.
    result = CliRunner().invoke(app, [*args, "--model", str(tmp_path / "other.gguf")])
    assert isinstance(result.exception, LLMError) and "no weights here" in str(result.exception)
