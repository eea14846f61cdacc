"""Where a batch writes: one file per item, written atomically (``briefwire.fsutil``).

An existing output file therefore always means a finished item; a run killed mid-write
leaves at worst a stray temporary file, which the next run removes.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from briefwire.fsutil import TEMP_SUFFIX
from briefwire.options import FORMATS

__all__ = ["EXTENSIONS", "TEMP_SUFFIX", "output_path", "remove_stale_temps"]

EXTENSIONS = {fmt: fmt for fmt in FORMATS}  # a format's file extension is its name


def output_path(out_dir: Path, item_id: str, fmt: str) -> Path:
    return out_dir / f"{item_id}.{EXTENSIONS[fmt]}"


def remove_stale_temps(out_dir: Path) -> int:
    """Delete temporary files left by a run that was killed; returns how many."""
    removed = 0
    for stale in out_dir.glob(f".*{TEMP_SUFFIX}"):
        with contextlib.suppress(FileNotFoundError):
            stale.unlink()
            removed += 1
    return removed
