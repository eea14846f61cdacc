"""Where the archive lives when no ``--db`` is given."""

from __future__ import annotations

from pathlib import Path

from briefwire import settings


def default_db_path() -> Path:
    """``$BRIEFWIRE_DB`` if set, else ``<user data dir>/briefwire/briefwire.db``."""
    env = settings.DB.get()
    if env is not None:
        return env
    from platformdirs import user_data_dir

    return Path(user_data_dir("briefwire")) / "briefwire.db"
