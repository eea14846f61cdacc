"""Where output goes: crash-safe files, and standard output with its failures reported.

A file is either absent or complete, never half-written: the bytes go to a temporary
file in the same folder, is flushed to disk and renamed over the final name
(``os.replace`` is atomic on POSIX and Windows), and the folder is flushed so that the
rename survives a power cut. A ``kill -9`` therefore leaves at worst a stray temporary
file (named ``.NAME.RANDOM`` + ``TEMP_SUFFIX``) and never a partial output.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, NoReturn

from briefwire.errors import OutputError

TEMP_SUFFIX = ".briefwire-tmp"


def atomic_write(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8, newlines as given) to ``path``, creating its folder if needed.

    The file gets the permissions a plain ``open()`` would give (0666 less the umask).
    Raises ``OutputError`` naming ``path`` when it cannot be written.
    """
    try:
        with atomic_open(path) as handle:
            handle.write(text.encode("utf-8"))
    except OSError as err:
        raise OutputError(f"cannot write {path}: {err.strerror or err}") from err


@contextlib.contextmanager
def atomic_open(path: Path) -> Iterator[BinaryIO]:
    """A binary file to stream into, published at ``path`` only if the block ends normally.

    For output too large to hold in memory. An exception in the block (a failed check, say)
    deletes the temporary file and leaves ``path`` as it was. Raises ``OSError`` as is: the
    caller knows best what the failure means to its user.
    """
    if _special(path):
        # A device, FIFO or socket (-o /dev/null, /dev/stdout, a named pipe) is written in place:
        # renaming a file over it would replace the device itself (as root, /dev/null).
        with open(path, "wb") as handle:
            yield handle
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = _create_temp(path)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)


def _special(path: Path) -> bool:
    """True for an existing path that is neither a regular file nor a folder."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def _create_temp(path: Path) -> tuple[int, Path]:
    # Not tempfile.mkstemp: it creates files 0600 whatever the umask, and the temporary
    # file becomes the output. os.open's mode is filtered by the umask, as open()'s is.
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}{TEMP_SUFFIX}")
        try:
            return os.open(tmp, flags, 0o666), tmp
        except FileExistsError:  # a leftover of a killed run with the same random part
            continue


def _fsync_dir(directory: Path) -> None:
    # Makes the rename itself durable; not possible (nor needed) on Windows.
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_stdout(text: str) -> None:
    """Write ``text`` and a final newline to standard output, and flush it."""
    try:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    except OSError as err:
        _stdout_failed(err)
    flush_stdout()


def flush_stdout() -> None:
    """Flush now, so that a full disk or a closed pipe is reported, not ignored at interpreter exit.

    Raises ``OutputError``, or ``BrokenPipeError`` when the reader went away.
    """
    try:
        sys.stdout.flush()
    except OSError as err:
        _stdout_failed(err)


def _stdout_failed(err: OSError) -> NoReturn:
    # The interpreter flushes stdout once more at exit: give it somewhere harmless to write.
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    if isinstance(err, BrokenPipeError):
        raise err
    raise OutputError(f"cannot write to standard output: {err.strerror or err}") from err
