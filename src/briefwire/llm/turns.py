"""Model processes on one machine take turns on the CPU instead of running at once.

llama.cpp runs every generation on all cores, its threads synchronising at each layer. Two
processes that do so at once (a CLI briefing while a batch or the web app runs) preempt each
other's threads in the middle of those barriers: on the 2-core machine two briefings at once
took 0.71-0.73x the time of one after the other (docs/benchmarks.md §7), whatever the
busy-wait setting. Taking turns, call by call, keeps each call at full speed.

A process holds the machine's turn while any of its model calls runs (calls of one process,
such as a batch's parallel slots, share it). Waiting processes queue on a turnstile, so two
processes alternate call by call: a process that has the turn gives it up when its calls pause
and lets a waiting one in before it starts new calls. POSIX file locks (``fcntl.flock``) in
the temp folder: released by the kernel if a process dies, per user. Elsewhere, or with
``$BRIEFWIRE_SHARE_CPU=0``, calls run at once as before.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: no flock; calls simply run at once
    fcntl = None  # type: ignore[assignment]


def lock_folder() -> Path:
    uid = os.getuid() if hasattr(os, "getuid") else "user"
    return Path(tempfile.gettempdir()) / f"briefwire-{uid}"


class MachineTurns:
    """The machine-wide turn of one process; ``with turns.turn():`` around each model call."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder or lock_folder()
        self._state = threading.Condition()
        self._users = 0  # this process's model calls running now
        self._fds: tuple[int, int] | None = None  # (turn, turnstile)

    @contextlib.contextmanager
    def turn(self) -> Iterator[None]:
        if fcntl is None:
            yield
            return
        with self._state:
            # Hand the turn over: while another process waits, start no new call until ours end.
            while self._users and self._someone_waits():
                self._state.wait(0.05)
            if self._users == 0:
                self._acquire()
            self._users += 1
        try:
            yield
        finally:
            with self._state:
                self._users -= 1
                if self._users == 0:
                    self._release()
                self._state.notify_all()

    def _open(self) -> tuple[int, int]:
        if self._fds is None:
            self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            self._fds = tuple(  # type: ignore[assignment]
                os.open(self.folder / name, os.O_RDWR | os.O_CREAT, 0o600) for name in ("turn", "turnstile")
            )
        assert self._fds is not None
        return self._fds

    def _acquire(self) -> None:
        turn, turnstile = self._open()
        # Queue at the turnstile, take the turn, and leave the turnstile to the next in line: the
        # holder then sees someone waiting (a turnstile it cannot take) and hands over.
        fcntl.flock(turnstile, fcntl.LOCK_EX)
        try:
            fcntl.flock(turn, fcntl.LOCK_EX)
        finally:
            fcntl.flock(turnstile, fcntl.LOCK_UN)

    def _release(self) -> None:
        turn, _ = self._open()
        fcntl.flock(turn, fcntl.LOCK_UN)

    def _someone_waits(self) -> bool:
        _, turnstile = self._open()
        try:
            fcntl.flock(turnstile, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(turnstile, fcntl.LOCK_UN)
        return False


_TURNS: MachineTurns | None = None
_TURNS_LOCK = threading.Lock()


def machine_turns() -> MachineTurns:
    """This process's turns (one per process, so that its calls share the turn)."""
    global _TURNS
    with _TURNS_LOCK:
        if _TURNS is None:
            _TURNS = MachineTurns()
        return _TURNS
