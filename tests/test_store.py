"""The SQLite archive: round trips, migrations, dedupe, search, related coverage, the call log."""

from __future__ import annotations

import json
import multiprocessing
import re
import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from typer.testing import CliRunner

from briefwire.cli import app
from briefwire.errors import ConfigError, InputError
from briefwire.model import Article, Briefing, Narrative, RunStats, SectionStats
from briefwire.store import SQLiteStore, open_store
from briefwire.store.recording import RecordingStore
from briefwire.store.schema import LATEST, MIGRATIONS
from briefwire.web import jobs as jobs_module

STRIKE_1 = Article(
    title="Northwind Airlines pilots vote to strike",
    text=(
        "Pilots at Northwind Airlines have voted to strike over pay, the British Airline Pilots "
        "Association said on Monday. The union said 92% of members backed walkouts at Gatwick and "
        "Manchester. Northwind Airlines said it was disappointed and urged the union to return to talks.\n\n"
        "Chief executive Maria Lindqvist said flights would run as normal this week."
    ),
    date="2024-03-04",
    url="https://example.com/northwind-vote",
)
STRIKE_2 = Article(
    title="Northwind strike talks collapse",
    text=(
        "Talks between Northwind Airlines and the British Airline Pilots Association collapsed on "
        "Thursday. Maria Lindqvist, the airline's chief executive, said the pay demands of the pilots "
        "were unaffordable. The union confirmed that the first strike at Gatwick would go ahead."
    ),
    date="2024-03-08",
)
STRIKE_3 = Article(
    title="Pilots strike grounds Northwind flights",
    text=(
        "Hundreds of Northwind Airlines flights were cancelled as pilots began a 48-hour strike. "
        "Passengers at Gatwick and Manchester were stranded. The British Airline Pilots Association "
        "said the pilots' pay offer was too low; Maria Lindqvist apologised to customers."
    ),
    date="2024-03-15",
)
CRICKET = Article(
    title="England win the third Test in Mumbai",
    text=(
        "England beat India by six wickets in Mumbai to take a 2-1 lead in the series. Joe Root scored "
        "an unbeaten century and James Anderson took five wickets on the final day. India captain "
        "Rohit Sharma said his batsmen had let the team down."
    ),
)
BAKING = Article(
    title="Village bake-off crowns sourdough champion",
    text=(
        "A retired teacher from Tetbury has won the annual Cotswold bake-off with a rye sourdough. "
        "Judges praised the crust and crumb. The competition raised money for the village hall roof."
    ),
)


def briefing(headline: str = "Pilots vote to strike", model: str = "m1") -> Briefing:
    return Briefing(
        headline=headline,
        key_points=["Pilots voted to strike.", "The airline urged talks."],
        narrative=Narrative(paragraphs=["Pilots voted to strike."], key_takeaway="Strikes loom."),
        run=RunStats(
            backend="fake", model=model, sections=[SectionStats(name="headline", generated_tokens=7)]
        ),
    )


@pytest.fixture
def store(tmp_path: Path) -> SQLiteStore:
    with SQLiteStore(tmp_path / "archive.db") as s:
        yield s


def test_article_round_trip_and_content_dedupe(store: SQLiteStore) -> None:
    aid = store.add_article(STRIKE_1)
    assert len(aid) == 12
    got = store.get_article(aid)
    assert got is not None
    assert (got.title, got.text, got.date, got.url) == (
        STRIKE_1.title,
        STRIKE_1.text,
        STRIKE_1.date,
        STRIKE_1.url,
    )
    # The same text (even re-wrapped in whitespace and with other metadata) is the same article.
    again = Article(text=f"  {STRIKE_1.text}\n", title="other title")
    assert store.add_article(again) == aid
    assert store.counts()["articles"] == 1
    assert store.get_article("000000000000") is None


def test_bulk_add_reports_new_and_duplicates(store: SQLiteStore) -> None:
    store.add_article(CRICKET)
    results = store.add_articles([STRIKE_1, STRIKE_2, CRICKET, STRIKE_1])
    assert [r.new for r in results] == [True, True, False, False]
    assert results[0].id == results[3].id
    assert store.counts()["articles"] == 3


def test_briefing_round_trip_list_and_call_log(store: SQLiteStore) -> None:
    aid = store.add_article(STRIKE_1)
    call = store.log_llm_call(
        backend="fake", model="m1", section="headline", prompt_hash="abc", prompt_tokens=120,
        cached_tokens=30, generated_tokens=7, seconds=0.5, article_id=aid,
    )  # fmt: skip
    other = store.log_llm_call(
        backend="fake", model="m1", section="x", prompt_hash="def", prompt_tokens=1,
        cached_tokens=0, generated_tokens=1, seconds=0.1,
    )  # fmt: skip
    bid = store.save_briefing(aid, briefing(), "opts", llm_call_ids=[call])
    assert store.get_briefing(bid) == briefing()
    assert store.get_briefing("nope") is None

    [row] = store.list_briefings()
    assert (row.id, row.article_id, row.title, row.headline) == (
        bid,
        aid,
        STRIKE_1.title,
        "Pilots vote to strike",
    )
    assert (row.engine, row.backend, row.model) == ("llm", "fake", "m1")

    [logged] = store.llm_calls(briefing_id=bid)
    assert (logged.id, logged.section, logged.prompt_tokens, logged.cached_tokens) == (
        call,
        "headline",
        120,
        30,
    )
    assert (logged.generated_tokens, logged.seconds, logged.article_id) == (7, 0.5, aid)
    assert {c.id for c in store.llm_calls()} == {call, other}


def test_find_briefing_dedupes_on_content_options_backend_and_model(store: SQLiteStore) -> None:
    aid = store.add_article(STRIKE_1)
    first = store.save_briefing(aid, briefing(), "opts-a")
    digest = STRIKE_1.content_hash
    assert store.find_briefing(digest, "opts-a", "fake", "m1") == first
    assert store.find_briefing(digest, "opts-b", "fake", "m1") is None
    assert store.find_briefing(digest, "opts-a", "fake", "m2") is None
    assert store.find_briefing(digest, "opts-a", "other", "m1") is None
    assert store.find_briefing(STRIKE_2.content_hash, "opts-a", "fake", "m1") is None
    # A forced regeneration replaces the stored briefing's content under the same id.
    second = store.save_briefing(aid, briefing("Regenerated"), "opts-a")
    assert second == first
    assert store.get_briefing(first) == briefing("Regenerated")
    assert store.counts()["briefings"] == 1


def test_extractive_briefing_without_run_stats_is_keyed_as_extractive(store: SQLiteStore) -> None:
    aid = store.add_article(STRIKE_1)
    bid = store.save_briefing(aid, Briefing(engine="extractive", key_points=["x"]), "k")
    assert store.find_briefing(STRIKE_1.content_hash, "k", "extractive", "") == bid


def test_search_ranks_matches_and_survives_fts_syntax(store: SQLiteStore) -> None:
    store.add_articles([STRIKE_1, STRIKE_2, STRIKE_3, CRICKET, BAKING])
    hits = store.search("Northwind pilots")
    assert {h.title for h in hits} == {STRIKE_1.title, STRIKE_2.title, STRIKE_3.title}
    assert all(h.score > 0 for h in hits)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert store.search("sourdough")[0].title == BAKING.title
    assert "sourdough" in store.search("sourdough")[0].snippet
    # No word matches everything: falls back to any word.
    assert store.search("sourdough zeppelin")[0].title == BAKING.title
    for hostile in ['NEAR(" OR *', "title:x AND", '"', "-", "^Root"]:
        store.search(hostile)  # must not raise sqlite3.OperationalError
    assert store.search("zeppelin") == []
    assert store.search("   ") == []


def test_related_finds_earlier_coverage_excludes_itself_and_unrelated(store: SQLiteStore) -> None:
    store.add_articles([STRIKE_1, STRIKE_2, CRICKET, BAKING, STRIKE_3])  # the story itself is archived too
    items = store.related(STRIKE_3, limit=3)
    titles = [i.title for i in items]
    assert set(titles) == {STRIKE_1.title, STRIKE_2.title}
    assert [i.ref for i in items] == ["A1", "A2"]
    for item in items:
        assert len(item.excerpt.split()) <= 60
        assert "Northwind" in item.excerpt or "pilots" in item.excerpt.lower()
        assert store.get_article(item.archive_id) is not None
    assert store.related(STRIKE_3, limit=1)[0].title == titles[0]
    unrelated = Article(
        title="Honey harvest in Peru", text="Beekeepers in Cusco say the honey harvest was the largest yet."
    )
    assert store.related(unrelated) == []


def test_v1_database_is_migrated_with_data_kept(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = sqlite3.connect(path)
    db.executescript(
        """
        CREATE TABLE articles (id TEXT PRIMARY KEY, content_hash TEXT NOT NULL UNIQUE, url TEXT,
            title TEXT, author TEXT, date TEXT, text TEXT NOT NULL, added TEXT NOT NULL);
        CREATE TABLE briefings (id TEXT PRIMARY KEY, article_id TEXT NOT NULL REFERENCES articles(id),
            backend TEXT NOT NULL, model TEXT NOT NULL, options_key TEXT NOT NULL, json TEXT NOT NULL,
            created TEXT NOT NULL);
        CREATE INDEX briefings_lookup ON briefings(article_id, backend, model);
        CREATE INDEX briefings_created ON briefings(created);
        PRAGMA user_version = 1;
        """
    )
    for n, article in enumerate([STRIKE_1, STRIKE_2]):
        aid = article.content_hash[:12]
        db.execute(
            "INSERT INTO articles VALUES (?, ?, ?, ?, NULL, ?, ?, '2024-01-01')",
            (aid, article.content_hash, article.url, article.title, article.date, article.text),
        )
        db.execute(
            "INSERT INTO briefings VALUES (?, ?, 'fake', 'm1', 'k', ?, ?)",
            (f"b{n}", aid, briefing().model_dump_json(), f"2024-01-0{n + 1}"),
        )
    db.commit()
    db.close()

    with SQLiteStore(path) as store:
        version = store._db.execute("PRAGMA user_version").fetchone()[0]
        assert version == LATEST
        assert store.counts() == {"articles": 2, "briefings": 2, "llm_calls": 0}
        assert store.get_briefing("b1") == briefing()
        assert store.find_briefing(STRIKE_1.content_hash, "k", "fake", "m1") == "b0"
        # The FTS index and the entity table were built from the old rows.
        assert store.search("Lindqvist")[0].title in {STRIKE_1.title, STRIKE_2.title}
        assert {i.title for i in store.related(STRIKE_3)} == {STRIKE_1.title, STRIKE_2.title}
        call = store.log_llm_call(
            backend="fake", model="m1", section="s", prompt_hash="h", prompt_tokens=1,
            cached_tokens=0, generated_tokens=1, seconds=0.1,
        )  # fmt: skip
        assert store.llm_calls()[0].id == call
    # Opening again is a no-op.
    with SQLiteStore(path) as store:
        assert store.counts()["articles"] == 2


def _v3_database(path: Path) -> sqlite3.Connection:
    """A database as the release before one-briefing-per-key left it, with the web app's old jobs table."""
    db = sqlite3.connect(path, isolation_level=None)
    for migration in MIGRATIONS[:3]:
        migration(db)
    db.executescript(
        """
        CREATE TABLE jobs (id TEXT PRIMARY KEY, dedupe_key TEXT NOT NULL, status TEXT NOT NULL,
            briefing_id TEXT, error TEXT, request TEXT NOT NULL, progress TEXT NOT NULL DEFAULT '{}',
            created_at REAL NOT NULL, updated_at REAL NOT NULL);
        CREATE UNIQUE INDEX jobs_dedupe ON jobs(dedupe_key) WHERE status != 'failed';
        PRAGMA user_version = 3;
        """
    )
    return db


def test_the_web_jobs_table_comes_from_the_archive_migrations(tmp_path: Path) -> None:
    # JobStore declares no schema of its own: opening it runs the store's numbered migrations.
    source = Path(jobs_module.__file__).read_text(encoding="utf-8")
    assert not re.search(r"\b(CREATE|ALTER|DROP)\s+(TABLE|INDEX|UNIQUE)", source)
    path = tmp_path / "old.db"
    db = _v3_database(path)  # with the jobs table an old web app created itself
    db.execute("INSERT INTO jobs VALUES ('j1', 'key', 'queued', NULL, NULL, '{}', '{}', 1, 1)")
    db.close()
    for db_path in (path, tmp_path / "new.db"):
        jobs = jobs_module.JobStore(db_path)
        try:
            assert jobs._conn.execute("PRAGMA user_version").fetchone()[0] == LATEST
            job, created = jobs.submit("key", {})
            assert created == (db_path != path) and (created or job.id == "j1")
        finally:
            jobs.close()


def test_migration_keeps_the_newest_of_duplicate_briefings(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = _v3_database(path)
    aid = STRIKE_1.content_hash[:12]
    db.execute(
        "INSERT INTO articles(id, content_hash, title, text, added) VALUES (?, ?, ?, ?, '2024-01-01')",
        (aid, STRIKE_1.content_hash, STRIKE_1.title, STRIKE_1.text),
    )
    # Three concurrent runs stored the same briefing; another model's briefing is kept apart.
    rows = [("old", "m1", "2024-01-01"), ("newest", "m1", "2024-01-03"), ("middle", "m1", "2024-01-02")]
    rows.append(("other-model", "m2", "2024-01-01"))
    for bid, model, created in rows:
        db.execute(
            "INSERT INTO briefings VALUES (?, ?, 'fake', ?, 'k', ?, ?)",
            (bid, aid, model, briefing(bid, model=model).model_dump_json(), created),
        )
    db.execute(
        "INSERT INTO llm_calls VALUES ('c1', 'old', ?, 'headline', 'fake', 'm1', 'h', 1, 0, 1, 0.1, '2024')",
        (aid,),
    )
    db.execute("INSERT INTO jobs VALUES ('j1', 'key', 'done', 'middle', NULL, '{}', '{}', 1, 1)")
    db.close()

    with SQLiteStore(path) as store:
        assert store.counts()["briefings"] == 2
        assert store.find_briefing(STRIKE_1.content_hash, "k", "fake", "m1") == "newest"
        assert store.get_briefing("other-model") is not None
        assert [c.id for c in store.llm_calls(briefing_id="newest")] == ["c1"]
        assert store._db.execute("SELECT briefing_id FROM jobs").fetchone()[0] == "newest"
        indexes = {r[0] for r in store._db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert {"briefings_key", "jobs_live"} <= indexes and "jobs_dedupe" not in indexes
        with pytest.raises(sqlite3.IntegrityError):
            store._db.execute(
                "INSERT INTO briefings VALUES ('again', ?, 'fake', 'm1', 'k', '{}', '2025')", (aid,)
            )


def _save_many(path: str, start: Any, times: int) -> None:
    with SQLiteStore(path) as store:
        start.wait()  # both writers open, then race
        for n in range(times):
            aid = store.add_article(STRIKE_1)
            store.save_briefing(aid, briefing(f"take {n}"), "k")


def test_two_processes_saving_one_briefing_store_one_row(tmp_path: Path) -> None:
    path = str(tmp_path / "shared.db")
    SQLiteStore(path).close()  # migrated before the race, which is about the rows
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(2)
    writers = [context.Process(target=_save_many, args=(path, start, 40)) for _ in range(2)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(60)
    assert [w.exitcode for w in writers] == [0, 0]
    with SQLiteStore(path) as store:
        assert store.counts() == {"articles": 1, "briefings": 1, "llm_calls": 0}
        [row] = store.list_briefings()
        assert store.get_briefing(row.id).headline == "take 39"  # the last save of either writer


def test_database_from_a_newer_release_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    sqlite3.connect(path).execute(f"PRAGMA user_version = {LATEST + 1}").connection.close()
    with pytest.raises(ConfigError, match="newer"):
        SQLiteStore(path)


def test_open_store_uses_flag_then_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRIEFWIRE_DB", str(tmp_path / "env.db"))
    with open_store() as store:
        assert store.path == str(tmp_path / "env.db")
    with open_store(tmp_path / "sub" / "flag.db") as store:
        assert Path(store.path).exists()


def test_store_is_safe_to_share_between_threads(store: SQLiteStore) -> None:
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(20):
                aid = store.add_article(Article(title=f"t{n}", text=f"Thread {n} article {i} text."))
                store.save_briefing(aid, briefing(f"h{n}-{i}"), "k")
                store.related(STRIKE_1)
        except BaseException as err:
            errors.append(err)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert store.counts()["briefings"] == 80


def test_recording_store_replays_writes_into_the_real_store(store: SQLiteStore) -> None:
    store.add_articles([STRIKE_1, STRIKE_2])
    old = store.save_briefing(store.add_article(STRIKE_3), briefing(model="old"), "k")
    recording = RecordingStore.snapshot(store, STRIKE_3, "k", related=True)
    assert {b.title for b in recording.related(STRIKE_3)} == {STRIKE_1.title, STRIKE_2.title}
    # What a worker's pipeline sees: the stored briefing for its own backend/model only.
    assert recording.find_briefing(STRIKE_3.content_hash, "k", "fake", "old") == old
    assert recording.get_briefing(old) == briefing(model="old")
    assert recording.find_briefing(STRIKE_3.content_hash, "k", "fake", "m1") is None
    assert recording.reused

    aid = recording.add_article(STRIKE_3)
    cid = recording.log_llm_call(
        backend="fake", model="m1", section="headline", prompt_hash="h", prompt_tokens=5,
        cached_tokens=0, generated_tokens=3, seconds=0.2, article_id=aid,
    )  # fmt: skip
    recording.save_briefing(aid, briefing(), "k", llm_call_ids=[cid])
    assert not recording.reused

    [new_id] = recording.replay(store)
    assert store.find_briefing(STRIKE_3.content_hash, "k", "fake", "m1") == new_id
    [call] = store.llm_calls(briefing_id=new_id)
    assert (call.generated_tokens, call.article_id) == (3, store.add_article(STRIKE_3))


# -- the archive commands ----------------------------------------------------------------


def _cli(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


def test_archive_add_search_list_show(tmp_path: Path) -> None:
    folder = tmp_path / "news"
    folder.mkdir()
    for n, article in enumerate([STRIKE_1, STRIKE_2, CRICKET]):
        (folder / f"a{n}.txt").write_text(f"{article.title}\n\n{article.text}\n")
    jsonl = tmp_path / "more.jsonl"
    jsonl.write_text(
        json.dumps({"id": "bake", "title": BAKING.title, "text": BAKING.text}) + "\n" + '{"id": "bad"}\n'
    )
    db = str(tmp_path / "cli.db")

    added = _cli("archive", "add", str(folder), str(jsonl), "--db", db)
    assert added.exit_code == 1  # one input failed
    assert "4 added, 0 duplicates, 1 failed" in added.output
    again = _cli("archive", "add", str(folder), "--db", db)
    assert again.exit_code == 0 and "0 added, 3 duplicates, 0 failed" in again.output

    found = _cli("archive", "search", "Lindqvist pilots", "--db", db)
    assert found.exit_code == 0 and "Northwind" in found.output and "sourdough" not in found.output
    assert _cli("archive", "search", "zeppelin", "--db", db).exit_code == 1

    assert "no briefings yet" in _cli("list", "--db", db).output
    with SQLiteStore(db) as store:
        aid = store.add_article(STRIKE_1)
        bid = store.save_briefing(aid, briefing(), "k")
    listed = _cli("list", "--db", db)
    assert bid in listed.output and "Pilots vote to strike" in listed.output
    shown = _cli("show", bid, "--format", "json", "--db", db)
    assert shown.exit_code == 0
    assert Briefing.model_validate_json(shown.output).headline == "Pilots vote to strike"
    assert "Pilots vote to strike" in _cli("show", bid, "--db", db).output
    missing = _cli("show", "ffffffffffff", "--db", db)
    assert isinstance(missing.exception, InputError)
    assert "briefwire list" in str(missing.exception)
