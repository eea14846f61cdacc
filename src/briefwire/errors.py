"""Errors meant for the user: the CLI prints their message on one line and exits with their code.

The tree, with each class's exit code (``briefwire.cli.run`` is the one place that turns
them into output; README "Exit codes" lists the same table)::

    BriefwireError                 1  base class; never raised itself
    ├── UsageError                 2  the command line is wrong (typer's own usage errors: also 2)
    ├── InputError                 2  the article cannot be read or holds no usable text
    ├── ConfigError                3  an unknown section or format, a missing model file, …
    │   └── BackendUnavailableError   3  the model cannot be loaded or reached
    │       └── llm.base.LLMError        3  a backend call failed (HTTP error, timeout, …)
    ├── GenerationError            4  the model gave no valid section after bounded retries
    └── OutputError                5  an output file cannot be written (read-only folder, full disk)
        └── StorageError           5  the archive database cannot be used (not SQLite, full disk)

Other codes: 0 success; 1 some items of ``batch``/``archive add`` failed (each is listed),
``archive search`` found nothing, or an internal error (one line; ``BRIEFWIRE_DEBUG=1`` shows
its traceback); 130 interrupted. OSError and sqlite3.Error that reach the CLI are machine
failures, not bugs: ``as_user_error`` makes them OutputError and StorageError.
"""

from __future__ import annotations

import sqlite3


class BriefwireError(Exception):
    """Base class: ``str(err)`` is a complete, human-readable sentence."""

    exit_code = 1


class UsageError(BriefwireError):
    """Options that contradict each other or are spelled wrong."""

    exit_code = 2


class InputError(BriefwireError):
    """The article could not be read or holds no usable text."""

    exit_code = 2


class ConfigError(BriefwireError):
    """Settings briefwire cannot work with: an unknown section or format, a missing model file."""

    exit_code = 3


class BackendUnavailableError(ConfigError):
    """The model cannot be loaded, or the server at ``--llm-url`` cannot be reached."""


class GenerationError(BriefwireError):
    """The model failed to produce a valid section after bounded retries."""

    exit_code = 4


class OutputError(BriefwireError):
    """An output file could not be written: permissions, a full disk, a missing folder."""

    exit_code = 5


class StorageError(OutputError):
    """The archive database could not be opened, read or written."""


def as_user_error(err: Exception) -> BriefwireError | None:
    """``err`` as the user-facing error it stands for; None for a bug.

    Failures of the machine rather than of briefwire (a read-only folder, a full disk, a
    file that is not a database) reach the CLI as OSError or sqlite3.Error from anywhere.
    """
    if isinstance(err, BriefwireError):
        return err
    if isinstance(err, sqlite3.Error):
        return StorageError(
            f"the archive database cannot be used: {err} (--db or $BRIEFWIRE_DB chooses another file)"
        )
    if isinstance(err, OSError):
        where = f": {err.filename}" if err.filename else ""
        return OutputError(f"{err.strerror or err}{where}")
    return None
