"""Versioned schema for the SQLite archive.

``PRAGMA user_version`` holds how many migrations a database has had; opening a
store runs the missing ones in order, each in its own transaction, so a database
written by any earlier release is upgraded in place with its data kept. Append
new migrations to ``MIGRATIONS``; never edit one that has shipped.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from briefwire.store.terms import extract_entities

Migration = Callable[[sqlite3.Connection], None]


def _script(db: sqlite3.Connection, sql: str) -> None:
    """Run statements one by one: ``executescript`` would COMMIT the migration's transaction."""
    statement = ""
    for line in sql.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            db.execute(statement)
            statement = ""


def _v1_articles_and_briefings(db: sqlite3.Connection) -> None:
    _script(
        db,
        """
        CREATE TABLE articles (
            id TEXT PRIMARY KEY,
            content_hash TEXT NOT NULL UNIQUE,
            url TEXT, title TEXT, author TEXT, date TEXT,
            text TEXT NOT NULL,
            added TEXT NOT NULL
        );
        CREATE TABLE briefings (
            id TEXT PRIMARY KEY,
            article_id TEXT NOT NULL REFERENCES articles(id),
            backend TEXT NOT NULL, model TEXT NOT NULL,
            options_key TEXT NOT NULL,
            json TEXT NOT NULL,
            created TEXT NOT NULL
        );
        CREATE INDEX briefings_lookup ON briefings(article_id, backend, model);
        CREATE INDEX briefings_created ON briefings(created);
        """,
    )


def _v2_llm_calls(db: sqlite3.Connection) -> None:
    # One row per model call, in the spirit of Simon Willison's `llm logs`.
    _script(
        db,
        """
        CREATE TABLE llm_calls (
            id TEXT PRIMARY KEY,
            briefing_id TEXT REFERENCES briefings(id),
            article_id TEXT,
            section TEXT NOT NULL,
            backend TEXT NOT NULL, model TEXT NOT NULL,
            prompt_hash TEXT NOT NULL,
            prompt_tokens INTEGER NOT NULL, cached_tokens INTEGER NOT NULL,
            generated_tokens INTEGER NOT NULL,
            seconds REAL NOT NULL,
            created TEXT NOT NULL
        );
        CREATE INDEX llm_calls_briefing ON llm_calls(briefing_id);
        """,
    )


def _v3_search_and_entities(db: sqlite3.Connection) -> None:
    # External-content FTS5 index kept in step by a trigger (the archive never updates or
    # deletes articles, so an insert trigger is all it needs).
    _script(
        db,
        """
        CREATE VIRTUAL TABLE articles_fts USING fts5(
            title, text, content='articles', content_rowid='rowid', tokenize='porter unicode61'
        );
        CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
            INSERT INTO articles_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);
        END;
        INSERT INTO articles_fts(articles_fts) VALUES ('rebuild');
        CREATE TABLE article_entities (
            article_id TEXT NOT NULL REFERENCES articles(id),
            entity TEXT NOT NULL,
            PRIMARY KEY (article_id, entity)
        ) WITHOUT ROWID;
        CREATE INDEX article_entities_entity ON article_entities(entity);
        """,
    )
    # Backfill entities for articles archived before this version.
    rows = db.execute("SELECT id, title, text FROM articles").fetchall()
    db.executemany(
        "INSERT OR IGNORE INTO article_entities(article_id, entity) VALUES (?, ?)",
        [(aid, e) for aid, title, text in rows for e in extract_entities(text, title=title)],
    )


def _v4_jobs(db: sqlite3.Connection) -> None:
    # The web app's job queue, created by web/jobs.py itself before this version (hence IF NOT
    # EXISTS). A job holds its key while queued, running or done; a failed, cancelled or
    # interrupted one leaves it free for a retry.
    _script(
        db,
        """
        CREATE TABLE IF NOT EXISTS jobs (
            id TEXT PRIMARY KEY,
            dedupe_key TEXT NOT NULL,
            status TEXT NOT NULL,
            briefing_id TEXT,
            error TEXT,
            request TEXT NOT NULL,
            progress TEXT NOT NULL DEFAULT '{}',
            created_at REAL NOT NULL,
            updated_at REAL NOT NULL
        );
        DROP INDEX IF EXISTS jobs_dedupe;
        CREATE UNIQUE INDEX jobs_live ON jobs(dedupe_key) WHERE status IN ('queued', 'running', 'done');
        CREATE INDEX IF NOT EXISTS jobs_status ON jobs(status, created_at);
        """,
    )


def _v5_one_briefing_per_key(db: sqlite3.Connection) -> None:
    # Runs at the same time (batches, the web app, the CLI) could each store the same briefing.
    # Keep the newest of each key, point the call log and the jobs at it, then forbid repeats:
    # SQLiteStore.save_briefing replaces the stored briefing instead.
    _script(
        db,
        """
        CREATE TEMP TABLE briefing_kept AS
            SELECT id, first_value(id) OVER (
                PARTITION BY article_id, options_key, backend, model ORDER BY created DESC, rowid DESC
            ) AS kept
            FROM briefings;
        DELETE FROM briefing_kept WHERE id = kept;
        UPDATE llm_calls SET briefing_id = (SELECT kept FROM briefing_kept WHERE id = llm_calls.briefing_id)
            WHERE briefing_id IN (SELECT id FROM briefing_kept);
        UPDATE jobs SET briefing_id = (SELECT kept FROM briefing_kept WHERE id = jobs.briefing_id)
            WHERE briefing_id IN (SELECT id FROM briefing_kept);
        DELETE FROM briefings WHERE id IN (SELECT id FROM briefing_kept);
        DROP TABLE briefing_kept;
        CREATE UNIQUE INDEX briefings_key ON briefings(article_id, options_key, backend, model);
        """,
    )


MIGRATIONS: list[Migration] = [
    _v1_articles_and_briefings,
    _v2_llm_calls,
    _v3_search_and_entities,
    _v4_jobs,
    _v5_one_briefing_per_key,
]
LATEST = len(MIGRATIONS)


def migrate(db: sqlite3.Connection) -> int:
    """Bring ``db`` (in autocommit mode) to ``LATEST``; returns the version it started at."""
    start = db.execute("PRAGMA user_version").fetchone()[0]
    if start > LATEST:
        from briefwire.errors import ConfigError

        raise ConfigError(
            f"The archive database has schema version {start}, newer than this briefwire "
            f"understands ({LATEST}); upgrade briefwire."
        )
    for version in range(start, LATEST):
        # BEGIN IMMEDIATE takes the write lock first, so two processes opening an old
        # database at once cannot both run the same migration.
        db.execute("BEGIN IMMEDIATE")
        try:
            if db.execute("PRAGMA user_version").fetchone()[0] != version:
                db.execute("ROLLBACK")  # another process got here first
                continue
            MIGRATIONS[version](db)
            db.execute(f"PRAGMA user_version = {version + 1}")
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
    return start
