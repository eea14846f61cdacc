"""The archive in one SQLite file: articles, briefings, a log of model calls, full-text search."""

from __future__ import annotations

import secrets
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import NamedTuple

from briefwire.model import Article, BackgroundItem, Briefing
from briefwire.store.base import BriefingRow, LLMCall, SearchHit
from briefwire.store.paths import default_db_path
from briefwire.store.related import find_related
from briefwire.store.schema import migrate
from briefwire.store.terms import extract_entities, fts_query

_CHUNK = 500  # rows per IN (...) lookup, well under SQLite's variable limit


class AddedArticle(NamedTuple):
    id: str
    new: bool  # False: an article with the same content was already archived


def article_id_for(content_hash: str) -> str:
    """Short, stable, readable: the same text always gets the same id."""
    return content_hash[:12]


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def _new_id() -> str:
    return secrets.token_hex(6)


class SQLiteStore:
    """Implements ``briefwire.store.base.Store``.

    One connection guarded by a re-entrant lock: calls are short (the slow part of a
    briefing is the model, which runs outside any store call), so serialising them is
    cheap and makes the store safe to share between the batch runner's threads. WAL
    mode lets other processes read while one writes; ``busy_timeout`` makes
    concurrent writers from several processes wait instead of failing.
    """

    def __init__(self, path: str | Path | None = None) -> None:
        # None: the default location ($BRIEFWIRE_DB, else the user data folder), never a
        # file literally called "None" in the current directory.
        self.path = str(Path(path).expanduser()) if path is not None else str(default_db_path())
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: autocommit, transactions are explicit (see _write).
        self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=30)
        self._db.row_factory = sqlite3.Row
        self._lock = threading.RLock()
        with self._lock:
            self._db.execute("PRAGMA journal_mode=WAL")
            # NORMAL is durable across application crashes in WAL mode (only power loss can
            # lose the last commits), and much faster than FULL for bulk imports.
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            migrate(self._db)

    # -- plumbing -------------------------------------------------------------------

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction: all or nothing, even if the process is killed half-way."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _read(self, sql: str, params: Sequence[object] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- articles -------------------------------------------------------------------

    def add_article(self, article: Article) -> str:
        return self.add_articles([article])[0].id

    def add_articles(self, articles: Iterable[Article]) -> list[AddedArticle]:
        """Bulk insert in one transaction; duplicates (by content hash) are found, not re-added."""
        rows: list[tuple] = []
        entities: list[tuple[str, str]] = []
        out: list[AddedArticle] = []
        pending: set[str] = set()  # hashes added earlier in this same batch
        # Feature extraction happens before taking the lock: it is the slow part.
        prepared = [(a, a.content_hash) for a in articles]
        known = self._existing_hashes([h for _, h in prepared])
        added = _now()
        for article, digest in prepared:
            aid = known.get(digest) or article_id_for(digest)
            if digest in known or digest in pending:
                out.append(AddedArticle(aid, False))
                continue
            pending.add(digest)
            out.append(AddedArticle(aid, True))
            a = article
            rows.append((aid, digest, a.url, a.title, a.author, a.date, a.text, added))
            entities.extend((aid, e) for e in extract_entities(a.text, title=a.title))
        if rows:
            with self._write() as db:
                db.executemany(
                    "INSERT OR IGNORE INTO articles(id, content_hash, url, title, author, date, text, added)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    rows,
                )
                db.executemany(
                    "INSERT OR IGNORE INTO article_entities(article_id, entity) VALUES (?, ?)", entities
                )
        return out

    def _existing_hashes(self, hashes: list[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        unique = list(dict.fromkeys(hashes))
        for i in range(0, len(unique), _CHUNK):
            chunk = unique[i : i + _CHUNK]
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT content_hash, id FROM articles WHERE content_hash IN ({marks})"
            found.update({r["content_hash"]: r["id"] for r in self._read(sql, chunk)})
        return found

    def get_article(self, article_id: str) -> Article | None:
        rows = self._read("SELECT * FROM articles WHERE id = ?", (article_id,))
        if not rows:
            return None
        r = rows[0]
        return Article(
            id=r["id"], text=r["text"], title=r["title"], author=r["author"], date=r["date"], url=r["url"]
        )

    # -- briefings ------------------------------------------------------------------

    def find_briefing(self, article_hash: str, options_key: str, backend: str, model: str) -> str | None:
        rows = self._read(
            "SELECT b.id FROM briefings b JOIN articles a ON a.id = b.article_id"
            " WHERE a.content_hash = ? AND b.options_key = ? AND b.backend = ? AND b.model = ?"
            " ORDER BY b.created DESC, b.rowid DESC LIMIT 1",
            (article_hash, options_key, backend, model),
        )
        return rows[0]["id"] if rows else None

    def save_briefing(
        self,
        article_id: str,
        briefing: Briefing,
        options_key: str,
        *,
        backend: str | None = None,
        model: str | None = None,
        llm_call_ids: Sequence[str] = (),
    ) -> str:
        if briefing.run is not None:
            backend = backend or briefing.run.backend
            model = model if model is not None else briefing.run.model
        backend = backend or briefing.engine
        model = model if model is not None else ""
        with self._write() as db:
            # One briefing per key, however many runs save it at once: a later save replaces the
            # stored one's content and keeps its id, so links to it (and its call log) stay valid.
            [(bid,)] = db.execute(
                "INSERT INTO briefings(id, article_id, backend, model, options_key, json, created)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT(article_id, options_key, backend, model)"
                " DO UPDATE SET json = excluded.json, created = excluded.created RETURNING id",
                (_new_id(), article_id, backend, model, options_key, briefing.model_dump_json(), _now()),
            ).fetchall()
            db.executemany(
                "UPDATE llm_calls SET briefing_id = ? WHERE id = ?", [(bid, c) for c in llm_call_ids]
            )
        return bid

    def cached_briefings(self, article_hash: str, options_key: str) -> list[tuple[str, str, str, str, str]]:
        """(id, backend, model, options key, JSON) of every briefing stored for this content and options."""
        rows = self._read(
            "SELECT b.id, b.backend, b.model, b.options_key, b.json FROM briefings b"
            " JOIN articles a ON a.id = b.article_id WHERE a.content_hash = ? AND b.options_key = ?"
            " ORDER BY b.created DESC, b.rowid DESC",
            (article_hash, options_key),
        )
        return [tuple(r) for r in rows]  # type: ignore[misc]

    def get_briefing(self, briefing_id: str) -> Briefing | None:
        rows = self._read("SELECT json FROM briefings WHERE id = ?", (briefing_id,))
        return Briefing.model_validate_json(rows[0]["json"]) if rows else None

    def briefing_article(self, briefing_id: str) -> Article | None:
        """The article a stored briefing was written from, as given (before any truncation)."""
        rows = self._read("SELECT article_id FROM briefings WHERE id = ?", (briefing_id,))
        return self.get_article(rows[0]["article_id"]) if rows else None

    def list_briefings(self, limit: int = 20) -> list[BriefingRow]:
        rows = self._read(
            "SELECT b.id, b.article_id, a.title, json_extract(b.json, '$.headline') AS headline,"
            " json_extract(b.json, '$.engine') AS engine, b.backend, b.model, b.created"
            " FROM briefings b JOIN articles a ON a.id = b.article_id"
            " ORDER BY b.created DESC, b.rowid DESC LIMIT ?",
            (limit,),
        )
        return [BriefingRow(**dict(r)) for r in rows]

    # -- search and retrieval ---------------------------------------------------------

    def search(self, query: str, limit: int = 10) -> list[SearchHit]:
        """BM25 full-text search over titles (weighted up) and text.

        Every word must match; if nothing does, any word may. The query is reduced to
        quoted words first, so FTS5 syntax in user input can never cause an error.
        """
        for operator in ("AND", "OR"):
            match = fts_query(query.split(), operator=operator)
            if match is None:
                return []
            rows = self._read(
                "SELECT a.id, a.title, a.date, a.url,"
                " snippet(articles_fts, 1, '', '', '…', 16) AS snippet,"
                " -bm25(articles_fts, 4.0, 1.0) AS score"
                " FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid"
                " WHERE articles_fts MATCH ? ORDER BY score DESC LIMIT ?",
                (match, limit),
            )
            if rows:
                return [SearchHit(**dict(r)) for r in rows]
        return []

    def related(self, article: Article, limit: int = 3) -> list[BackgroundItem]:
        with self._lock:
            return find_related(self._db, article, limit=limit)

    # -- model call log --------------------------------------------------------------

    def log_llm_call(
        self,
        *,
        backend: str,
        model: str,
        section: str,
        prompt_hash: str,
        prompt_tokens: int,
        cached_tokens: int,
        generated_tokens: int,
        seconds: float,
        article_id: str | None = None,
        briefing_id: str | None = None,
    ) -> str:
        cid = _new_id()
        with self._write() as db:
            db.execute(
                "INSERT INTO llm_calls(id, briefing_id, article_id, section, backend, model, prompt_hash,"
                " prompt_tokens, cached_tokens, generated_tokens, seconds, created)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    cid, briefing_id, article_id, section, backend, model, prompt_hash,
                    prompt_tokens, cached_tokens, generated_tokens, seconds, _now(),
                ),
            )  # fmt: skip
        return cid

    def llm_calls(self, briefing_id: str | None = None, limit: int = 100) -> list[LLMCall]:
        """Logged calls, newest first; only those of ``briefing_id`` if given."""
        where, params = ("WHERE briefing_id = ?", [briefing_id]) if briefing_id else ("", [])
        rows = self._read(
            f"SELECT * FROM llm_calls {where} ORDER BY created DESC, rowid DESC LIMIT ?", [*params, limit]
        )
        return [LLMCall(**dict(r)) for r in rows]

    def counts(self) -> dict[str, int]:
        tables = ("articles", "briefings", "llm_calls")
        return {t: self._read(f"SELECT count(*) AS n FROM {t}")[0]["n"] for t in tables}
