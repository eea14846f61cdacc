"""The archive: articles, briefings and model-call logs. ``open_store`` finds the database file."""

from __future__ import annotations

from pathlib import Path

from briefwire.store.base import BriefingRow, LLMCall, SearchHit, Store
from briefwire.store.paths import default_db_path
from briefwire.store.sqlite import AddedArticle, SQLiteStore

__all__ = [
    "AddedArticle",
    "BriefingRow",
    "LLMCall",
    "SQLiteStore",
    "SearchHit",
    "Store",
    "default_db_path",
    "open_store",
]


def open_store(db: str | Path | None = None) -> SQLiteStore:
    """The store at ``db`` (the ``--db`` option), else at ``default_db_path()``; created if missing."""
    return SQLiteStore(db)
