"""The archive: articles, briefings and model-call logs. ``open_store`` finds the database file."""

from __future__ import annotations

import os
from pathlib import Path

from briefwire.store.base import BriefingRow, LLMCall, SearchHit, Store
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

DB_ENV = "BRIEFWIRE_DB"
DB_HELP = f"Archive database file (default: ${DB_ENV}, else briefwire.db in the user data folder)."


def default_db_path() -> Path:
    """``$BRIEFWIRE_DB`` if set, else ``<user data dir>/briefwire/briefwire.db``."""
    env = os.environ.get(DB_ENV)
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("briefwire")) / "briefwire.db"


def open_store(db: str | Path | None = None) -> SQLiteStore:
    """The store at ``db`` (the ``--db`` option), else at ``default_db_path()``; created if missing."""
    return SQLiteStore(Path(db).expanduser() if db else default_db_path())
