"""Where the archive lives when no ``--db`` is given."""

from __future__ import annotations

import os
from pathlib import Path

DB_ENV = "BRIEFWIRE_DB"


def default_db_path() -> Path:
    """``$BRIEFWIRE_DB`` if set, else ``<user data dir>/briefwire/briefwire.db``."""
    env = os.environ.get(DB_ENV)
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("briefwire")) / "briefwire.db"
