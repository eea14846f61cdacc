"""Crash-safe output files: a file is either absent or complete, never half-written.

Each output is written to a temporary file in the same directory, flushed to disk
and renamed over the final name (``os.replace`` is atomic on POSIX and Windows).
A ``kill -9`` therefore leaves at worst a stray temporary file, which the next run
removes, and an existing output file always means a finished item.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

TEMP_SUFFIX = ".briefwire-tmp"
EXTENSIONS = {"md": "md", "json": "json", "html": "html"}


def output_path(out_dir: Path, item_id: str, fmt: str) -> Path:
    return out_dir / f"{item_id}.{EXTENSIONS[fmt]}"


def atomic_write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that readers (and crashes) never see a partial file."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=TEMP_SUFFIX)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)


def _fsync_dir(directory: Path) -> None:
    # Makes the rename itself durable; not possible (nor needed) on Windows.
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def remove_stale_temps(out_dir: Path) -> int:
    """Delete temporary files left by a run that was killed; returns how many."""
    removed = 0
    for stale in out_dir.glob(f".*{TEMP_SUFFIX}"):
        with contextlib.suppress(FileNotFoundError):
            stale.unlink()
            removed += 1
    return removed
